"""What a signed-in browser user must fix before using anything else.

A user whose password expired or who must change it is sent to the password page; a user
whose role requires two-factor authentication and who has none is sent to the security
page. Only those pages, sign-out, the language switch and static files stay reachable.
The API enforces the same restrictions through the JWT `restrict` claim and is left alone
here (`/api/` answers for itself).

The restrictions are computed at sign-in (`web:login` stores them in the session, as the API
puts them in the JWT at token issue) and the pages that lift one recompute them. A session
that did not come through the sign-in page (tests' `force_login`) carries none and is not
held.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.accounts.selectors import (
    RESTRICTION_2FA_ENROLLMENT,
    RESTRICTION_PASSWORD_CHANGE,
    user_login_restrictions,
)

RESTRICTIONS_KEY = "lifeline_restrictions"

# Paths that are never held back (prefixes).
_ALWAYS_OPEN = ("/api/", "/static/", "/i18n/", "/metrics", "/ws/", "/sw.js")


def restrictions_store(request: HttpRequest, restrictions: list[str]) -> None:
    request.session[RESTRICTIONS_KEY] = list(restrictions)


def restrictions_refresh(request: HttpRequest) -> list[str]:
    """Recompute the signed-in user's restrictions (after they fixed one) and keep them."""
    user = request.user
    restrictions = user_login_restrictions(user=user) if isinstance(user, User) else []
    restrictions_store(request, restrictions)
    return restrictions


def restrictions_of(request: HttpRequest) -> list[str]:
    """The restrictions recorded for this session at sign-in (see the module notes)."""
    return list(request.session.get(RESTRICTIONS_KEY, []))


def _fixing_page(restrictions: list[str]) -> tuple[str, set[str]]:
    """The URL name to send the user to and the paths open to them meanwhile."""
    if RESTRICTION_PASSWORD_CHANGE in restrictions:
        return "web:password-change", {reverse("web:logout"), reverse("web:password-change")}
    return "web:security", {
        reverse("web:logout"),
        reverse("web:security"),
        reverse("web:two-factor-enrol"),
        reverse("web:two-factor-confirm"),
    }


class RestrictionMiddleware:
    """Redirect restricted users to the page that lifts their restriction (see module docs)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and hasattr(request, "session")
            and not request.path.startswith(_ALWAYS_OPEN)
        ):
            restrictions = [
                r
                for r in restrictions_of(request)
                if r in (RESTRICTION_PASSWORD_CHANGE, RESTRICTION_2FA_ENROLLMENT)
            ]
            if restrictions:
                target, open_paths = _fixing_page(restrictions)
                if request.path not in open_paths:
                    return redirect(target)
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Render dates in the signed-in user's own time zone (`User.time_zone`, else UTC)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone_name = getattr(user, "time_zone", "") if user is not None else ""
        try:
            zone = ZoneInfo(zone_name) if zone_name else None
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is not None and user is not None and user.is_authenticated:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
