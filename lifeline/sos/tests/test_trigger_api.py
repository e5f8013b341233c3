from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from lifeline.accounts.tests.factories import UserFactory
from lifeline.jobs.models import ScheduledJob
from lifeline.sos.enums import EventStatus
from lifeline.sos.models import SosEvent, TimelineEntry
from lifeline.sos.tests.conftest import client_for
from lifeline.sos.tests.factories import TASHKENT, DeviceFactory, offset

pytestmark = pytest.mark.django_db

URL = "/api/v1/sos/trigger/"


def body(device_uid: str = "watch_unique_serial_001", **changes: Any) -> dict[str, Any]:
    data = {
        "device_uid": device_uid,
        "lat": TASHKENT[0],
        "lon": TASHKENT[1],
        "altitude": 500.0,
        "detected_type": "FALL_DETECTED",
        "severity": 4,
        "timestamp": timezone.now().isoformat(),
        "raw_payload": {"sensor_data": "..."},
    }
    data.update(changes)
    return data


def test_trigger_creates_an_event_with_the_seed_response(wearer: Any, device: Any) -> None:
    response = client_for(wearer).post(URL, body(), format="json")

    assert response.status_code == 201
    event = SosEvent.objects.get()
    assert response.json() == {"status": "created", "event_uid": str(event.pk)}
    assert (event.user, event.device, event.status) == (wearer, device, EventStatus.NEW)
    assert event.organization == device.organization
    assert event.raw_payload == {"sensor_data": "..."}
    assert list(event.timeline.values_list("kind", flat=True))[0] == "created"
    # The escalation and the first round are deadlines on the event (the sweep's truth): the
    # round's task runs at commit, and the sweep runs it 5 s later if that task is lost.
    assert abs((event.escalate_at - event.created_at).total_seconds() - 300) < 5
    assert abs((event.next_round_at - event.created_at).total_seconds() - 5) < 1
    assert (event.round_no, event.next_round_step) == (0, 0)
    assert ScheduledJob.objects.count() == 0


def test_retry_across_a_minute_boundary_is_a_duplicate(wearer: Any, device: Any) -> None:
    # Reference hole: the minute bucket inside the dedup hash made a retry 15 s later that
    # crossed a minute boundary a second event.
    client = client_for(wearer)
    t0 = datetime(2026, 1, 1, 10, 0, 55, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=t0):
        first = client.post(URL, body(timestamp=t0.isoformat()), format="json")
    t1 = t0 + timedelta(seconds=15)
    with mock.patch("django.utils.timezone.now", return_value=t1):
        second = client.post(URL, body(timestamp=t1.isoformat()), format="json")

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == {"status": "duplicate", "event_uid": first.json()["event_uid"]}
    assert SosEvent.objects.count() == 1
    assert SosEvent.objects.get().trigger_count == 2


def test_gps_jitter_within_the_distance_is_a_duplicate(wearer: Any, device: Any) -> None:
    # Reference hole: more than ~5 m of jitter defeated the rounded-coordinate hash.
    client = client_for(wearer)
    client.post(URL, body(), format="json")
    lat, lon = offset(*TASHKENT, north_m=60, east_m=80)
    response = client.post(URL, body(lat=lat, lon=lon), format="json")

    assert response.status_code == 200
    assert SosEvent.objects.count() == 1


def test_far_away_or_after_the_window_is_a_new_event(wearer: Any, device: Any) -> None:
    client = client_for(wearer)
    client.post(URL, body(), format="json")
    lat, lon = offset(*TASHKENT, north_m=500)
    assert client.post(URL, body(lat=lat, lon=lon), format="json").status_code == 201
    later = timezone.now() + timedelta(minutes=6)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.post(URL, body(timestamp=later.isoformat()), format="json")

    assert response.status_code == 201
    assert SosEvent.objects.count() == 3


def test_window_slides_with_each_duplicate(wearer: Any, device: Any) -> None:
    client = client_for(wearer)
    start = timezone.now()
    for minutes in (0, 4, 8):
        moment = start + timedelta(minutes=minutes)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            client.post(URL, body(timestamp=moment.isoformat()), format="json")

    assert SosEvent.objects.count() == 1


def test_closed_event_is_not_joined(wearer: Any, device: Any) -> None:
    client = client_for(wearer)
    client.post(URL, body(), format="json")
    SosEvent.objects.update(status=EventStatus.RESOLVED)

    assert client.post(URL, body(), format="json").status_code == 201


def test_same_person_from_another_device_joins_the_open_event(wearer: Any, device: Any) -> None:
    phone = DeviceFactory(owner=wearer, organization=device.organization)
    client = client_for(wearer)
    first = client.post(URL, body(), format="json").json()
    second = client.post(URL, body(device_uid=phone.device_uid), format="json")

    assert second.status_code == 200
    assert second.json()["event_uid"] == first["event_uid"]


def test_idempotency_key_returns_the_same_event_even_far_away(wearer: Any, device: Any) -> None:
    client = client_for(wearer)
    first = client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    lat, lon = offset(*TASHKENT, north_m=5000)
    SosEvent.objects.update(status=EventStatus.CANCELLED)
    again = client.post(URL, body(lat=lat, lon=lon), format="json", HTTP_IDEMPOTENCY_KEY="abc-1")

    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_uid": first.json()["event_uid"]}
    assert SosEvent.objects.count() == 1


def test_non_owner_trigger_is_404_and_stores_nothing(device: Any) -> None:
    # Reference hole: any authenticated user could trigger an SOS for any device.
    response = client_for(UserFactory()).post(URL, body(), format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert SosEvent.objects.count() == 0
    assert ScheduledJob.objects.count() == 0


def test_unknown_device_is_404(wearer: Any) -> None:
    response = client_for(wearer).post(URL, body(device_uid="nope"), format="json")

    assert response.status_code == 404
    assert SosEvent.objects.count() == 0


def test_anonymous_is_401(device: Any) -> None:
    assert client_for(None).post(URL, body(), format="json").status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lat": 90.5}, "lat"),
        ({"lat": -91}, "lat"),
        ({"lon": 180.01}, "lon"),
        ({"lon": -181}, "lon"),
        ({"severity": 0}, "severity"),
        ({"severity": 6}, "severity"),
        ({"detected_type": "HEART_ATTACK"}, "detected_type"),
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"lat": "NaN"}, "lat"),
        ({"device_uid": None}, "device_uid"),
    ],
)
def test_invalid_trigger_is_400_with_field_errors_and_nothing_stored(
    wearer: Any, device: Any, changes: dict[str, Any], field: str
) -> None:
    response = client_for(wearer).post(URL, body(**changes), format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert SosEvent.objects.count() == 0
    assert TimelineEntry.objects.count() == 0
    assert ScheduledJob.objects.count() == 0


def test_timestamp_in_the_future_beyond_the_skew_is_400(wearer: Any, device: Any) -> None:
    future = timezone.now() + timedelta(minutes=10)
    response = client_for(wearer).post(URL, body(timestamp=future.isoformat()), format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["timestamp"]
    assert SosEvent.objects.count() == 0


def test_small_clock_skew_is_accepted(wearer: Any, device: Any) -> None:
    soon = timezone.now() + timedelta(seconds=30)

    assert (
        client_for(wearer).post(URL, body(timestamp=soon.isoformat()), format="json").status_code
        == 201
    )


def test_device_token_can_trigger_for_its_device(wearer: Any, device: Any) -> None:
    from rest_framework.test import APIClient

    from lifeline.sos.services.devices import device_token_rotate

    token = device_token_rotate(device=device, actor=wearer)
    watch = APIClient()
    watch.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    data = body()
    del data["device_uid"]
    response = watch.post(URL, data, format="json")

    assert response.status_code == 201
    assert SosEvent.objects.get().source == "device_token"
    other = DeviceFactory()
    assert watch.post(URL, body(device_uid=other.device_uid), format="json").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_triggers_create_one_event(wearer: Any, device: Any) -> None:
    assert connection.vendor == "postgresql"
    results: list[int] = []
    barrier = threading.Barrier(6)

    def post() -> None:
        try:
            barrier.wait()
            results.append(client_for(wearer).post(URL, body(), format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [200, 200, 200, 200, 200, 201]
    assert SosEvent.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_triggers_with_one_idempotency_key_create_one_event(
    wearer: Any, device: Any
) -> None:
    results: list[int] = []
    barrier = threading.Barrier(4)

    def post(i: int) -> None:
        try:
            barrier.wait()
            lat, lon = offset(*TASHKENT, north_m=1000 * i)
            response = client_for(wearer).post(
                URL, body(lat=lat, lon=lon), format="json", HTTP_IDEMPOTENCY_KEY="same"
            )
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [200, 200, 200, 201]
    assert SosEvent.objects.count() == 1
