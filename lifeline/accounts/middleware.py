"""Web session policy: inactivity logout for clinical roles."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_LAST_SEEN_KEY = "lifeline_last_seen"


class SessionPolicyMiddleware:
    """Log out an idle web session of a clinical/emergency role after the configured time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN_KEY)
            if last_seen is not None and now - int(last_seen) > self._timeout_for(request):
                logout(request)
            else:
                request.session[_LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _timeout_for(self, request: HttpRequest) -> int:
        cached = request.session.get("lifeline_idle_timeout")
        if cached is None:
            from lifeline.access.selectors import user_has_any_role  # noqa: PLC0415

            clinical = user_has_any_role(
                user=request.user,
                roles=settings.LIFELINE_CLINICAL_ROLES,  # type: ignore[arg-type]
            )
            cached = (
                settings.LIFELINE_CLINICAL_IDLE_TIMEOUT if clinical else settings.SESSION_COOKIE_AGE
            )
            request.session["lifeline_idle_timeout"] = cached
        return int(cached)
