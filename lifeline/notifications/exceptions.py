"""Errors of the notifications app: provider outcomes and refused API operations."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from lifeline.core.exceptions import DomainError


class ProviderError(Exception):
    """A provider refused or failed a send. `response` is safe to store (no secrets)."""

    def __init__(self, message: str, *, response: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.response = response or {}


class RecoverableError(ProviderError):
    """Timeouts, connection errors, 429 and 5xx: retried with backoff."""


class PermanentError(ProviderError):
    """4xx and bad configuration: retrying cannot help, so the delivery fails at once."""


class StaleDevice(PermanentError):
    """The provider says the token or subscription is gone: the device is deleted."""


class WebPushNotConfigured(DomainError):
    code = "webpush_not_configured"
    title = gettext_noop("Web Push is not configured")
    http_status = 404
