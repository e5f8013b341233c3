"""Location ingestion: batches, the Redis buffer and its drain (no point lost, none doubled)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lifeline.sos import ingest
from lifeline.sos.models import Device, LocationPoint
from lifeline.sos.tests.conftest import client_for
from lifeline.sos.tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db

# Device clock readings must be from the last year (lifeline.core.dates): yesterday.
YESTERDAY = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
AT = [YESTERDAY + timedelta(seconds=s) for s in (0, 10, 20)]
T0, T1, T2 = (at.isoformat().replace("+00:00", "Z") for at in AT)


def _url(device: Any) -> str:
    return f"/api/v1/devices/{device.device_uid}/location/"


def _rows() -> list[tuple[Any, ...]]:
    return list(
        LocationPoint.objects.order_by("recorded_at").values_list(
            "device__device_uid", "lat", "lon", "speed", "battery_level", "recorded_at"
        )
    )


# --- direct writes (no Redis / eager: the embedded default) --------------------------------
def test_a_batch_is_stored_and_the_newest_point_becomes_the_device_position(
    wearer: Any, device: Any
) -> None:
    body = [
        {"lat": 41.2, "lon": 69.2, "timestamp": T1, "battery_level": 80},
        {"lat": 41.1, "lon": 69.1, "timestamp": T0, "speed": 3.5, "battery_level": 81},
        {"lat": 41.3, "lon": 69.3, "timestamp": T2},
    ]
    response = client_for(wearer).post(_url(device), body, format="json")

    assert response.status_code == 201
    assert response.json() == {"status": "location recorded"}
    at = AT
    assert _rows() == [
        (device.device_uid, 41.1, 69.1, 3.5, 81, at[0]),
        (device.device_uid, 41.2, 69.2, None, 80, at[1]),
        (device.device_uid, 41.3, 69.3, None, None, at[2]),
    ]
    device.refresh_from_db()
    # The newest point is the position; the newest battery reading is the battery.
    assert (device.last_lat, device.last_lon, device.last_location_at) == (41.3, 69.3, at[2])
    assert (device.battery_level, device.is_online) == (80, True)


def test_a_late_older_point_is_stored_but_does_not_move_the_device_back(
    wearer: Any, device: Any
) -> None:
    client = client_for(wearer)
    newer = [{"lat": 41.3, "lon": 69.3, "timestamp": T2, "battery_level": 70}]
    older = [{"lat": 41.1, "lon": 69.1, "timestamp": T0, "battery_level": 90}]

    assert client.post(_url(device), newer, format="json").status_code == 201
    assert client.post(_url(device), older, format="json").status_code == 201

    assert [row[1:3] for row in _rows()] == [(41.1, 69.1), (41.3, 69.3)]
    device.refresh_from_db()
    # A buffered point that arrives late is history, not the current position or battery.
    assert (device.last_lat, device.last_lon, device.last_location_at) == (41.3, 69.3, AT[2])
    assert (device.battery_level, device.is_online) == (70, True)


def test_one_invalid_point_rejects_the_batch_and_stores_nothing(wearer: Any, device: Any) -> None:
    before = Device.objects.values().get(pk=device.pk)
    body = [{"lat": 41.2, "lon": 69.2}, {"lat": 91, "lon": 69.2}]

    response = client_for(wearer).post(_url(device), body, format="json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert LocationPoint.objects.count() == 0
    assert Device.objects.values().get(pk=device.pk) == before


@pytest.mark.parametrize("size", [0, 501])
def test_empty_or_oversized_batch_is_400(wearer: Any, device: Any, size: int) -> None:
    body = [{"lat": 1, "lon": 2}] * size

    response = client_for(wearer).post(_url(device), body, format="json")

    assert response.status_code == 400
    assert LocationPoint.objects.count() == 0


def test_a_resent_point_is_not_stored_twice(wearer: Any, device: Any) -> None:
    client = client_for(wearer)
    for _ in range(2):
        response = client.post(_url(device), {"lat": 1, "lon": 2, "timestamp": T0}, format="json")
        assert response.status_code == 201

    assert LocationPoint.objects.count() == 1


def test_batch_for_another_users_device_is_404_and_stores_nothing(device: Any) -> None:
    other = DeviceFactory()

    response = client_for(other.owner).post(_url(device), [{"lat": 1, "lon": 2}], format="json")

    assert response.status_code == 404
    assert LocationPoint.objects.count() == 0


def test_without_a_worker_points_are_written_at_once(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:6379/7"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SOS_INGEST_BUFFER = None
    assert ingest.buffered() is False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert ingest.buffered() is True
    settings.SOS_INGEST_BUFFER = False
    assert ingest.buffered() is False
    settings.REDIS_URL = ""
    settings.SOS_INGEST_BUFFER = True
    assert ingest.buffered() is False


# --- the Redis buffer ----------------------------------------------------------------------
@pytest.fixture
def buffer(settings: Any) -> Iterator[Any]:
    settings.SOS_INGEST_BUFFER = True
    client = ingest.redis_client()
    client.delete(ingest.PENDING, ingest.PROCESSING, ingest.LOCK)
    yield client
    client.delete(ingest.PENDING, ingest.PROCESSING, ingest.LOCK)


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Any:
    def run(points: list[ingest.Point]) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            ingest.submit(points)

    return run


def _post(client: Any, device: Any, body: Any, capture: Any) -> int:
    with capture(execute=True):
        return int(client.post(_url(device), body, format="json").status_code)


@pytest.mark.redis
def test_buffered_points_are_written_by_the_drain_exactly(
    wearer: Any, device: Any, buffer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(wearer)
    assert (
        _post(
            client,
            device,
            {"lat": 1.5, "lon": 2.5, "timestamp": T0},
            django_capture_on_commit_callbacks,
        )
        == 201
    )
    batch = [
        {"lat": 1.6, "lon": 2.6, "timestamp": T1, "speed": 4},
        {"lat": 1.7, "lon": 2.7, "timestamp": T2, "battery_level": 55},
    ]
    assert _post(client, device, batch, django_capture_on_commit_callbacks) == 201

    # Accepted, not yet written; the device's position is current at once.
    assert LocationPoint.objects.count() == 0
    assert ingest.pending() == 3
    device.refresh_from_db()
    assert (device.last_lat, device.battery_level) == (1.7, 55)

    assert ingest.drain() == 3

    at = AT
    assert _rows() == [
        (device.device_uid, 1.5, 2.5, None, None, at[0]),
        (device.device_uid, 1.6, 2.6, 4.0, None, at[1]),
        (device.device_uid, 1.7, 2.7, None, 55, at[2]),
    ]
    assert ingest.pending() == 0
    assert ingest.drain() == 0


@pytest.mark.redis
def test_a_failing_drain_loses_nothing_and_the_retry_writes_everything(
    device: Any, buffer: Any, monkeypatch: Any, submit: Any
) -> None:
    points = [
        ingest.Point(
            device_id=device.pk,
            lat=1.0,
            lon=float(i),
            recorded_at=datetime(2026, 11, 23, 10, 0, i, tzinfo=UTC),
            created_at=datetime(2026, 11, 23, 10, 1, tzinfo=UTC),
        )
        for i in range(5)
    ]
    submit(points)
    real_write = ingest.write

    def broken(chunk: Any) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(ingest, "write", broken)
    with pytest.raises(RuntimeError):
        ingest.drain(chunk=3)

    assert LocationPoint.objects.count() == 0
    assert ingest.pending() == 5  # 3 held in PROCESSING, 2 still pending
    assert buffer.llen(ingest.PROCESSING) == 3
    assert buffer.get(ingest.LOCK) is None  # the lease was released

    monkeypatch.setattr(ingest, "write", real_write)
    assert ingest.drain(chunk=3) == 5
    assert sorted(LocationPoint.objects.values_list("lon", flat=True)) == [0, 1, 2, 3, 4]
    assert ingest.pending() == 0


@pytest.mark.redis
def test_a_chunk_written_twice_is_not_doubled(
    device: Any, buffer: Any, monkeypatch: Any, submit: Any
) -> None:
    point = ingest.Point(
        device_id=device.pk,
        lat=1.0,
        lon=2.0,
        recorded_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        created_at=datetime(2026, 11, 23, 10, 1, tzinfo=UTC),
    )
    submit([point, point])  # a device's retry
    # The drain commits, then dies before removing its chunk from Redis.
    real_delete = buffer.delete

    def dying_delete(*keys: str) -> int:
        if ingest.PROCESSING in keys:
            raise ConnectionError("worker killed")
        return int(real_delete(*keys))

    monkeypatch.setattr(buffer, "delete", dying_delete)
    with pytest.raises(ConnectionError):
        ingest.drain()
    assert LocationPoint.objects.count() == 1
    monkeypatch.setattr(buffer, "delete", real_delete)
    buffer.delete(ingest.LOCK)  # the dead worker's lease expires

    assert ingest.drain() == 2  # the held chunk again
    assert LocationPoint.objects.count() == 1
    assert ingest.pending() == 0


@pytest.mark.redis
def test_points_of_a_deleted_device_do_not_block_the_others(
    device: Any, buffer: Any, submit: Any
) -> None:
    gone = DeviceFactory()
    at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    submit(
        [
            ingest.Point(device_id=gone.pk, lat=1, lon=1, recorded_at=at, created_at=at),
            ingest.Point(device_id=device.pk, lat=2, lon=2, recorded_at=at, created_at=at),
        ]
    )
    Device.objects.filter(pk=gone.pk).delete()

    assert ingest.drain() == 2
    assert list(LocationPoint.objects.values_list("device_id", flat=True)) == [device.pk]
    assert ingest.pending() == 0


@pytest.mark.redis
def test_a_concurrent_drain_waits_for_the_lease(device: Any, buffer: Any, submit: Any) -> None:
    at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    submit([ingest.Point(device_id=device.pk, lat=1, lon=1, recorded_at=at, created_at=at)])
    buffer.set(ingest.LOCK, "another-worker")

    assert ingest.drain() == 0
    assert ingest.pending() == 1
    buffer.delete(ingest.LOCK)
    assert ingest.drain() == 1


@pytest.mark.redis
def test_throttle_still_applies_with_the_buffer(
    wearer: Any, device: Any, buffer: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SOS_DEVICE_THROTTLE_RATE = "2/min"
    client = client_for(wearer)
    statuses = [
        _post(client, device, {"lat": 1, "lon": 2}, django_capture_on_commit_callbacks)
        for _ in range(3)
    ]

    assert statuses == [201, 201, 429]
    assert ingest.pending() == 2


@pytest.mark.redis
def test_crossing_the_kick_threshold_sends_one_drain(
    device: Any, buffer: Any, monkeypatch: Any, submit: Any
) -> None:
    kicks: list[int] = []
    monkeypatch.setattr(ingest, "KICK_EVERY", 3)
    monkeypatch.setattr(ingest, "kick", lambda: kicks.append(1))
    at = [datetime(2026, 11, 23, 10, 0, s, tzinfo=UTC) for s in range(5)]
    for moment in at:
        submit(
            [ingest.Point(device_id=device.pk, lat=1, lon=1, recorded_at=moment, created_at=moment)]
        )

    assert len(kicks) == 1
    assert ingest.pending() == 5


def test_a_kick_enqueues_the_drain_by_name_on_the_bulk_queue(
    monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # ingest never imports sos.tasks: the kick goes through core.tasks.enqueue_on_commit.
    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr("lifeline.core.tasks._send", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        ingest.kick()
        assert sent == []  # inside a transaction: only once it commits
    assert sent == [("sos.drain_locations", {}, "bulk", 30)]


def test_a_kick_that_cannot_reach_the_broker_is_only_logged(monkeypatch: Any, caplog: Any) -> None:
    def unreachable(*args: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr("lifeline.core.tasks._send", unreachable)
    # Called after the request's commit (outside any transaction): sent, or logged, at once.
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, **kwargs: func())
    ingest.kick()
    assert [r.getMessage() for r in caplog.records] == ["sos.ingest_kick_failed"]
