"""The event envelope and how services publish it (STYLE.md 2.7).

Every WebSocket client receives the same envelope::

    {"type": "sos.alert_created", "id": "7f0c…", "occurred_at": "2026-…Z", "version": 1,
     "data": {"alert_id": "9b2e…", "severity": "high"}}

`data` holds ids and the few fields every recipient may see; clients fetch details through
the API. Events are built by functions in `<app>/events.py` and published from services with
`publish_on_commit`, so nobody hears about a row that was rolled back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.utils import timezone

from lifeline.core.cache import REDIS_UNAVAILABLE
from lifeline.realtime import groups as group_names

logger = logging.getLogger(__name__)

# `<app>.<noun>_<past-participle>`, e.g. `sos.alert_created`, `ambulance.crew_assigned`.
EVENT_TYPE_RE = re.compile(r"^[a-z][a-z0-9]*\.[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")

# The channel-layer message type; consumers handle it in `realtime_event`.
MESSAGE_TYPE = "realtime.event"


def _utc_z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, kw_only=True, slots=True)
class Event:
    """One thing that happened, as every subscriber sees it."""

    type: str
    data: dict[str, Any]
    version: int = 1
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=timezone.now)

    def __post_init__(self) -> None:
        if not EVENT_TYPE_RE.fullmatch(self.type):
            raise ValueError(f"event type {self.type!r} is not <app>.<noun>_<past-participle>")
        if not isinstance(self.version, int) or isinstance(self.version, bool) or self.version < 1:
            raise ValueError("event version must be a positive integer")
        if not isinstance(self.data, dict):
            raise TypeError("event data must be a dict")
        if timezone.is_naive(self.occurred_at):
            raise ValueError("occurred_at must be timezone-aware")
        try:
            # Channel layers serialize with msgpack and clients parse JSON: primitives only
            # (pass ids as str(uuid)).
            json.dumps(self.data, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"event data of {self.type} is not plain JSON: {exc}") from exc

    def as_dict(self) -> dict[str, Any]:
        """Return the envelope sent to clients."""
        return {
            "type": self.type,
            "id": str(self.id),
            "occurred_at": _utc_z(self.occurred_at),
            "version": self.version,
            "data": self.data,
        }


def _checked_groups(groups: Iterable[str]) -> list[str]:
    if isinstance(groups, str):
        raise TypeError("groups must be a list of group names, not one string")
    # Keep the order, drop duplicates: one message per group.
    return [group_names.validate(g) for g in dict.fromkeys(groups)]


def _message(event: Event) -> dict[str, Any]:
    return {"type": MESSAGE_TYPE, "event": event.as_dict()}


async def apublish(event: Event, groups: Iterable[str]) -> None:
    """Send `event` to `groups` now, from async code."""
    names = _checked_groups(groups)
    layer = get_channel_layer()
    if layer is None:
        logger.warning("realtime.no_channel_layer", extra={"event_type": event.type})
        return
    message = _message(event)
    for name in names:
        await layer.group_send(name, message)


PUBLISH_TIMEOUT_SECONDS = 5.0
# A publish that fails because the channel layer (Redis) cannot be reached is kept in this
# process and retried with backoff from RETRY_FIRST_SECONDS up to RETRY_MAX_SECONDS, in order,
# for RETRY_FOR_SECONDS; then it is dropped (logged): by then clients have reconnected and
# refetched through the API. At most MAX_PENDING events wait (the oldest goes first).
RETRY_FIRST_SECONDS = 0.5
RETRY_MAX_SECONDS = 10.0
RETRY_FOR_SECONDS = 600.0
MAX_PENDING = 10_000


@dataclass(frozen=True, slots=True)
class _Pending:
    event: Event
    names: list[str]
    give_up_at: float


class _PublisherLoop:
    """One event loop in a daemon thread per process, for publishing from sync code.

    `async_to_sync` from a plain thread runs each call on a new event loop, and channels-redis
    keeps its connections per loop: every publish from a WSGI worker opened (and closed) a new
    Redis connection, ~5 ms of CPU for one event. Publishing on one long-lived loop keeps the
    layer's connection pool warm (~0.5 ms). Only for layers that live outside the process:
    the in-memory layer's queues belong to the server's own loop, which `async_to_sync`
    already reaches. Started lazily, and again in a forked child (threads do not survive a
    fork).

    Publishing degrades instead of failing the request: when the layer cannot be reached
    (Redis down or restarting) the event waits in `_pending` and a task on this loop retries
    it until it goes out (see RETRY_*). Later events queue behind it, so a conversation's
    events keep their order. A retried event may reach a socket twice (the first attempt can
    time out after Redis took it); consumers drop repeated event ids.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0
        self._pending: deque[_Pending] = deque()
        self._flushing = False

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="realtime-publisher", daemon=True
                ).start()
                self._loop, self._pid = loop, os.getpid()
                # A forked child does not inherit the parent's retry task.
                self._pending, self._flushing = deque(), False
            return self._loop

    def run(self, event: Event, names: list[str]) -> None:
        loop = self._running_loop()
        if self._pending:
            self._hold(event, names, loop)  # behind the events still waiting, in order
            return
        future = asyncio.run_coroutine_threadsafe(apublish(event, names), loop)
        try:
            future.result(timeout=PUBLISH_TIMEOUT_SECONDS)
        except REDIS_UNAVAILABLE as exc:  # TimeoutError is an OSError
            future.cancel()
            logger.warning(
                "realtime.publish_deferred",
                extra={"event_type": event.type, "error": type(exc).__name__},
            )
            self._hold(event, names, loop)

    def pending(self) -> int:
        """How many events wait for the channel layer to come back."""
        return len(self._pending)

    def _hold(self, event: Event, names: list[str], loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            if len(self._pending) >= MAX_PENDING:
                dropped = self._pending.popleft()
                logger.error(
                    "realtime.publish_dropped",
                    extra={"event_type": dropped.event.type, "reason": "buffer_full"},
                )
            self._pending.append(_Pending(event, names, time.monotonic() + RETRY_FOR_SECONDS))
            if self._flushing:
                return
            self._flushing = True
        asyncio.run_coroutine_threadsafe(self._flush(), loop)

    async def _flush(self) -> None:
        """Send the waiting events in order, backing off while the layer stays unreachable."""
        delay = RETRY_FIRST_SECONDS
        while True:
            with self._lock:
                if not self._pending:
                    self._flushing = False
                    return
                item = self._pending[0]
            if time.monotonic() >= item.give_up_at:
                self._done(item)
                logger.error("realtime.publish_dropped", extra={"event_type": item.event.type})
                continue
            try:
                await asyncio.wait_for(apublish(item.event, item.names), PUBLISH_TIMEOUT_SECONDS)
            except REDIS_UNAVAILABLE:
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
                continue
            except Exception:
                # Not an outage (a bug in a layer or an event): retrying cannot help, and this
                # task must survive to deliver the events queued behind this one.
                logger.exception("realtime.publish_failed", extra={"event_type": item.event.type})
                self._done(item)
                continue
            self._done(item)
            logger.info("realtime.publish_delivered_late", extra={"event_type": item.event.type})
            delay = RETRY_FIRST_SECONDS

    def _done(self, item: _Pending) -> None:
        with self._lock:
            if self._pending and self._pending[0] is item:
                self._pending.popleft()


_publisher = _PublisherLoop()


def _layer_is_in_process(layer: Any) -> bool:
    return layer is None or isinstance(layer, InMemoryChannelLayer)


def publish_now(event: Event, groups: Iterable[str]) -> None:
    """Send `event` to `groups` now, from sync code that is outside a transaction.

    Services call `publish_on_commit` instead; this is what runs once the commit is done.
    """
    names = _checked_groups(groups)
    if _layer_is_in_process(get_channel_layer()):
        async_to_sync(apublish)(event, names)
    else:
        _publisher.run(event, names)


def publish_on_commit(event: Event, groups: Iterable[str], *, using: str | None = None) -> None:
    """Send `event` to `groups` after the current transaction commits (never on rollback).

    Outside a transaction (autocommit) it is sent at once. A channel layer that cannot be
    reached (Redis down) does not fail the request: the event waits in this process and is
    sent when the layer is back (`_PublisherLoop`). Any other failure is logged and does not
    break the other on-commit callbacks: the database is the source of truth and clients
    refetch through the API on reconnect.
    """
    names = _checked_groups(groups)  # fail in the service, not after the commit
    if not names:
        return

    # A named function, not a partial: a robust on_commit callback that fails is logged by
    # its __qualname__, which a partial does not have (the request would turn into a 500).
    def publish_event_after_commit() -> None:
        publish_now(event, names)

    transaction.on_commit(publish_event_after_commit, using=using, robust=True)
