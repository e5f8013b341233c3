from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lifeline.sos.enums import DetectedType
from lifeline.sos.models import LocationPoint, SosEvent
from lifeline.sos.services.devices import device_token_rotate

pytestmark = pytest.mark.django_db

URL = "/api/v1/osmand/"
# Device clock readings must be from the last year (lifeline.core.dates): an hour ago.
AN_HOUR_AGO = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
STAMP = str(int(AN_HOUR_AGO.timestamp()))


@pytest.fixture
def token(device: Any, wearer: Any) -> str:
    return device_token_rotate(device=device, actor=wearer)


def test_query_form_with_the_token_as_id_records_a_point(device: Any, token: str) -> None:
    response = APIClient().get(
        URL,
        {"id": token, "lat": "41.3", "lon": "69.2", "timestamp": STAMP, "speed": "3.2",
         "bearing": "90", "altitude": "450", "accuracy": "12", "batt": "76"},
    )  # fmt: skip

    assert response.status_code == 200
    point = LocationPoint.objects.get()
    assert (point.lat, point.lon, point.speed, point.direction) == (41.3, 69.2, 3.2, 90.0)
    assert (point.altitude, point.accuracy, point.battery_level) == (450.0, 12.0, 76)
    assert point.recorded_at == AN_HOUR_AGO
    device.refresh_from_db()
    assert (device.battery_level, device.is_online) == (76, True)
    assert SosEvent.objects.count() == 0


def test_post_form_with_device_uid_and_token_and_alarm_sos_triggers(
    device: Any, token: str
) -> None:
    response = APIClient().post(
        f"{URL}?id={device.device_uid}&token={token}",
        {"lat": "41.3", "lon": "69.2", "alarm": "sos"},
    )

    assert response.status_code == 200
    event = SosEvent.objects.get()
    assert (event.source, event.detected_type, event.device) == (
        "osmand",
        DetectedType.MANUAL_TRIGGER,
        device,
    )


def test_json_body_form(device: Any, token: str) -> None:
    body = {
        "device_id": token,
        "location": {
            "timestamp": AN_HOUR_AGO.isoformat().replace("+00:00", ".000Z"),
            "coords": {
                "latitude": 41.3,
                "longitude": 69.2,
                "accuracy": 5,
                "speed": 1.5,
                "heading": 45,
                "altitude": 400,
            },
            "is_moving": True,
            "battery": {"level": 0.55, "is_charging": False},
            "extras": {"alarm": "sos"},
        },
    }
    response = APIClient().post(URL, body, format="json")

    assert response.status_code == 200
    point = LocationPoint.objects.get()
    assert (point.lat, point.lon, point.battery_level, point.direction) == (41.3, 69.2, 55, 45.0)
    assert SosEvent.objects.count() == 1


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "41.3", "lon": "69.2"},
        {"id": "x", "lon": "69.2"},
        {"id": "x", "lat": "abc", "lon": "69.2"},
        {"id": "x", "lat": "91", "lon": "69.2"},
        {"id": "x", "lat": "41", "lon": "69", "timestamp": "not-a-time"},
        {"id": "x", "lat": "41", "lon": "69", "batt": "150"},
        {"id": "x", "lat": "41", "lon": "69", "timestamp": "99999999999999"},
    ],
)
def test_malformed_requests_are_400_and_store_nothing(
    device: Any, token: str, params: dict[str, str]
) -> None:
    response = APIClient().get(URL, params)

    assert response.status_code == 400
    assert response.json()["errors"]
    assert LocationPoint.objects.count() == 0


def test_malformed_json_body_is_400(device: Any) -> None:
    response = APIClient().post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400


@pytest.mark.parametrize("ident", ["unknown-token", "watch_unique_serial_001"])
def test_unknown_device_or_uid_without_token_is_404(device: Any, token: str, ident: str) -> None:
    response = APIClient().get(URL, {"id": ident, "lat": "41", "lon": "69"})

    assert response.status_code == 404
    assert LocationPoint.objects.count() == 0


def test_token_of_another_device_is_404(device: Any, token: str) -> None:
    response = APIClient().get(
        URL, {"id": "someone_else", "token": token, "lat": "41", "lon": "69"}
    )

    assert response.status_code == 404


def test_throttle_does_not_block_an_sos(device: Any, token: str, settings: Any) -> None:
    settings.SOS_DEVICE_THROTTLE_RATE = "1/min"
    client = APIClient()
    assert client.get(URL, {"id": token, "lat": "41", "lon": "69"}).status_code == 200
    assert client.get(URL, {"id": token, "lat": "41", "lon": "69"}).status_code == 429
    assert (
        client.get(URL, {"id": token, "lat": "41", "lon": "69", "alarm": "sos"}).status_code == 200
    )
    assert SosEvent.objects.count() == 1
