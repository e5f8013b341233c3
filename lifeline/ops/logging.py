"""Logging filters: never let a token, password or code reach a log line.

`RedactSecretsFilter` sits on the handlers (settings.LOGGING), so it sees every record that
is written, whichever logger emitted it. It masks secret-looking values in the message, in
`extra={...}` fields (by key and by value) and in formatted tracebacks.
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTED = "[redacted]"

_SECRET = re.compile(
    r"(?i)(password|passwd|secret|token|otp|code|authorization|cookie|refresh|access)"
    r"(\"?\s*[:=]\s*\"?)(?!bearer\s)([^\s\"',;&]+)"
)
_BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9._\-~+/]+=*")
# Keys of `extra={...}` whose value is never logged. `code` alone is a verification code;
# stable error codes are logged as `problem_code`.
SECRET_KEY = re.compile(
    r"(?i)(password|passwd|secret|token|otp|authorization|cookie|api_?key|session|csrf"
    r"|verification_code|^code$)"
)

# Attributes every LogRecord has; anything else on a record came from `extra={...}`.
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "correlation_id"}
)


def redact(text: str) -> str:
    """Mask bearer tokens and `secret=value` / `"secret": "value"` pairs in `text`."""
    text = _BEARER.sub(f"Bearer {REDACTED}", text)
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


def redact_value(key: str, value: Any) -> Any:
    """Mask `value` entirely when `key` names a secret; otherwise redact strings inside it."""
    if SECRET_KEY.search(key):
        return REDACTED
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(key, v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    if hasattr(value, "method") and hasattr(value, "path"):
        # django.request passes the HttpRequest, whose repr holds the query string.
        return f"{value.method} {value.path}"
    # Formatters would print str(value) anyway; make sure no secret rides along.
    return redact(str(value))


class RedactSecretsFilter(logging.Filter):
    """Mask secret-looking values in the message, the extra fields and the traceback."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS:
                setattr(record, key, redact_value(key, value))
        if record.exc_info:
            # Render the traceback now, redacted; formatters then print exc_text as it is.
            record.exc_text = redact(self._formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def _has_redaction(handler: logging.Handler) -> bool:
    return any(isinstance(f, RedactSecretsFilter) for f in handler.filters)


def redact_all_handlers() -> int:
    """Put `RedactSecretsFilter` on every handler of every logger configured so far.

    settings.LOGGING puts it on our own handlers; servers and workers install theirs (uvicorn's
    `uvicorn.error` handler logs every WebSocket handshake with its query string, so a
    `?token=` access token; Celery hijacks the root logger). Run when Django has configured
    logging (OpsConfig.ready) and again after Celery set up its own. Returns how many
    handlers were given the filter.
    """
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    added = 0
    for logger in loggers:
        for handler in list(logger.handlers):
            if not _has_redaction(handler):
                handler.addFilter(RedactSecretsFilter())
                added += 1
    return added
