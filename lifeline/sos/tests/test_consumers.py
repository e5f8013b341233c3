from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.accounts.tests.factories import UserFactory
from lifeline.realtime.tests.conftest import (  # noqa: F401 - fixture
    _in_memory_channel_layer,
    access_token,
    close_code,
    communicator,
)
from lifeline.sos.services.events import event_resolve, event_trigger
from lifeline.sos.tests.factories import TASHKENT, DeviceFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PATH = "/ws/sos_events/"


def _setup() -> dict[str, Any]:
    org = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    wearer = user_with_role(Role.DEVICE_OWNER, org, phone_number="+998901234567")
    device = DeviceFactory(owner=wearer, organization=org, device_uid="watch_unique_serial_001")
    return {
        "org": org,
        "wearer": wearer,
        "device": device,
        "admin": user_with_role(Role.SOS_ADMIN, org),
        "other_admin": user_with_role(
            Role.SOS_ADMIN, OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
        ),
        "stranger": UserFactory(),
    }


def _trigger(device: Any) -> Any:
    return event_trigger(
        device=device,
        lat=TASHKENT[0],
        lon=TASHKENT[1],
        altitude=500.0,
        detected_type="FALL_DETECTED",
        severity=4,
        timestamp=timezone.now(),
    ).event


async def _connect(user: Any, *, query: bool = False) -> Any:
    token = await sync_to_async(access_token)(user)
    if query:
        comm = communicator(path=f"{PATH}?token={token}")
    else:
        comm = communicator(path=PATH, headers=[(b"authorization", f"Bearer {token}".encode())])
    connected, _ = await comm.connect()
    assert connected is True
    return comm


async def test_admin_gets_the_seed_frame_on_a_new_sos_with_a_bearer_header() -> None:
    # Reference hole: the README's Bearer-header auth did not work (session only).
    data = await sync_to_async(_setup)()
    comm = await _connect(data["admin"])
    event = await sync_to_async(_trigger)(data["device"])

    frame = await comm.receive_json_from(timeout=2)
    assert frame["type"] == "sos_event"
    payload = frame["payload"]
    assert {
        k: payload[k]
        for k in (
            "event_uid",
            "resolved",
            "detected_type",
            "severity",
            "device_uid",
            "user_phone",
            "lat",
            "lon",
        )
    } == {
        "event_uid": str(event.pk),
        "resolved": False,
        "detected_type": "FALL_DETECTED",
        "severity": 4,
        "device_uid": "watch_unique_serial_001",
        "user_phone": "+998901234567",
        "lat": TASHKENT[0],
        "lon": TASHKENT[1],
    }
    assert payload["timestamp"].endswith("Z")
    assert (payload["status"], payload["kind"]) == ("NEW", "created")
    await comm.disconnect()


async def test_new_kinds_use_the_same_envelope_and_the_wearer_sees_own_events() -> None:
    data = await sync_to_async(_setup)()
    wearer_socket = await _connect(data["wearer"], query=True)
    admin_socket = await _connect(data["admin"])
    event = await sync_to_async(_trigger)(data["device"])
    await sync_to_async(event_resolve)(event=event, actor=data["admin"], outcome="ok")

    for comm in (wearer_socket, admin_socket):
        created = await comm.receive_json_from(timeout=2)
        resolved = await comm.receive_json_from(timeout=2)
        assert created["type"] == "sos_event"
        assert resolved["type"] == "sos_event_resolved"
        assert resolved["payload"]["event_uid"] == str(event.pk)
        assert resolved["payload"]["resolved"] is True
        assert resolved["payload"]["status"] == "RESOLVED"
        await comm.disconnect()


async def test_other_organizations_and_strangers_hear_nothing() -> None:
    data = await sync_to_async(_setup)()
    sockets = [await _connect(data["other_admin"]), await _connect(data["stranger"])]
    await sync_to_async(_trigger)(data["device"])

    for comm in sockets:
        assert await comm.receive_nothing(timeout=0.3) is True
        await comm.disconnect()


async def test_anonymous_is_refused() -> None:
    comm = communicator(path=PATH, headers=[(b"origin", b"http://testserver")])
    connected, _ = await comm.connect()

    assert connected is True
    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_event_payload_shape() -> None:
    from lifeline.realtime.testing import assert_envelope
    from lifeline.sos import events

    data = await sync_to_async(_setup)()
    event = await sync_to_async(_trigger)(data["device"])
    built = await sync_to_async(events.sos_event)(event, "created")
    assert_envelope(
        built,
        type="sos.event_created",
        data={
            "event_uid": str(event.pk),
            "timestamp": events._iso(event.timestamp),
            "resolved": False,
            "detected_type": "FALL_DETECTED",
            "severity": 4,
            "device_uid": "watch_unique_serial_001",
            "user_phone": "+998901234567",
            "lat": TASHKENT[0],
            "lon": TASHKENT[1],
            "status": "NEW",
            "kind": "created",
            "accepted_by_name": None,
        },
    )
