"""Django's Redis cache backend, without building a Redis client per cache operation.

`django.core.cache.backends.redis.RedisCacheClient.get_client()` constructs a new
`redis.Redis` object on every call — every `get`, `set`, `incr` — and with redis-py 5+ that
construction (it copies the table of response callbacks) costs about as much as the round
trip to Redis itself: 100 µs of a 270 µs `cache.get` here (measured in
`benchmarks/README.md`, `api_read`). A client is a thin, thread-safe wrapper around the
connection pool, so one per pool is enough; this backend keeps it. Everything else —
serialization, key handling, pools, options — is Django's.

Use `"BACKEND": "lifeline.core.cache.RedisCache"` wherever Django's `RedisCache` would go.

`REDIS_UNAVAILABLE` is what the cache and the channel layer raise when Redis cannot be reached
(refused, reset, timed out, or loading its data after a restart). Code that must keep working
through a Redis outage — throttles, presence, publishing, WebSocket handshakes — catches
exactly these and degrades (docs/architecture.md, "When Redis or PostgreSQL is down").
"""

from __future__ import annotations

from typing import Any

import redis
from django.core.cache.backends import redis as django_redis

# redis-py wraps socket errors in its own ConnectionError (BusyLoadingError included) and
# TimeoutError; OSError covers what reaches us unwrapped (asyncio timeouts, a reset socket).
# Not RedisError as a whole: a ResponseError is a bug to see, not an outage to ride out.
REDIS_UNAVAILABLE: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
