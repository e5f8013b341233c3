"""E-mail through Django's configured backend: console, SMTP, or Unisender Go via anymail.

`UNISENDER_GO_ENABLED` switches EMAIL_BACKEND to `anymail.backends.unisender_go.EmailBackend`
in settings; this adapter only classifies what each backend can raise.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from typing import Any

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.core.mail import EmailMultiAlternatives, get_connection

from lifeline.notifications.exceptions import PermanentError, RecoverableError
from lifeline.notifications.integrations.base import ProviderResult, http_response_summary


def send_email(
    *, to: str, subject: str, body: str, html_body: str = "", metadata: Mapping[str, str]
) -> ProviderResult:
    connection = get_connection()
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to], connection=connection)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.metadata = dict(metadata)  # type: ignore[attr-defined]  # read by anymail only
    try:
        message.send()
    except AnymailRecipientsRefused as exc:
        raise PermanentError("email.recipient_refused") from exc
    except AnymailAPIError as exc:
        response = getattr(exc, "response", None)
        summary = http_response_summary(exc.status_code, getattr(response, "text", ""))
        if exc.status_code is None or exc.status_code == 429 or exc.status_code >= 500:
            raise RecoverableError("email.unavailable", response=summary) from exc
        raise PermanentError("email.rejected", response=summary) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError("email.recipient_refused") from exc
    except smtplib.SMTPResponseException as exc:
        summary = {"smtp_code": exc.smtp_code}
        if 400 <= exc.smtp_code < 500:
            raise RecoverableError("email.smtp_deferred", response=summary) from exc
        raise PermanentError("email.smtp_rejected", response=summary) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise RecoverableError(
            "email.unavailable", response={"exception": type(exc).__name__}
        ) from exc
    return _result(message, connection)


def _result(message: EmailMultiAlternatives, connection: Any) -> ProviderResult:
    status = getattr(message, "anymail_status", None)
    if status is None:
        return ProviderResult(response={"backend": type(connection).__module__})
    esp_response = status.esp_response
    return ProviderResult(
        message_id=str(status.message_id or ""),
        response=http_response_summary(
            getattr(esp_response, "status_code", None), getattr(esp_response, "text", "")
        ),
    )
