"""Throttles backed by the shared cache (Redis in production) that also send `RateLimit-*`.

DRF's stock throttles keep the full list of request times per client in the cache, read and
rewrite it on every request (the cost grows with the rate, and two workers can overwrite each
other's list). These count instead: a window opens at a client's first request, one atomic
`incr` per request (Redis INCR in production), and the window expires with its cache entry.

Over the limit DRF answers 429 with `Retry-After` (seconds until the window ends). Under and
over the limit the IETF `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers
are stored on the Django request (`request._ratelimit`); `lifeline.ops.middleware` copies them
onto the response. With several throttles on a view the most restrictive one is reported.
Scopes: `anon`, `user`, `auth`, `verification`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from rest_framework import throttling
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views imports this module through DEFAULT_THROTTLE_CLASSES
    from rest_framework.views import APIView


class CountingRateThrottle(throttling.SimpleRateThrottle):
    """Fixed window per client, started by its first request, counted with `cache.incr`."""

    num_requests: int
    duration: int
    reset_seconds: int = 0

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        count, started_at = self._hit(key, now)
        self.reset_seconds = max(math.ceil(started_at + self.duration - now), 0)
        remaining = max(self.num_requests - count, 0)
        _remember(request, limit=self.num_requests, remaining=remaining, reset=self.reset_seconds)
        return count <= self.num_requests

    def _hit(self, key: str, now: float) -> tuple[int, float]:
        """Count one request for `key`; return (requests in this window, window start)."""
        started_key = f"{key}:started"
        try:
            count = int(self.cache.incr(key))
        except ValueError:  # no open window: this request opens one
            if self.cache.add(key, 1, timeout=self.duration):
                self.cache.set(started_key, now, timeout=self.duration)
                return 1, now
            count = int(self.cache.incr(key))  # another worker opened it first
        started = self.cache.get(started_key)
        return count, float(started) if started is not None else now

    def wait(self) -> float | None:
        return float(self.reset_seconds)


def _remember(request: Request, *, limit: int, remaining: int, reset: int) -> None:
    django_request: Any = getattr(request, "_request", request)
    current = getattr(django_request, "_ratelimit", None)
    if current is not None and (
        int(current["RateLimit-Remaining"]),
        int(current["RateLimit-Limit"]),
    ) <= (remaining, limit):
        return  # an earlier throttle on this view is at least as restrictive
    django_request._ratelimit = {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(reset),
    }


class AnonRateThrottle(CountingRateThrottle):
    """Per-IP limit for anonymous requests (`anon`)."""

    scope = "anon"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(CountingRateThrottle):
    """Per-user limit (`user`); anonymous requests are counted per IP, as in DRF."""

    scope = "user"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        ident: Any = (
            request.user.pk
            if request.user and request.user.is_authenticated
            else self.get_ident(request)
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AuthRateThrottle(AnonRateThrottle):
    """Per-IP limit for unauthenticated credential endpoints (login, register, reset)."""

    scope = "auth"


class VerificationRateThrottle(CountingRateThrottle):
    """Per-user-or-IP limit on sending and checking verification codes."""

    scope = "verification"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        ident: Any = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
