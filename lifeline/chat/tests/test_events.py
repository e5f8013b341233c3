from __future__ import annotations

from types import SimpleNamespace

import pytest

from lifeline.chat import events, services
from lifeline.chat.models import Conversation
from lifeline.realtime.testing import assert_envelope

pytestmark = pytest.mark.django_db


def test_receipt_typing_presence_shapes() -> None:
    assert_envelope(
        events.receipt_updated(
            conversation_id="c1", user_id="u1", state="read", message_ids=["m1"]
        ),
        type="chat.receipt_updated",
        data={"conversation_id": "c1", "user_id": "u1", "state": "read", "message_ids": ["m1"]},
    )
    assert_envelope(
        events.typing_started(conversation_id="c1", user_id="u1"),
        type="chat.typing_started",
        data={"conversation_id": "c1", "user_id": "u1"},
    )
    assert_envelope(
        events.presence_changed(user_id="u1", online=False),
        type="chat.presence_changed",
        data={"user_id": "u1", "online": False},
    )


def test_message_created_shape(team: SimpleNamespace, conversation: Conversation) -> None:
    message, _ = services.message_send(actor=team.doctor, conversation=conversation, text="hi")
    event = events.message_created(message).as_dict()
    assert sorted(event["data"]) == sorted(
        [
            "id",
            "conversation_id",
            "sender_id",
            "sender_name",
            "sender_role",
            "kind",
            "text",
            "file",
            "duration_ms",
            "reply_to",
            "created_at",
            "edited_at",
            "deleted",
            "editable_until",
            "receipt",
            "revisions",
            "card",
        ]
    )
    assert event["data"]["revisions"] == []
    assert event["data"]["receipt"] == {"state": "sent", "delivered_at": None, "read_at": None}
    assert events.conversation_group(conversation.pk) == f"chat.conversation.{conversation.pk}"
