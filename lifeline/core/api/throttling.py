"""Throttles backed by the shared cache (Redis in production) that also send `RateLimit-*`.

DRF already answers 429 with `Retry-After`; these add the IETF RateLimit headers on every
throttled response and name the scopes the platform uses (`anon`, `user`, `auth`,
`verification`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import throttling
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views imports this module through DEFAULT_THROTTLE_CLASSES
    from rest_framework.views import APIView


class RateLimitHeadersMixin:
    """Remember the limit state so the view can expose it as RateLimit-* headers."""

    num_requests: int
    duration: int
    history: list[float]
    now: float

    def allow_request(self, request: Request, view: APIView) -> bool:
        allowed: bool = super().allow_request(request, view)  # type: ignore[misc]
        if getattr(self, "history", None) is not None and getattr(self, "num_requests", None):
            remaining = max(self.num_requests - len(self.history), 0)
            reset = int(self.duration - (self.now - self.history[-1])) if self.history else 0
            request._request._ratelimit = {  # type: ignore[attr-defined]
                "RateLimit-Limit": str(self.num_requests),
                "RateLimit-Remaining": str(remaining),
                "RateLimit-Reset": str(max(reset, 0)),
            }
        return allowed


class AnonRateThrottle(RateLimitHeadersMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RateLimitHeadersMixin, throttling.UserRateThrottle):
    pass


class AuthRateThrottle(RateLimitHeadersMixin, throttling.AnonRateThrottle):
    """Per-IP limit for unauthenticated credential endpoints (login, register, reset)."""

    scope = "auth"


class VerificationRateThrottle(RateLimitHeadersMixin, throttling.SimpleRateThrottle):
    """Per-user-or-IP limit on sending and checking verification codes."""

    scope = "verification"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        ident: Any = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
