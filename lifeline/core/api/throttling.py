"""Throttles backed by the shared cache (Redis in production) that also send `RateLimit-*`.

DRF's stock throttles keep the full list of request times per client in the cache, read and
rewrite it on every request (the cost grows with the rate, and two workers can overwrite each
other's list). These count instead, in fixed windows aligned to the clock (a per-minute
limit counts 09:00:00–09:00:59, then 09:01:00–…): one counter per client and window, whose
key names the window, so opening a window needs no second key and no coordination. On Redis
a request costs one round trip (a pipelined `SET NX EX` + `INCR`); on other backends an
atomic `incr`, with `add` when the window opens. As with every fixed window, a client can
spend two windows' worth across a boundary; the limits here are abuse guards, not quotas.

Over the limit DRF answers 429 with `Retry-After` (seconds until the window ends). Under and
over the limit the IETF `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers
are stored on the Django request (`request._ratelimit`); `lifeline.ops.middleware` copies them
onto the response. With several throttles on a view the most restrictive one is reported.
Scopes: `anon`, `user`, `auth`, `verification`.

While the shared cache (Redis) cannot be reached, counting falls back to this process's own
memory, with a warning logged once a minute: limits keep holding (per process) and the
request goes on, instead of a throttle turning a Redis outage into 500s on every endpoint.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING, Any

from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling
from rest_framework.request import Request

from lifeline.core.cache import REDIS_UNAVAILABLE
from lifeline.core.http import client_address

if TYPE_CHECKING:  # rest_framework.views imports this module through DEFAULT_THROTTLE_CLASSES
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class CountingRateThrottle(throttling.SimpleRateThrottle):
    """Fixed window per client, aligned to the clock, counted atomically in the cache."""

    num_requests: int
    duration: int
    reset_seconds: int = 0

    @property
    def cache(self) -> BaseCache:  # type: ignore[override]
        # The backend itself, not DRF's `django.core.cache.cache` proxy: `_count` needs its
        # type to take the one-round-trip path on Redis.
        return caches["default"]

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        count = _count_or_fall_back(self.cache, f"{key}:{window}", timeout=self.duration + 1)
        self.reset_seconds = max(math.ceil((window + 1) * self.duration - now), 0)
        remaining = max(self.num_requests - count, 0)
        _remember(request, limit=self.num_requests, remaining=remaining, reset=self.reset_seconds)
        return count <= self.num_requests

    def wait(self) -> float | None:
        return float(self.reset_seconds)

    def get_ident(self, request: Request) -> str:
        """The client's address (`lifeline.core.http.client_address`), never DRF's own reading
        of X-Forwarded-For, which a client can rewrite. An address that cannot be trusted
        shares the bucket `unknown`."""
        django_request: Any = getattr(request, "_request", request)
        return client_address(django_request) or "unknown"


# Counters of this process alone, used while the shared cache cannot be reached: the limits
# then hold per process (so a client gets up to one budget per worker) instead of the
# request failing with a 500 (issue 15, item 11).
_LOCAL_FALLBACK = LocMemCache("lifeline-throttle-fallback", {"MAX_ENTRIES": 10_000})
_FALLBACK_WARNING_INTERVAL = 60.0
_last_fallback_warning = 0.0


def _count_or_fall_back(cache: BaseCache, key: str, *, timeout: int) -> int:
    """`_count` in the shared cache or, while that is unreachable, in this process."""
    try:
        return _count(cache, key, timeout=timeout)
    except REDIS_UNAVAILABLE as exc:
        _warn_fallback(exc)
        return _count(_LOCAL_FALLBACK, key, timeout=timeout)


def _warn_fallback(exc: Exception) -> None:
    # Once a minute per process, not once per request: an outage must not flood the logs.
    global _last_fallback_warning
    now = time.monotonic()
    if now - _last_fallback_warning >= _FALLBACK_WARNING_INTERVAL:
        _last_fallback_warning = now
        logger.warning(
            "throttle.cache_unavailable",
            extra={"error": type(exc).__name__, "fallback": "process-local counters"},
        )


def _count(cache: BaseCache, key: str, *, timeout: int) -> int:
    """Add one to the counter `key` (created with `timeout` if absent); return its value."""
    if isinstance(cache, RedisCache):
        # One round trip instead of Django's exists + incr. Django stores integers raw, so
        # the counter stays readable through the cache API.
        full_key = cache.make_and_validate_key(key)
        client = cache._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
        pipeline = client.pipeline(transaction=False)
        pipeline.set(full_key, 0, ex=timeout, nx=True)
        pipeline.incr(full_key)
        return int(pipeline.execute()[1])
    try:
        return int(cache.incr(key))
    except ValueError:  # no counter yet: this request opens the window
        if cache.add(key, 1, timeout=timeout):
            return 1
        return int(cache.incr(key))  # another worker opened it first


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
