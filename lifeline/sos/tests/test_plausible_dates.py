"""Device clock readings: implausible times are refused with a field error and nothing is
stored, except that an SOS is never refused for a clock that was reset (lifeline.core.dates)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lifeline.accounts.tests.factories import UserFactory
from lifeline.sos.models import Device, LocationPoint, SosEvent
from lifeline.sos.services.devices import device_token_rotate
from lifeline.sos.tests.conftest import client_for

pytestmark = pytest.mark.django_db

IMPLAUSIBLE = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+05:00"]


def _iso(moment: Any) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _location_url(device: Any) -> str:
    return f"/api/v1/devices/{device.device_uid}/location/"


def _trigger(**changes: Any) -> dict[str, Any]:
    return {
        "device_uid": "watch_unique_serial_001",
        "lat": 41.3,
        "lon": 69.2,
        "detected_type": "FALL_DETECTED",
        "severity": 4,
        "timestamp": _iso(timezone.now()),
        **changes,
    }


@pytest.fixture
def located(wearer: Any, device: Any) -> Any:
    """The device after one plausible report, so "unchanged" means something."""
    response = client_for(wearer).post(
        _location_url(device), {"lat": 41.0, "lon": 69.0, "timestamp": _iso(timezone.now())}
    )
    assert response.status_code == 201
    device.refresh_from_db()
    return device


@pytest.mark.parametrize(
    "timestamp",
    # A stable id for the relative time: xdist workers must collect identical test ids.
    [*IMPLAUSIBLE, pytest.param(_iso(timezone.now() - timedelta(days=400)), id="400-days-ago")],
)
def test_an_implausible_location_time_is_refused_and_the_position_kept(
    wearer: Any, located: Any, timestamp: str
) -> None:
    before = Device.objects.values().get(pk=located.pk)

    response = client_for(wearer).post(
        _location_url(located), {"lat": 1.0, "lon": 2.0, "timestamp": timestamp}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["timestamp"]
    assert LocationPoint.objects.count() == 1
    assert Device.objects.values().get(pk=located.pk) == before


def test_one_implausible_time_in_a_batch_refuses_the_batch(wearer: Any, located: Any) -> None:
    before = Device.objects.values().get(pk=located.pk)
    body = [
        {"lat": 1.0, "lon": 2.0, "timestamp": _iso(timezone.now() - timedelta(hours=2))},
        {"lat": 1.1, "lon": 2.1, "timestamp": "9999-12-31T23:59:59Z"},
    ]

    response = client_for(wearer).post(_location_url(located), body, format="json")

    assert response.status_code == 400
    assert LocationPoint.objects.count() == 1
    assert Device.objects.values().get(pk=located.pk) == before


def test_a_location_buffered_for_months_is_accepted(wearer: Any, device: Any) -> None:
    months_ago = (timezone.now() - timedelta(days=180)).replace(microsecond=0)

    response = client_for(wearer).post(
        _location_url(device), {"lat": 1.0, "lon": 2.0, "timestamp": _iso(months_ago)}
    )

    assert response.status_code == 201
    assert LocationPoint.objects.get().recorded_at == months_ago


def test_another_account_cannot_post_a_location_for_my_device(device: Any) -> None:
    response = client_for(UserFactory()).post(
        _location_url(device), {"lat": 1.0, "lon": 2.0, "timestamp": _iso(timezone.now())}
    )

    assert response.status_code == 404
    assert LocationPoint.objects.count() == 0


@pytest.mark.parametrize("timestamp", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+05:00"])
def test_an_sos_with_a_time_ahead_or_out_of_range_is_refused(
    wearer: Any, device: Any, timestamp: str
) -> None:
    response = client_for(wearer).post(
        "/api/v1/sos/trigger/", _trigger(timestamp=timestamp), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["timestamp"]
    assert SosEvent.objects.count() == 0


@pytest.mark.parametrize("timestamp", ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z"])
def test_an_sos_from_a_reset_clock_is_kept_at_the_time_received(
    wearer: Any, device: Any, timestamp: str
) -> None:
    sent_at = timezone.now()

    response = client_for(wearer).post(
        "/api/v1/sos/trigger/", _trigger(timestamp=timestamp), format="json"
    )

    assert response.status_code == 201
    event = SosEvent.objects.get()
    assert sent_at <= event.timestamp <= timezone.now()


# --- OsmAnd --------------------------------------------------------------------------------
@pytest.fixture
def token(device: Any, wearer: Any) -> str:
    return device_token_rotate(device=device, actor=wearer)


@pytest.mark.parametrize(
    "timestamp",
    [
        "0",  # the epoch: a reset clock
        "253402300799",  # 9999-12-31T23:59:59Z in seconds
        *IMPLAUSIBLE,
        "2026-02-30T10:00:00Z",  # well-formed, impossible (was a 500)
    ],
)
def test_osmand_refuses_an_implausible_location_time(
    device: Any, token: str, timestamp: str
) -> None:
    before = Device.objects.values().get(pk=device.pk)

    response = APIClient().get(
        "/api/v1/osmand/", {"id": token, "lat": "41.3", "lon": "69.2", "timestamp": timestamp}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["timestamp"]
    assert LocationPoint.objects.count() == 0
    assert Device.objects.values().get(pk=device.pk) == before


def test_osmand_sos_from_a_reset_clock_is_kept_at_the_time_received(
    device: Any, token: str
) -> None:
    sent_at = timezone.now()

    response = APIClient().get(
        "/api/v1/osmand/",
        {"id": token, "lat": "41.3", "lon": "69.2", "timestamp": "0", "alarm": "sos"},
    )

    assert response.status_code == 200
    event = SosEvent.objects.get()
    point = LocationPoint.objects.get()
    assert sent_at <= event.timestamp <= timezone.now()
    assert sent_at <= point.recorded_at <= timezone.now()
