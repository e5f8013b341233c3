"""DomainError: what services raise when a business rule refuses an operation."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy, gettext_noop


class DomainError(Exception):
    """A refused operation with a stable machine-readable `code` and an HTTP status.

    Subclasses set `code`, `title` and `http_status`; the API error handler turns them into
    RFC 9457 problem details, so an expected conflict never surfaces as a 500.
    """

    code: str = "domain_error"
    # Marked with gettext_noop (extracted, translated when the response is rendered, in the
    # request's language).
    title: str = gettext_noop("Request refused")
    http_status: int = 400

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        # Without a detail of its own, the title, translated lazily: the response is rendered
        # in the request's language, not the language active when the error was raised.
        self.detail: str = detail or cast(str, gettext_lazy(self.title))
        if code:
            self.code = code
        self.errors = errors
        self.extra = extra or {}
        super().__init__(self.detail)


class NotFound(DomainError):
    code = "not_found"
    title = gettext_noop("Not found")
    http_status = 404


class Conflict(DomainError):
    code = "conflict"
    title = gettext_noop("Conflict")
    http_status = 409


class InvalidInput(DomainError):
    code = "invalid"
    title = gettext_noop("Invalid input")
    http_status = 400
