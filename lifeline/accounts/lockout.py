"""django-axes hooks: which username a request carries, and what a lockout returns."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    credentials = credentials or {}
    for key in ("username", "email", "phone_number"):
        value = credentials.get(key)
        if value:
            return str(value).strip().lower()
    for key in ("username", "email", "phone_number"):
        value = request.POST.get(key) if request.method == "POST" else None
        if value:
            return value.strip().lower()
    return None


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Problem details for API clients; the same words for the web (no enumeration either way)."""
    from django.conf import settings  # noqa: PLC0415

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    body = {
        "type": "about:blank",
        "title": _("Too many failed sign-in attempts"),
        "status": 429,
        "detail": _("Sign-in is locked for %(minutes)d minutes after repeated failures.")
        % {"minutes": minutes},
        "code": "auth.locked_out",
    }
    response = JsonResponse(body, status=429, content_type="application/problem+json")
    response["Retry-After"] = str(minutes * 60)
    return response
