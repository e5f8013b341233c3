"""Request context for logs, audit and rate-limit headers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class RequestContextMiddleware:
    """Copy RateLimit-* headers computed by the throttles onto the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header, value in getattr(request, "_ratelimit", {}).items():
            response.setdefault(header, value)
        return response
