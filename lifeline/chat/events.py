"""Real-time events of the messenger, sent to `chat.conversation.<id>` (its participants).

Payloads (`data`):

* `chat.message_created` / `chat.message_updated` / `chat.message_deleted`: the message as
  the API returns it (`payloads.message_data`, without edit history). A card message's
  `card` is null here (it differs per viewer: each client fetches `GET messages/{id}/`);
  `chat.message_updated` is sent again for a card whose record changed
  (`services.card_changed`);
* `chat.receipt_updated`: `{conversation_id, user_id, state, message_ids}`: `user_id` now has
  these messages in `state` (`delivered` or `read`);
* `chat.typing_started`: `{conversation_id, user_id}` (relayed by the consumer, not stored);
* `chat.conversation_created` (to `chat.user.<id>` of the other participant):
  `{conversation_id, topic, created_by_id}`;
* `chat.presence_changed`: `{user_id, online}`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from lifeline.chat import payloads
from lifeline.chat.models import Conversation, Message
from lifeline.realtime import groups
from lifeline.realtime.events import Event

MAX_RECEIPT_IDS = 200


def conversation_group(conversation_id: UUID | str) -> str:
    return groups.subject("chat", "conversation", conversation_id)


def user_group(user_id: UUID | str) -> str:
    """One user's chat sockets (new conversations are announced here)."""
    return groups.subject("chat", "user", user_id)


def conversation_created(conversation: Conversation) -> Event:
    return Event(
        type="chat.conversation_created",
        data={
            "conversation_id": str(conversation.pk),
            "topic": conversation.topic,
            "created_by_id": str(conversation.created_by_id),
        },
    )


def _message_event(kind: str, message: Message) -> Event:
    return Event(
        type=f"chat.message_{kind}",
        data=payloads.message_data(message, with_receipt=False),
    )


def message_created(message: Message) -> Event:
    event = _message_event("created", message)
    event.data["receipt"] = {"state": "sent", "delivered_at": None, "read_at": None}
    return event


def message_updated(message: Message) -> Event:
    return _message_event("updated", message)


def message_deleted(message: Message) -> Event:
    return _message_event("deleted", message)


def receipt_updated(
    *, conversation_id: UUID | str, user_id: Any, state: str, message_ids: list[Any]
) -> Event:
    return Event(
        type="chat.receipt_updated",
        data={
            "conversation_id": str(conversation_id),
            "user_id": str(user_id),
            "state": state,
            "message_ids": [str(m) for m in message_ids[:MAX_RECEIPT_IDS]],
        },
    )


def typing_started(*, conversation_id: UUID | str, user_id: Any) -> Event:
    return Event(
        type="chat.typing_started",
        data={"conversation_id": str(conversation_id), "user_id": str(user_id)},
    )


def presence_changed(*, user_id: Any, online: bool) -> Event:
    return Event(type="chat.presence_changed", data={"user_id": str(user_id), "online": online})
