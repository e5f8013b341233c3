"""Batched location ingestion: requests hand track points to a buffer, a task writes them in bulk.

With Redis (`REDIS_URL`) a request appends its point(s) to the Redis list `PENDING` in one
round trip (RPUSH) instead of an INSERT and a commit per request. The task `sos.drain_locations`
(queue `bulk`; beat every second, plus a kick when the list passes `KICK_EVERY` points) moves a
chunk from `PENDING` to `PROCESSING` atomically (one Lua script), writes it with one
`bulk_create`, and deletes `PROCESSING` only after that transaction committed. A drain that
crashes leaves its chunk in `PROCESSING`; the next drain writes that chunk first. A chunk
written twice (crash between commit and delete) creates no duplicate rows: `(device,
recorded_at)` is unique and the insert ignores conflicts. One drain runs at a time (a lease in
Redis).

Without Redis or without a worker (the embedded default: eager tasks), or with
`SOS_INGEST_BUFFER = False`, points are inserted at once in the request's transaction — the
same API behaviour, no delay.

The device's current state (online flag, last seen, last position, battery) is still updated
by the request itself (see `services.devices.device_record_locations`): SOS and the pages
read it at once.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from lifeline.core.tasks import enqueue_on_commit
from lifeline.sos.models import LocationPoint

logger = logging.getLogger(__name__)

PENDING = "sos:ingest:pending"
PROCESSING = "sos:ingest:processing"
LOCK = "sos:ingest:lock"
# Points per bulk_create (one INSERT statement, one transaction).
CHUNK = 1000
# Kick a drain whenever the pending list reaches a multiple of this many points.
KICK_EVERY = 2000
# A drain stops taking new chunks after this many seconds (the next tick continues).
DRAIN_BUDGET_SECONDS = 5.0
LOCK_SECONDS = 60

# Move up to ARGV[1] points from PENDING to PROCESSING, unless PROCESSING still holds the chunk
# of a drain that did not finish (then that chunk is returned again). Atomic in Redis.
_TAKE = """
local held = redis.call('LRANGE', KEYS[2], 0, -1)
if #held > 0 then return held end
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return items end
redis.call('RPUSH', KEYS[2], unpack(items))
redis.call('LTRIM', KEYS[1], #items, -1)
return items
"""

# Release the lease only if it is still ours.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_client: Any = None


def buffered() -> bool:
    """Whether points go through the Redis buffer.

    `SOS_INGEST_BUFFER` (True/False) decides when set; by default the buffer is used when
    Redis is configured and a Celery worker drains it (tasks not eager). Redis is required.
    """
    if not getattr(settings, "REDIS_URL", ""):
        return False
    flag = getattr(settings, "SOS_INGEST_BUFFER", None)
    if flag is None:
        return not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    return bool(flag)


def redis_client() -> Any:
    global _client  # one client (and connection pool) per process
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL)
    return _client


@dataclass(frozen=True)
class Point:
    device_id: uuid.UUID
    lat: float
    lon: float
    recorded_at: datetime
    created_at: datetime
    speed: float | None = None
    direction: float | None = None
    altitude: float | None = None
    accuracy: float | None = None
    battery_level: int | None = None

    def encode(self) -> str:
        return json.dumps(
            [
                str(self.device_id),
                self.lat,
                self.lon,
                self.recorded_at.isoformat(),
                self.created_at.isoformat(),
                self.speed,
                self.direction,
                self.altitude,
                self.accuracy,
                self.battery_level,
            ],
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, raw: bytes | str) -> Point:
        d, lat, lon, rec, cre, speed, direction, altitude, accuracy, battery = json.loads(raw)
        return cls(
            device_id=uuid.UUID(d),
            lat=lat,
            lon=lon,
            recorded_at=datetime.fromisoformat(rec),
            created_at=datetime.fromisoformat(cre),
            speed=speed,
            direction=direction,
            altitude=altitude,
            accuracy=accuracy,
            battery_level=battery,
        )

    def row(self) -> LocationPoint:
        return LocationPoint(
            device_id=self.device_id,
            lat=self.lat,
            lon=self.lon,
            speed=self.speed,
            direction=self.direction,
            altitude=self.altitude,
            accuracy=self.accuracy,
            battery_level=self.battery_level,
            recorded_at=self.recorded_at,
            created_at=self.created_at,
        )


def write(points: Sequence[Point]) -> int:
    """INSERT the points now (idempotent: a point already stored is skipped)."""
    if not points:
        return 0
    LocationPoint.objects.bulk_create(
        [point.row() for point in points], ignore_conflicts=True, batch_size=CHUNK
    )
    return len(points)


def submit(points: Sequence[Point]) -> None:
    """Hand points to the batch writer: one RPUSH after the current transaction commits (Redis),
    or an INSERT inside it (embedded). Raises if Redis is down, so the client retries."""
    if not points:
        return
    if not buffered():
        write(points)
        return
    payload = [point.encode() for point in points]
    connection_in_atomic = transaction.get_connection().in_atomic_block
    if connection_in_atomic:
        transaction.on_commit(lambda: _push(payload))
    else:
        _push(payload)


def _push(payload: list[str]) -> None:
    length = int(redis_client().rpush(PENDING, *payload))
    if length // KICK_EVERY != (length - len(payload)) // KICK_EVERY:
        kick()


def kick() -> None:
    """Start a drain now (by task name; called after commit, so it is sent at once)."""
    try:
        enqueue_on_commit("sos.drain_locations", queue="bulk", expires=30)
    except Exception:  # the beat tick drains anyway
        logger.warning("sos.ingest_kick_failed")


def pending() -> int:
    """Points not yet written (pending + in a chunk being written)."""
    if not getattr(settings, "REDIS_URL", ""):
        return 0
    client = redis_client()
    return int(client.llen(PENDING)) + int(client.llen(PROCESSING))


def drain(*, budget_seconds: float = DRAIN_BUDGET_SECONDS, chunk: int = CHUNK) -> int:
    """Write buffered points in chunks until the buffer is empty or the budget is spent.

    Returns the number of points written (a re-written chunk counts again). A concurrent drain
    returns 0 at once. Runs whenever Redis is configured (points buffered before a switch to
    direct writes are still written).
    """
    if not getattr(settings, "REDIS_URL", ""):
        return 0
    client = redis_client()
    token = uuid.uuid4().hex
    if not client.set(LOCK, token, nx=True, ex=LOCK_SECONDS):
        return 0
    take = client.register_script(_TAKE)
    written = 0
    started = time.monotonic()
    try:
        while time.monotonic() - started < budget_seconds:
            items = take(keys=[PENDING, PROCESSING], args=[chunk])
            if not items:
                break
            _write_chunk(list(_decode_all(items)))
            # Only now, after the commit, is the chunk removed from Redis.
            client.delete(PROCESSING)
            written += len(items)
            client.expire(LOCK, LOCK_SECONDS)
    finally:
        client.register_script(_RELEASE)(keys=[LOCK], args=[token])
    return written


def _write_chunk(points: list[Point]) -> None:
    """Write one chunk in one transaction, skipping points of devices deleted meanwhile (else
    the chunk would fail forever and block the buffer). One SELECT + one INSERT."""
    from lifeline.sos.models import Device

    for attempt in (1, 2):
        try:
            with transaction.atomic():
                alive = set(
                    Device.objects.filter(pk__in={p.device_id for p in points}).values_list(
                        "pk", flat=True
                    )
                )
                write([p for p in points if p.device_id in alive])
            return
        except IntegrityError:
            if attempt == 2:  # a device deleted between the check and the commit, again
                raise


def _decode_all(items: Iterable[bytes]) -> Iterable[Point]:
    for raw in items:
        try:
            yield Point.decode(raw)
        except (ValueError, TypeError):  # never blocks the queue on one bad entry
            logger.error("sos.ingest_bad_entry")
