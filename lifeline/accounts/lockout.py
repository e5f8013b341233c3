"""django-axes hooks: the lockout key of a login attempt, and what a lockout returns.

Attempts are counted per account, whatever the address (AXES_LOCKOUT_PARAMETERS), so
rotating or forging client addresses buys no extra guesses; the address axes records is
`lifeline.core.http.client_address` (AXES_CLIENT_IP_CALLABLE). The "username" axes stores is
the account key: `user:<uuid>` for an existing account, whichever identifier
(e-mail, phone in any format) was typed, so that switching identifiers does not reset the
count; for unknown identifiers it is the normalized identifier, so probing unknown accounts is
locked out exactly like probing real ones (no enumeration).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from lifeline.accounts.models import User
from lifeline.accounts.phone_numbers import normalize_phone

_CACHE_ATTR = "_lifeline_lockout_keys"


def lockout_key_for_user(user: User) -> str:
    return f"user:{user.pk}"


def lockout_key(identifier: str) -> str:
    """The axes username for a typed identifier (one DB lookup)."""
    from lifeline.accounts.selectors import user_find_by_identifier

    identifier = identifier.strip()
    user = user_find_by_identifier(identifier)
    if user is not None:
        return lockout_key_for_user(user)
    if "@" in identifier:
        return identifier.lower()
    return normalize_phone(identifier) or identifier.lower()


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: map the credentials (or the POSTed form) to the account key."""
    credentials = credentials or {}
    raw = None
    for key in ("username", "email", "phone_number"):
        value = credentials.get(key)
        if not value and request is not None and request.method == "POST":
            value = request.POST.get(key)
        if value:
            raw = str(value)
            break
    if raw is None:
        return None
    cache: dict[str, str] = getattr(request, _CACHE_ATTR, None) or {}
    if raw not in cache:
        cache[raw] = lockout_key(raw)
        if request is not None:
            setattr(request, _CACHE_ATTR, cache)
    return cache[raw]


def lockout_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: problem details for the API, a plain page elsewhere.

    The accounts services raise `AccountLockedOut` themselves; this answers lockouts noticed by
    axes on other paths (the Django admin login form).
    """
    seconds = lockout_seconds()
    minutes = max(seconds // 60, 1)
    title = _("Too many failed sign-in attempts")
    detail = _("Sign-in is locked for %(minutes)d minutes after repeated failures.") % {
        "minutes": minutes
    }
    response: HttpResponse
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank",
            "title": title,
            "status": 429,
            "detail": detail,
            "code": "auth.locked_out",
        }
        response = JsonResponse(body, status=429, content_type="application/problem+json")
    else:
        response = HttpResponse(
            f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>"
            f"<p>{escape(detail)}</p>",
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response
