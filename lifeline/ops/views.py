"""Health probes, the protected Prometheus endpoint and the project's 400/404/500 handlers."""

from __future__ import annotations

import functools
import hmac
import ipaddress
import sys
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View, defaults
from django.views.decorators.cache import never_cache
from django_guid import get_guid
from django_prometheus.exports import ExportToDjangoView

from lifeline.core.api.errors import (
    DATABASE_UNAVAILABLE_ERRORS,
    SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS,
)
from lifeline.core.http import client_address, forwarded_without_trusted_proxy
from lifeline.ops import health

PROBLEM_CONTENT_TYPE = "application/problem+json"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@method_decorator(never_cache, name="dispatch")
class LivenessView(View):
    """The process answers HTTP; touches no dependency, so a database outage never restarts
    every web process at once."""

    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse({"status": "ok"})


@method_decorator(never_cache, name="dispatch")
class ReadinessView(View):
    """Every dependency, by name; 503 and `failing: [names]` when one of them is down."""

    def get(self, request: HttpRequest) -> JsonResponse:
        checks = health.run_checks()
        failing = [name for name, check in checks.items() if not check["ok"]]
        body: dict[str, Any] = {"status": "unavailable" if failing else "ok", "checks": checks}
        if failing:
            body["failing"] = failing
        return JsonResponse(body, status=503 if failing else 200)


# --- /metrics ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr)


def _address_allowed(address: str | None, cidrs: Iterable[str]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in _networks(tuple(cidrs)))


def _token_valid(request: HttpRequest) -> bool:
    expected: str = getattr(settings, "LIFELINE_METRICS_TOKEN", "")
    if not expected:
        return False
    scheme, _sep, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition, only for allowed networks or a bearer token (never public)."""
    cidrs = getattr(settings, "LIFELINE_METRICS_ALLOWED_CIDRS", ["127.0.0.1/32", "::1/128"])
    # Behind a proxy that LIFELINE_PROXY_COUNT does not declare, every request looks local.
    address = None if forwarded_without_trusted_proxy(request) else client_address(request)
    if not (_address_allowed(address, cidrs) or _token_valid(request)):
        return HttpResponseForbidden(_("Forbidden"), content_type="text/plain; charset=utf-8")
    return ExportToDjangoView(request)


# --- Error handlers (config/urls.py handler404 / handler500) ----------------------------


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def problem_response(
    *, status: int, code: str, title: str, detail: str | None = None, **extra: Any
) -> JsonResponse:
    """A problem-details response outside DRF, in the same shape as lifeline.core.api.errors."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["code"] = code
    body.update(extra)
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem_response(
            status=404,
            code="not_found",
            title=_("Not found"),
            detail=_("No API endpoint matches this path."),
        )
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 handler (SuspiciousOperation, BadRequest), as problem details on /api/.

    A body over `DATA_UPLOAD_MAX_MEMORY_SIZE` is 413 `request_too_large`; too many form
    fields or files is 400 `too_many_fields`; any other refused request 400 `bad_request`.
    """
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return problem_response(
            status=413,
            code="request_too_large",
            title=_("Request too large"),
            detail=_("The request body exceeds the size limit."),
        )
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return problem_response(
            status=400,
            code="too_many_fields",
            title=_("Malformed request"),
            detail=_("The request has too many fields or files."),
        )
    return problem_response(status=400, code="bad_request", title=_("Malformed request"))


_UNAVAILABLE_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{detail}</p></body></html>
"""


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After while the database is unreachable: problem details on /api/,
    a bare page elsewhere (no template: its context processors would query the database)."""
    retry_after = str(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS)
    title = _("Service unavailable")
    detail = _("The service is temporarily unavailable. Try again shortly.")
    response: HttpResponse
    if _is_api(request):
        response = problem_response(
            status=503, code="service_unavailable", title=title, detail=detail
        )
    else:
        page = _UNAVAILABLE_PAGE.format(
            lang=escape(get_language() or settings.LANGUAGE_CODE),
            title=escape(title),
            detail=escape(detail),
        )
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = retry_after
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Never touch the database or templates here: they may be what failed.

    Django calls this inside its `except` block, so the exception is at hand: an unreachable
    database raised outside a DRF view (in a page, or a middleware such as the session
    lookup) answers 503 `service_unavailable`, like the API's exception handler does.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE_ERRORS):
        return service_unavailable(request)
    if _is_api(request):
        extra = {"request_id": guid} if (guid := get_guid()) else {}
        return problem_response(
            status=500,
            code="server_error",
            title=_("Server error"),
            detail=_("The server could not complete the request. It has been logged."),
            **extra,
        )
    return defaults.server_error(request)
