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
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.utils import timezone

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


class _PublisherLoop:
    """One event loop in a daemon thread per process, for publishing from sync code.

    `async_to_sync` from a plain thread runs each call on a new event loop, and channels-redis
    keeps its connections per loop: every publish from a WSGI worker opened (and closed) a new
    Redis connection, ~5 ms of CPU for one event. Publishing on one long-lived loop keeps the
    layer's connection pool warm (~0.5 ms). Only for layers that live outside the process:
    the in-memory layer's queues belong to the server's own loop, which `async_to_sync`
    already reaches. Started lazily, and again in a forked child (threads do not survive a
    fork).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="realtime-publisher", daemon=True
                ).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop

    def run(self, event: Event, names: list[str]) -> None:
        future = asyncio.run_coroutine_threadsafe(apublish(event, names), self._running_loop())
        future.result(timeout=PUBLISH_TIMEOUT_SECONDS)


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

    Outside a transaction (autocommit) it is sent at once. A failure to reach the channel
    layer is logged and does not break the other on-commit callbacks: the database is the
    source of truth and clients refetch through the API on reconnect.
    """
    names = _checked_groups(groups)  # fail in the service, not after the commit
    if not names:
        return

    # A named function, not a partial: a robust on_commit callback that fails is logged by
    # its __qualname__, which a partial does not have (the request would turn into a 500).
    def publish_event_after_commit() -> None:
        publish_now(event, names)

    transaction.on_commit(publish_event_after_commit, using=using, robust=True)
