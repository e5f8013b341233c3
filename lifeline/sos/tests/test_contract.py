"""The seed's mobile contract end to end: register, login, refresh, device, telemetry, SOS."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lifeline.access.enums import Role

pytestmark = pytest.mark.django_db

PHONE = "+998901234567"
PASSWORD = "someStrongPassword123!Xy"


def register(client: APIClient) -> Any:
    return client.post(
        "/api/v1/auth/register/",
        {
            "phone_number": PHONE,
            "full_name": "Full Name",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
        format="json",
    )


def test_register_returns_the_seed_shape() -> None:
    response = register(APIClient())

    assert response.status_code == 201, response.content
    body = response.json()
    assert {"user", "access", "refresh"} <= set(body)
    user = body["user"]
    assert {"uuid", "full_name", "phone_number", "email", "role", "status"} <= set(user)
    assert (user["full_name"], user["phone_number"], user["email"], user["status"]) == (
        "Full Name", PHONE, None, "ACTIVE",
    )  # fmt: skip
    assert user["role"] == "USER"  # the seed's value for an ordinary user
    assert isinstance(body["access"], str)
    assert isinstance(body["refresh"], str)


def test_login_with_phone_and_refresh_return_the_seed_shapes() -> None:
    register(APIClient())
    login = APIClient().post(
        "/api/v1/auth/login/", {"phone_number": PHONE, "password": PASSWORD}, format="json"
    )

    assert login.status_code == 200, login.content
    assert {"access", "refresh"} <= set(login.json())
    refreshed = APIClient().post(
        "/api/v1/auth/refresh/", {"refresh": login.json()["refresh"]}, format="json"
    )
    assert refreshed.status_code == 200, refreshed.content
    assert "access" in refreshed.json()


def test_the_whole_mobile_flow_with_a_bearer_token() -> None:
    access = register(APIClient()).json()["access"]
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    created = app.post(
        "/api/v1/devices/",
        {"device_uid": "watch_unique_serial_001", "model": "T-Watch 5"},
        format="json",
    )
    assert created.status_code == 201
    assert set(created.json()) == {"uuid", "device_uid", "model", "sim_number"}

    status = app.patch(
        "/api/v1/devices/watch_unique_serial_001/status/",
        {
            "battery_level": 85,
            "is_online": True,
            "lat": 41.311081,
            "lon": 69.240562,
            "last_seen_via": "LTE",
        },
        format="json",
    )
    assert status.status_code == 200
    assert {
        "uuid",
        "device_uid",
        "model",
        "sim_number",
        "battery_level",
        "is_online",
        "last_seen_via",
    } <= set(status.json())

    location = app.post(
        "/api/v1/devices/watch_unique_serial_001/location/",
        {"lat": 41.311081, "lon": 69.240562, "speed": 5.5, "direction": 180.0, "battery_level": 84},
        format="json",
    )
    assert (location.status_code, location.json()) == (201, {"status": "location recorded"})

    trigger = {
        "device_uid": "watch_unique_serial_001",
        "lat": 41.311081,
        "lon": 69.240562,
        "altitude": 500.0,
        "detected_type": "FALL_DETECTED",
        "severity": 4,
        # The seed's example said 2025-10-28; a device clock reading is from the last year.
        "timestamp": timezone.now().isoformat(),
        "raw_payload": {"sensor_data": "..."},
    }
    first = app.post("/api/v1/sos/trigger/", trigger, format="json")
    again = app.post("/api/v1/sos/trigger/", trigger, format="json")
    assert first.status_code == 201
    assert set(first.json()) == {"status", "event_uid"}
    assert first.json()["status"] == "created"
    assert (again.status_code, again.json()) == (
        200,
        {"status": "duplicate", "event_uid": first.json()["event_uid"]},
    )
    listed = app.get("/api/v1/sos/?active=true").json()["results"]
    assert [e["event_uid"] for e in listed] == [first.json()["event_uid"]]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, "USER"),
        (Role.DEVICE_OWNER, "USER"),
        (Role.HELPER, "HELPER"),
        (Role.SOS_ADMIN, "ADMIN"),
        (Role.PLATFORM_ADMIN, "ADMIN"),
    ],
)
def test_login_role_speaks_the_seed_vocabulary(role: Any, expected: str) -> None:
    register(APIClient())
    if role is not None:
        from lifeline.access.tests.factories import MembershipFactory
        from lifeline.accounts.models import User

        MembershipFactory(user=User.objects.get(), role=role)
    login = APIClient().post(
        "/api/v1/auth/login/", {"phone_number": PHONE, "password": PASSWORD}, format="json"
    )

    assert login.status_code == 200, login.content
    assert login.json()["user"]["role"] == expected
