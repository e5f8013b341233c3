"""Logging filters: never let a token, password or code reach a log line."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(
    r"(?i)(password|passwd|secret|token|otp|code|authorization|cookie|refresh|access)"
    r"(\"?\s*[:=]\s*\"?)([^\s\"',;&]+)"
)
_BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9._\-]+")


def redact(text: str) -> str:
    text = _BEARER.sub("Bearer [redacted]", text)
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    """Mask secret-looking values in the rendered message (query strings, headers, bodies)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not drop the record
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
