"""SMS: a provider interface, a console provider (the default) and a generic HTTP provider.

The HTTP provider POSTs `{"to", "text", "sender"}` as JSON with a bearer token; adapt it, or add
a vendor module beside it, when an operator picks a real SMS gateway.
"""

from __future__ import annotations

import sys
from typing import Protocol

import requests

from lifeline.notifications import conf
from lifeline.notifications.exceptions import PermanentError, RecoverableError
from lifeline.notifications.integrations.base import ProviderResult, http_response_summary


class SmsProvider(Protocol):
    def send(self, *, to: str, text: str) -> ProviderResult: ...


def mask_phone(number: str) -> str:
    return number[:4] + "*" * max(len(number) - 6, 0) + number[-2:]


class ConsoleSmsProvider:
    """Writes the message to stdout, like Django's console e-mail backend. Development only."""

    def send(self, *, to: str, text: str) -> ProviderResult:
        sys.stdout.write(f"SMS to {mask_phone(to)}:\n{text}\n{'-' * 40}\n")
        return ProviderResult(response={"backend": "console"})


class HttpSmsProvider:
    def __init__(self, *, url: str, token: str, sender: str, timeout: float) -> None:
        self.url = url
        self.token = token
        self.sender = sender
        self.timeout = timeout

    def send(self, *, to: str, text: str) -> ProviderResult:
        try:
            response = requests.post(
                self.url,
                json={"to": to, "text": text, "sender": self.sender},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
            )
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise RecoverableError(
                "sms.unavailable", response={"exception": type(exc).__name__}
            ) from exc
        summary = http_response_summary(response.status_code, response.text)
        if response.status_code == 429 or response.status_code >= 500:
            raise RecoverableError("sms.unavailable", response=summary)
        if response.status_code >= 400:
            raise PermanentError("sms.rejected", response=summary)
        try:
            message_id = str(response.json().get("id", ""))
        except (ValueError, AttributeError):
            message_id = ""
        return ProviderResult(message_id=message_id, response=summary)


def get_provider() -> SmsProvider:
    """The HTTP provider when SMS_ENABLED, the console otherwise."""
    config = conf.vendor("SMS")
    if not config["ENABLED"]:
        return ConsoleSmsProvider()
    if not config["HTTP_URL"]:
        raise PermanentError("sms.not_configured")
    return HttpSmsProvider(
        url=config["HTTP_URL"],
        token=config["HTTP_TOKEN"],
        sender=config["SENDER"],
        timeout=conf.http_timeout(),
    )
