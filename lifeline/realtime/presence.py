"""Who is online, kept in the cache with an expiry (never in the database).

Each open socket is one entry `{connection: expires_at}` under the user's key; a socket
refreshes its entry on every heartbeat and removes it on disconnect. A socket that dies
without saying goodbye simply expires after `LIFELINE_PRESENCE_TTL` seconds, so presence is
right within one TTL even after a crash. Updates are read-modify-write on the cache: two
sockets of the same user racing may drop an entry, which the next heartbeat restores.

Presence is a hint, never a reason to fail: while the cache (Redis) cannot be reached, writes
are skipped and everyone reads as offline (so "notify if offline" errs towards notifying),
with a warning logged. The next heartbeat after Redis returns restores the entries.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache

from lifeline.core.cache import REDIS_UNAVAILABLE

logger = logging.getLogger(__name__)

_KEY_PREFIX = "realtime.presence."

P = ParamSpec("P")
T = TypeVar("T")


def _degrades_to(fallback: Callable[[], T]) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Answer `fallback()` instead of raising while the cache is unreachable."""

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        @wraps(function)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return function(*args, **kwargs)
            except REDIS_UNAVAILABLE as exc:
                logger.warning(
                    "presence.cache_unavailable",
                    extra={"operation": function.__name__, "error": type(exc).__name__},
                )
                return fallback()

        return guarded

    return decorate


def ttl_seconds() -> int:
    return int(getattr(settings, "LIFELINE_PRESENCE_TTL", 60))


def _key(user_id: uuid.UUID | str) -> str:
    return f"{_KEY_PREFIX}{user_id}"


def _live(entries: object, now: float) -> dict[str, float]:
    if not isinstance(entries, dict):
        return {}
    return {c: float(t) for c, t in entries.items() if float(t) > now}


@_degrades_to(lambda: None)
def mark_online(user_id: uuid.UUID | str, connection: str = "-") -> None:
    """Record (or refresh) that `connection` of the user is open, for one TTL."""
    ttl = ttl_seconds()
    now = time.time()
    entries = _live(cache.get(_key(user_id)), now)
    entries[connection] = now + ttl
    cache.set(_key(user_id), entries, timeout=ttl)


@_degrades_to(lambda: None)
def mark_offline(user_id: uuid.UUID | str, connection: str = "-") -> None:
    """Forget `connection`; the user stays online while another connection is open."""
    now = time.time()
    entries = _live(cache.get(_key(user_id)), now)
    entries.pop(connection, None)
    if entries:
        cache.set(_key(user_id), entries, timeout=max(1, int(max(entries.values()) - now) + 1))
    else:
        cache.delete(_key(user_id))


@_degrades_to(lambda: False)
def is_online(user_id: uuid.UUID | str) -> bool:
    return bool(_live(cache.get(_key(user_id)), time.time()))


@_degrades_to(lambda: set[str]())
def online_among(user_ids: Iterable[uuid.UUID | str]) -> set[str]:
    """Return the ids (as strings) of those users who are online, in one cache round trip."""
    ids = [str(u) for u in user_ids]
    found = cache.get_many([_key(u) for u in ids])
    now = time.time()
    return {u for u in ids if _live(found.get(_key(u)), now)}


# Async variants for consumers (the cache client is thread-safe, so no thread affinity).
amark_online = sync_to_async(mark_online, thread_sensitive=False)
amark_offline = sync_to_async(mark_offline, thread_sensitive=False)
