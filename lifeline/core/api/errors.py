"""RFC 9457 problem details for every API error, each with a stable `code`.

One handler maps DomainError, DRF exceptions, Django ValidationError, PermissionDenied and
Http404. Field errors (400 only) go in `errors` as `{field: [message, ...]}`.

A database that cannot be reached (`OperationalError`, `InterfaceError`: the server is down,
restarting, refusing connections, or a statement was cancelled) answers 503
`service_unavailable` with `Retry-After`, not 500: the client should retry, and nothing
about the request was wrong. Django drops the broken connection at the end of the request
(`CONN_HEALTH_CHECKS`), so the first request after the database is back succeeds.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lifeline.core.exceptions import DomainError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

# What a client is told to wait after a 503 `service_unavailable` (database unreachable).
SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)

_DRF_CODES: dict[type[drf.APIException], tuple[str, str]] = {
    drf.NotAuthenticated: ("not_authenticated", gettext_noop("Authentication required")),
    drf.AuthenticationFailed: ("authentication_failed", gettext_noop("Authentication failed")),
    drf.PermissionDenied: ("permission_denied", gettext_noop("Permission denied")),
    drf.NotFound: ("not_found", gettext_noop("Not found")),
    drf.MethodNotAllowed: ("method_not_allowed", gettext_noop("Method not allowed")),
    drf.NotAcceptable: ("not_acceptable", gettext_noop("Not acceptable")),
    drf.UnsupportedMediaType: ("unsupported_media_type", gettext_noop("Unsupported media type")),
    drf.Throttled: ("throttled", gettext_noop("Too many requests")),
    drf.ParseError: ("parse_error", gettext_noop("Malformed request")),
    drf.ValidationError: ("invalid", gettext_noop("Invalid input")),
}


def problem(
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """Build a problem-details response; the one place that shape is defined."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["code"] = code
    if errors is not None and status == 400:
        body["errors"] = errors
    if extra:
        body.update(extra)
    response = Response(body, status=status, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _flatten(detail: Any) -> dict[str, Any]:
    """Turn DRF's nested error detail into `{field: [messages]}` (nested keys kept nested)."""
    if isinstance(detail, dict):
        return {key: _flatten_value(value) for key, value in detail.items()}
    return {"non_field_errors": _flatten_value(detail)}


def _flatten_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _flatten_value(v) for key, v in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return [_flatten_value(v) for v in value]
        return [str(v) for v in value]
    return [str(value)]


def service_unavailable() -> Response:
    """503 `service_unavailable` with `Retry-After`: a dependency (the database) is down."""
    return problem(
        status=503,
        code="service_unavailable",
        title=_("Service unavailable"),
        detail=_("The service is temporarily unavailable. Try again shortly."),
        headers={"Retry-After": str(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS)},
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF EXCEPTION_HANDLER: every error leaves as application/problem+json."""
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        logger.warning("database.unavailable", exc_info=exc)
        return service_unavailable()
    if isinstance(exc, DomainError):
        return problem(
            status=exc.http_status,
            code=exc.code,
            title=_(exc.title),
            detail=exc.detail,
            errors=exc.errors,
            extra=exc.extra,
        )
    if isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, drf.APIException):
        return response  # an unexpected error: Django's 500 handling and Sentry take it

    code, title = "error", gettext_noop("Error")
    for cls in type(exc).__mro__:
        if cls in _DRF_CODES:
            code, title = _DRF_CODES[cls]
            break
    headers = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate")}
    if isinstance(exc, drf.ValidationError):
        return problem(
            status=400,
            code=code,
            title=_(title),
            detail=_("The request has invalid fields."),
            errors=_flatten(exc.detail),
        )
    detail: str | None = str(exc.detail) if isinstance(exc.detail, str) else None
    # DRF's own codes ("token_not_valid") are kept when they are more specific.
    exc_code = getattr(exc.detail, "code", None) if detail else None
    if isinstance(exc.detail, dict) and "code" in exc.detail:
        exc_code = str(exc.detail["code"])
        detail = str(exc.detail.get("detail", "")) or None
    if exc_code and exc_code not in (code, "error", "invalid"):
        code = f"{code}.{exc_code}" if code == "authentication_failed" else exc_code
    return problem(
        status=response.status_code, code=code, title=_(title), detail=detail, headers=headers
    )
