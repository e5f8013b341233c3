"""Web session policy: inactivity logout for clinical and emergency roles."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from lifeline.accounts.roles import user_has_any_role
from lifeline.accounts.services.sessions import session_end_web

LAST_SEEN_KEY = "lifeline_last_seen"
IDLE_TIMEOUT_KEY = "lifeline_idle_timeout"
# Writing the session on every request costs a database write; a minute of slack is harmless
# against a 30-minute limit.
_TOUCH_EVERY_SECONDS = 60


class SessionPolicyMiddleware:
    """End a cookie session idle for longer than its limit.

    Members of settings.LIFELINE_CLINICAL_ROLES get LIFELINE_CLINICAL_IDLE_TIMEOUT (30 min by
    default); everyone else SESSION_COOKIE_AGE. The limit is computed once per session. The
    request then continues as anonymous, so login-required pages redirect to sign-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and session is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - int(last_seen) > self._timeout_for(request):
                session_end_web(session_key=session.session_key)
                logout(request)
            elif last_seen is None or now - int(last_seen) >= _TOUCH_EVERY_SECONDS:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _timeout_for(self, request: HttpRequest) -> int:
        cached = request.session.get(IDLE_TIMEOUT_KEY)
        if cached is None:
            clinical = user_has_any_role(
                user=request.user,  # type: ignore[arg-type]
                roles=settings.LIFELINE_CLINICAL_ROLES,
            )
            cached = (
                settings.LIFELINE_CLINICAL_IDLE_TIMEOUT if clinical else settings.SESSION_COOKIE_AGE
            )
            request.session[IDLE_TIMEOUT_KEY] = cached
        return int(cached)
