"""Request context: access log line, RateLimit-* headers and the problem-details counter."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from lifeline.ops import metrics
from lifeline.ops.logging import REDACTED, SECRET_KEY

access_logger = logging.getLogger("lifeline.ops.access")

PROBLEM_CONTENT_TYPE = "application/problem+json"


class RequestContextMiddleware:
    """Per request: copy the throttles' RateLimit-* headers onto the response, count
    problem-details responses by code, and write one access-log line.

    The access line holds method, path (never the query string: tokens travel there),
    route, status, duration_ms and the user id; the log filter adds request_id.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        for header, value in getattr(request, "_ratelimit", {}).items():
            response.headers.setdefault(header, value)
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            metrics.problem_returned(_problem_code(response))
        if access_logger.isEnabledFor(logging.INFO):
            access_logger.info(
                "http.request",
                extra={
                    "method": request.method,
                    "path": _loggable_path(request),
                    "route": _route(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": _user_id(request),
                },
            )
        return response


def _problem_code(response: HttpResponse) -> str:
    data: Any = getattr(response, "data", None)  # DRF responses keep their body here
    if data is None and not response.streaming:
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
    code = data.get("code") if isinstance(data, dict) else None
    return str(code) if code else "unknown"


def _loggable_path(request: HttpRequest) -> str:
    """request.path, with URL parameters named like secrets (`<token>`) masked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if SECRET_KEY.search(name) and str(value):
                path = path.replace(str(value), REDACTED)
    return path


def _route(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None else None


def _user_id(request: HttpRequest) -> str | None:
    # DRF copies the user it authenticated (JWT, session) onto the Django request.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return str(user.pk)
