from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.accounts.tests.factories import UserFactory
from lifeline.sos.models import Device, LocationPoint
from lifeline.sos.tests.conftest import client_for
from lifeline.sos.tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def test_register_device_returns_the_seed_shape_and_owner_is_the_caller(
    wearer: Any, org: Any
) -> None:
    response = client_for(wearer).post(
        "/api/v1/devices/",
        {"device_uid": "watch_unique_serial_001", "model": "T-Watch 5"},
        format="json",
    )

    assert response.status_code == 201
    device = Device.objects.get()
    assert response.json() == {
        "uuid": str(device.pk),
        "device_uid": "watch_unique_serial_001",
        "model": "T-Watch 5",
        "sim_number": None,
    }
    assert device.owner == wearer
    assert device.organization == org


def test_owner_uuid_in_the_body_is_ignored_not_a_crash(wearer: Any) -> None:
    # Reference hole: sending owner_uuid broke device creation; the owner is always the caller.
    other = UserFactory()
    response = client_for(wearer).post(
        "/api/v1/devices/", {"device_uid": "w1", "owner_uuid": str(other.pk)}, format="json"
    )

    assert response.status_code == 201
    assert Device.objects.get().owner == wearer


UNUSABLE = {"device_uid": ["This device id cannot be registered."]}


def test_another_accounts_device_uid_is_refused_without_saying_it_exists(
    wearer: Any, device: Any
) -> None:
    stranger = client_for(UserFactory())

    taken = stranger.post(
        "/api/v1/devices/",
        {"device_uid": device.device_uid, "model": "Mine now"},
        format="json",
    )
    own = client_for(wearer).post(
        "/api/v1/devices/", {"device_uid": device.device_uid}, format="json"
    )
    malformed = stranger.post("/api/v1/devices/", {"device_uid": "bad uid"}, format="json")
    read = stranger.get(f"/api/v1/devices/{device.device_uid}/")

    assert taken.status_code == 400
    assert taken.json() == {
        "type": "about:blank",
        "title": "This device id cannot be registered",
        "status": 400,
        "detail": "This device id cannot be registered",
        "code": "sos.device_uid_unusable",
        "errors": UNUSABLE,
    }
    assert own.json() == taken.json()  # the answer does not say whose device it is
    assert (malformed.status_code, malformed.json()["errors"]) == (400, UNUSABLE)
    assert read.status_code == 404
    stored = Device.objects.get()
    assert (stored.owner, stored.model) == (wearer, device.model)


@pytest.mark.parametrize("body", [{}, {"device_uid": ""}, {"device_uid": "bad uid with spaces"}])
def test_invalid_device_is_400(wearer: Any, body: dict[str, Any]) -> None:
    response = client_for(wearer).post("/api/v1/devices/", body, format="json")

    assert response.status_code == 400
    assert "device_uid" in response.json()["errors"]
    assert Device.objects.count() == 0


def test_status_patch_works_and_returns_the_full_device(wearer: Any, device: Any) -> None:
    # Reference hole: PATCH …/status/ raised AttributeError (500).
    response = client_for(wearer).patch(
        f"/api/v1/devices/{device.device_uid}/status/",
        {
            "battery_level": 85,
            "is_online": True,
            "lat": 41.311081,
            "lon": 69.240562,
            "last_seen_via": "LTE",
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["uuid"] == str(device.pk)
    assert body["battery_level"] == 85
    assert body["is_online"] is True
    assert body["last_seen_via"] == "LTE"
    assert (body["lat"], body["lon"]) == (41.311081, 69.240562)
    assert LocationPoint.objects.filter(device=device).count() == 1


def test_status_patch_keeps_fields_it_does_not_carry(wearer: Any, device: Any) -> None:
    Device.objects.filter(pk=device.pk).update(battery_level=70, last_seen_via="BLE")
    response = client_for(wearer).patch(
        f"/api/v1/devices/{device.device_uid}/status/", {"is_online": True}, format="json"
    )

    assert response.status_code == 200
    device.refresh_from_db()
    assert (device.battery_level, device.last_seen_via, device.is_online) == (70, "BLE", True)


@pytest.mark.parametrize(
    "body",
    [
        {"battery_level": 101},
        {"battery_level": -1},
        {"lat": 91, "lon": 0},
        {"lat": 10},
        {"last_seen_via": "WIFI"},
    ],
)
def test_invalid_status_is_400_and_changes_nothing(
    wearer: Any, device: Any, body: dict[str, Any]
) -> None:
    response = client_for(wearer).patch(
        f"/api/v1/devices/{device.device_uid}/status/", body, format="json"
    )

    assert response.status_code == 400
    device.refresh_from_db()
    assert device.battery_level is None
    assert device.last_seen_at is None
    assert LocationPoint.objects.count() == 0


def test_location_post_records_a_point_and_keeps_battery_when_omitted(
    wearer: Any, device: Any
) -> None:
    # Reference holes: POST …/location/ crashed, and omitted battery_level was written as null.
    Device.objects.filter(pk=device.pk).update(battery_level=84)
    response = client_for(wearer).post(
        f"/api/v1/devices/{device.device_uid}/location/",
        {"lat": 41.311081, "lon": 69.240562, "speed": 5.5, "direction": 180.0},
        format="json",
    )

    assert response.status_code == 201
    assert response.json() == {"status": "location recorded"}
    device.refresh_from_db()
    assert device.battery_level == 84
    assert device.is_online is True
    point = LocationPoint.objects.get()
    assert (point.lat, point.lon, point.speed, point.direction) == (
        41.311081,
        69.240562,
        5.5,
        180.0,
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"lat": 91, "lon": 0},
        {"lat": 0, "lon": -181},
        {"lat": 0, "lon": 0, "battery_level": 200},
    ],
)
def test_invalid_location_is_400_and_stores_nothing(
    wearer: Any, device: Any, body: dict[str, Any]
) -> None:
    response = client_for(wearer).post(
        f"/api/v1/devices/{device.device_uid}/location/", body, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]
    assert LocationPoint.objects.count() == 0
    device.refresh_from_db()
    assert device.is_online is False


def test_device_is_shown_offline_when_stale(wearer: Any, device: Any, settings: Any) -> None:
    settings.SOS_DEVICE_STALE_SECONDS = 600
    Device.objects.filter(pk=device.pk).update(
        is_online=True, last_seen_at=timezone.now() - timedelta(minutes=11)
    )
    body = client_for(wearer).get(f"/api/v1/devices/{device.device_uid}/").json()

    assert body["is_online"] is False


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "status/", {"battery_level": 50}),
        ("post", "location/", {"lat": 1, "lon": 1}),
        ("post", "token/", None),
        ("delete", "", None),
    ],
)
def test_another_users_device_is_404_and_unchanged(
    device: Any, method: str, suffix: str, body: Any
) -> None:
    response = getattr(client_for(UserFactory()), method)(
        f"/api/v1/devices/{device.device_uid}/{suffix}", body, format="json"
    )

    assert response.status_code == 404
    device.refresh_from_db()
    assert device.battery_level is None
    assert device.token_hash is None
    assert LocationPoint.objects.count() == 0


def test_unknown_device_is_the_same_404(wearer: Any) -> None:
    response = client_for(wearer).get("/api/v1/devices/nope/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_device_list_permission_matrix(org: Any, device: Any) -> None:
    url = f"/api/v1/devices/{device.device_uid}/"
    assert_permission_matrix(
        [
            Case("anonymous", "get", url, 401),
            Case("wearer", "get", url, 200),
            Case(Role.HELPER, "get", url, 404),
            Case("no_role", "get", url, 404),
            Case(Role.SOS_ADMIN, "get", url, 200),
            Case("other:sos_admin", "get", url, 404),
            Case(Role.PLATFORM_ADMIN, "get", url, 200),
        ],
        organization=org,
        actors={"wearer": lambda: device.owner},
    )


def test_device_list_shows_only_own_devices(
    wearer: Any, device: Any, django_assert_max_num_queries: Any
) -> None:
    DeviceFactory()
    DeviceFactory(owner=wearer)
    client = client_for(wearer)
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/devices/").json()

    assert sorted(d["device_uid"] for d in body) == sorted(
        Device.objects.filter(owner=wearer).values_list("device_uid", flat=True)
    )


def test_device_token_rotate_authenticates_only_its_device_and_revoke_stops_it(
    wearer: Any, device: Any
) -> None:
    other_device = DeviceFactory(owner=wearer)
    response = client_for(wearer).post(f"/api/v1/devices/{device.device_uid}/token/")
    assert response.status_code == 201
    token = response.json()["token"]
    device.refresh_from_db()
    assert device.token_hash
    assert token not in device.token_hash

    from rest_framework.test import APIClient

    watch = APIClient()
    watch.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    ok = watch.post(
        f"/api/v1/devices/{device.device_uid}/location/", {"lat": 1, "lon": 2}, format="json"
    )
    assert ok.status_code == 201
    other = watch.post(
        f"/api/v1/devices/{other_device.device_uid}/location/", {"lat": 1, "lon": 2}, format="json"
    )
    assert other.status_code == 404
    # A device token is not a user login: the rest of the API refuses it.
    assert watch.get("/api/v1/devices/").status_code == 401

    rotated = client_for(wearer).post(f"/api/v1/devices/{device.device_uid}/token/").json()["token"]
    assert rotated != token
    assert (
        watch.post(
            f"/api/v1/devices/{device.device_uid}/location/", {"lat": 1, "lon": 2}, format="json"
        ).status_code
        == 401
    )

    assert (
        client_for(wearer).delete(f"/api/v1/devices/{device.device_uid}/token/").status_code == 204
    )
    watch.credentials(HTTP_AUTHORIZATION=f"Device {rotated}")
    assert (
        watch.post(
            f"/api/v1/devices/{device.device_uid}/location/", {"lat": 1, "lon": 2}, format="json"
        ).status_code
        == 401
    )
    assert LocationPoint.objects.count() == 1


def test_sos_admin_cannot_rotate_a_wearers_token(device: Any, sos_admin: Any) -> None:
    response = client_for(sos_admin).post(f"/api/v1/devices/{device.device_uid}/token/")

    assert response.status_code == 404


def test_telemetry_is_throttled_per_device(wearer: Any, device: Any, settings: Any) -> None:
    settings.SOS_DEVICE_THROTTLE_RATE = "3/min"
    client = client_for(wearer)
    url = f"/api/v1/devices/{device.device_uid}/location/"
    statuses = [client.post(url, {"lat": 1, "lon": 2}, format="json").status_code for _ in range(4)]

    assert statuses == [201, 201, 201, 429]
    assert LocationPoint.objects.count() == 3


def test_default_throttle_allows_one_report_per_10_seconds_with_bursts() -> None:
    from lifeline.sos.throttling import DeviceRateThrottle

    throttle = DeviceRateThrottle()
    assert throttle.num_requests / throttle.duration >= 1 / 10
