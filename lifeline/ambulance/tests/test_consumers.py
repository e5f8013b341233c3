from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.services.calls import CallIntake, call_assign, call_create
from lifeline.ambulance.tests.factories import StationFactory, TeamFactory
from lifeline.realtime.tests.conftest import (  # noqa: F401 - fixture
    _in_memory_channel_layer,
    access_token,
    close_code,
    communicator,
    session_cookie,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

INTAKE = CallIntake(
    reason="Chest pain", address="Nevsky 28", lat=59.93, lon=30.33, criticality="critical"
)


def _setup() -> dict[str, Any]:
    station = StationFactory()
    team = TeamFactory(organization=station)
    return {
        "station": station,
        "team": team,
        "dispatcher": user_with_role(Role.DISPATCHER, station),
        "other_dispatcher": user_with_role(Role.DISPATCHER, StationFactory()),
        "other_crew": TeamFactory(organization=station).lead,
    }


async def _connect(user: Any, path: str) -> Any:
    token = await sync_to_async(access_token)(user)
    comm = communicator(path=path, headers=[(b"authorization", f"Bearer {token}".encode())])
    connected, _ = await comm.connect()
    assert connected is True
    return comm


async def test_dispatcher_hears_new_call_and_crew_hears_its_assignment() -> None:
    data = await sync_to_async(_setup)()
    console = await _connect(data["dispatcher"], "/ws/dispatch/")
    outsider = await _connect(data["other_dispatcher"], "/ws/dispatch/")
    crew = await _connect(data["team"].lead, "/ws/crew/")
    other_crew = await _connect(data["other_crew"], "/ws/crew/")

    call = await sync_to_async(call_create)(
        actor=data["dispatcher"], organization=data["station"], intake=INTAKE
    )
    frame = await console.receive_json_from(timeout=2)
    assert (frame["type"], frame["payload"]["call_id"], frame["payload"]["status"]) == (
        "new_call",
        str(call.pk),
        "NEW",
    )
    assert "patient_name" not in frame["payload"]

    await sync_to_async(call_assign)(actor=data["dispatcher"], call=call, team=data["team"])
    accepted = await console.receive_json_from(timeout=2)
    assigned = await crew.receive_json_from(timeout=2)
    assert (accepted["type"], assigned["type"]) == ("call_accepted", "assigned_call")
    assert assigned["payload"]["team_id"] == str(data["team"].pk)
    assert await outsider.receive_nothing(timeout=0.3) is True
    assert await other_crew.receive_nothing(timeout=0.3) is True
    for comm in (console, outsider, crew, other_crew):
        await comm.disconnect()


@pytest.mark.parametrize("path", ["/ws/dispatch/", "/ws/crew/"])
async def test_people_without_the_role_are_refused(path: str) -> None:
    user = await sync_to_async(user_with_role)(Role.DEVICE_OWNER)
    token = await sync_to_async(access_token)(user)
    comm = communicator(path=path, headers=[(b"authorization", f"Bearer {token}".encode())])
    await comm.connect()
    assert await close_code(comm) == 4403
    await comm.disconnect()


async def test_anonymous_is_refused() -> None:
    comm = communicator(path="/ws/dispatch/", headers=[(b"origin", b"http://testserver")])
    await comm.connect()
    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_crew_hears_move_started_and_move_finished_with_its_steps() -> None:
    from lifeline.ambulance.services.calls import call_advance

    data = await sync_to_async(_setup)()
    call = await sync_to_async(call_create)(
        actor=data["dispatcher"], organization=data["station"], intake=INTAKE
    )
    await sync_to_async(call_assign)(actor=data["dispatcher"], call=call, team=data["team"])
    crew = await _connect(data["team"].lead, "/ws/crew/")
    console = await _connect(data["dispatcher"], "/ws/dispatch/")
    seen = []
    for step in ("EN_ROUTE", "ON_SCENE", "TRANSPORTING", "AT_HOSPITAL"):
        await sync_to_async(call_advance)(actor=data["team"].lead, call=call, status=step)
        first = await crew.receive_json_from(timeout=2)
        second = await crew.receive_json_from(timeout=2)
        seen.append((first["type"], first["payload"]["status"], second["type"]))
        assert (await console.receive_json_from(timeout=2))["type"] == "call_updated"
    assert seen == [
        ("call_updated", "EN_ROUTE", "move_started"),
        ("call_updated", "ON_SCENE", "move_finished"),
        ("call_updated", "TRANSPORTING", "move_started"),
        ("call_updated", "AT_HOSPITAL", "move_finished"),
    ]
    assert await console.receive_nothing(timeout=0.3) is True  # the crew's frames only
    for comm in (crew, console):
        await comm.disconnect()


async def test_a_foreign_origin_is_refused_on_both_sockets() -> None:
    """Cross-site WebSocket hijacking (spec 4.7): the browser's session cookie from another
    site's page is refused at the handshake; the same cookie from our origin connects."""
    data = await sync_to_async(_setup)()
    for path, user in (("/ws/dispatch/", data["dispatcher"]), ("/ws/crew/", data["team"].lead)):
        cookie = await sync_to_async(session_cookie)(user)
        foreign = communicator(
            path=path, headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)]
        )
        connected, _ = await foreign.connect()
        assert connected is False, path
        await foreign.disconnect()
        own = communicator(
            path=path, headers=[(b"origin", b"http://testserver"), (b"cookie", cookie)]
        )
        connected, _ = await own.connect()
        assert connected is True, path
        await own.disconnect()
