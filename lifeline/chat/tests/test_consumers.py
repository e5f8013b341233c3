from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from lifeline.chat import services
from lifeline.chat.models import Conversation, Message
from lifeline.chat.tests.policy import KIND
from lifeline.realtime.tests.conftest import ORIGIN, access_token, close_code, communicator

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PATH = "/ws/chat/"


async def _connect(user: Any) -> WebsocketCommunicator:
    token = await sync_to_async(access_token)(user)
    comm = communicator(path=f"{PATH}?token={token}")
    connected, _ = await comm.connect()
    assert connected is True
    return comm


async def _next_of(comm: WebsocketCommunicator, type_: str, **data: Any) -> dict[str, Any]:
    for _ in range(10):
        frame = await comm.receive_json_from(timeout=2)
        if frame.get("type") == type_ and all(
            frame.get("data", {}).get(k) == v for k, v in data.items()
        ):
            return frame
    raise AssertionError(f"no {type_} frame")


async def test_anonymous_is_refused() -> None:
    comm = communicator(path=PATH, headers=[(b"origin", ORIGIN)])
    connected, _ = await comm.connect()
    assert connected is True
    assert await close_code(comm) == 4401
    await comm.disconnect()


async def test_participants_receive_messages_outsiders_do_not(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    patient = await _connect(team.patient_user)
    outsider = await _connect(team.other_doctor)
    admin = await _connect(team.admin)
    doctor = await _connect(team.doctor)
    # The doctor coming online is announced to the patient.
    presence = await _next_of(patient, "chat.presence_changed", user_id=str(team.doctor.pk))
    assert presence["data"] == {"user_id": str(team.doctor.pk), "online": True}

    await sync_to_async(services.message_send)(
        actor=team.doctor, conversation=conversation, text="How is the pain today?"
    )
    received = await _next_of(patient, "chat.message_created")
    assert received["data"]["text"] == "How is the pain today?"
    assert received["data"]["sender_role"] == "doctor"
    assert (await _next_of(doctor, "chat.message_created"))["id"] == received["id"]
    assert await outsider.receive_nothing(timeout=0.2) is True
    assert await admin.receive_nothing(timeout=0.2) is True
    for comm in (patient, outsider, admin, doctor):
        await comm.disconnect()


async def test_typing_is_relayed_and_nothing_is_stored(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    patient = await _connect(team.patient_user)
    doctor = await _connect(team.doctor)
    await _next_of(patient, "chat.presence_changed", user_id=str(team.doctor.pk))
    await doctor.send_json_to({"type": "typing", "conversation_id": str(conversation.pk)})
    typing = await _next_of(patient, "chat.typing_started")
    assert typing["data"] == {
        "conversation_id": str(conversation.pk),
        "user_id": str(team.doctor.pk),
    }
    # Typing into a conversation one has not joined is ignored.
    outsider = await _connect(team.other_doctor)
    await outsider.send_json_to({"type": "typing", "conversation_id": str(conversation.pk)})
    assert await patient.receive_nothing(timeout=0.2) is True
    assert await sync_to_async(Message.objects.count)() == 0
    for comm in (patient, doctor, outsider):
        await comm.disconnect()


async def test_new_conversation_is_announced_and_subscribe_is_checked(
    team: SimpleNamespace,
) -> None:
    patient = await _connect(team.patient_user)
    outsider = await _connect(team.other_doctor)
    conversation, _ = await sync_to_async(services.conversation_open)(
        actor=team.doctor, kind=KIND, subject_id=team.patient.pk
    )
    created = await _next_of(patient, "chat.conversation_created")
    assert created["data"]["conversation_id"] == str(conversation.pk)
    await patient.send_json_to({"type": "subscribe", "conversation_id": str(conversation.pk)})
    assert await _next_of(patient, "subscribed") == {
        "type": "subscribed",
        "conversation_id": str(conversation.pk),
    }
    await outsider.send_json_to({"type": "subscribe", "conversation_id": str(conversation.pk)})
    assert await outsider.receive_json_from(timeout=2) == {"type": "error", "code": "not_found"}
    await outsider.send_json_to({"type": "subscribe", "conversation_id": "not-a-uuid"})
    assert await outsider.receive_json_from(timeout=2) == {"type": "error", "code": "not_found"}
    await sync_to_async(services.message_send)(
        actor=team.doctor, conversation=conversation, text="hello"
    )
    assert (await _next_of(patient, "chat.message_created"))["data"]["text"] == "hello"
    assert await outsider.receive_nothing(timeout=0.2) is True
    await patient.disconnect()
    await outsider.disconnect()
