"""Plain-JSON shapes of conversations and messages, shared by the API and the events.

The API serializers (`api/serializers.py`) declare the same fields for the schema and call
these functions, so a message looks the same over HTTP and over the WebSocket.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from django.urls import reverse

from lifeline.chat import conf, policies
from lifeline.chat.enums import ReceiptState
from lifeline.chat.models import Conversation, Message

REPLY_EXCERPT_LENGTH = 120


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user_name(user: Any) -> str:
    return str(getattr(user, "display_name", "") or "")


def file_data(message: Message) -> dict[str, Any] | None:
    file = message.file
    if file is None or file.deleted_at is not None or message.deleted_at is not None:
        return None
    url = reverse("files:file-download", kwargs={"file_id": file.pk})
    return {
        "id": str(file.pk),
        "name": file.original_name,
        "content_type": file.content_type,
        "size_bytes": file.size_bytes,
        "url": f"{url}?inline=1",
    }


def reply_data(message: Message) -> dict[str, Any] | None:
    parent = message.reply_to
    if parent is None:
        return None
    deleted = parent.deleted_at is not None
    return {
        "id": str(parent.pk),
        "sender_name": user_name(parent.sender),
        "kind": parent.kind,
        "excerpt": "" if deleted else parent.text[:REPLY_EXCERPT_LENGTH],
        "deleted": deleted,
    }


def card_data(message: Message, cards: Mapping[Any, policies.Card] | None) -> dict[str, Any] | None:
    """The card of a card message as the viewer sees it (`selectors.cards_for`), or None: not
    a card, rendered for nobody (an event: each client asks for its own, `GET messages/{id}/`),
    or a record the viewer may not see."""
    if message.card_id is None or cards is None or message.deleted_at is not None:
        return None
    card = cards.get((message.card_kind, message.card_id))
    if card is None:
        return None
    return {
        "kind": message.card_kind,
        "id": str(message.card_id),
        "title": card.title,
        "status": card.status,
        "status_label": str(card.status_label),
        "lines": [str(line) for line in card.lines],
        "actions": [
            {
                "label": str(a.label),
                "url": a.url,
                "method": a.method,
                "style": a.style,
                "api_url": a.api_url,
            }
            for a in card.actions
        ],
    }


def receipt_data(message: Message, *, receipts_off: Collection[Any] = ()) -> dict[str, Any] | None:
    """The recipient's state of `message`; `read` is shown as `delivered` when the recipient
    turned read receipts off."""
    if hasattr(message, "receipt_id"):
        # Joined by `selectors.message_page_for` (no receipt: all three are None).
        joined: Any = message
        if joined.receipt_id is None:
            return None
        recipient_id = joined.receipt_recipient_id
        delivered_at, read_at = joined.receipt_delivered_at, joined.receipt_read_at
    else:
        receipts = list(message.receipts.all())
        if not receipts:
            return None
        recipient_id = receipts[0].recipient_id
        delivered_at, read_at = receipts[0].delivered_at, receipts[0].read_at
    if read_at is not None:
        state = ReceiptState.READ
    elif delivered_at is not None:
        state = ReceiptState.DELIVERED
    else:
        state = ReceiptState.SENT
    shown_read_at = read_at
    if state == ReceiptState.READ and recipient_id in receipts_off:
        state, shown_read_at = ReceiptState.DELIVERED, None
    return {
        "state": state,
        "delivered_at": iso(delivered_at or read_at),
        "read_at": iso(shown_read_at),
    }


def message_data(
    message: Message,
    *,
    staff: bool = False,
    receipts_off: Collection[Any] = (),
    with_receipt: bool = True,
    conversation: Conversation | None = None,
    cards: Mapping[Any, policies.Card] | None = None,
) -> dict[str, Any]:
    """`conversation`: the message's, when the caller has it (saves a query per message).
    `cards`: the viewer's cards of the page (`selectors.cards_for`); None: `card` is null."""
    conversation = conversation or message.conversation
    deleted = message.deleted_at is not None
    edit_window = conf.edit_window()
    data: dict[str, Any] = {
        "id": str(message.pk),
        "conversation_id": str(message.conversation_id),
        "sender_id": str(message.sender_id),
        "sender_name": user_name(message.sender),
        "sender_role": conversation.role_of(message.sender_id) or "",
        "kind": message.kind,
        "text": "" if deleted else message.text,
        "file": file_data(message),
        "duration_ms": message.duration_ms,
        "reply_to": reply_data(message),
        "created_at": iso(message.created_at),
        "edited_at": iso(message.edited_at),
        "deleted": deleted,
        "editable_until": iso(message.created_at + edit_window),
        "receipt": receipt_data(message, receipts_off=receipts_off) if with_receipt else None,
        "card": card_data(message, cards),
    }
    if staff and not deleted and message.edited_at is not None:
        # Only an edit creates revisions. `revisions_loaded`: set by the history page (one
        # query for the page's edited messages); otherwise the prefetched relation.
        revisions = getattr(message, "revisions_loaded", None)
        if revisions is None:
            revisions = message.revisions.all()
        data["revisions"] = [{"text": r.text, "edited_at": iso(r.edited_at)} for r in revisions]
    else:
        data["revisions"] = []
    return data


def reference_url(conversation: Conversation) -> str | None:
    """The owning domain's page of the referenced record, when it has one."""
    if not conversation.reference_kind or conversation.reference_id is None:
        return None
    policy = policies.registered().get(conversation.kind)
    if policy is None:
        return None
    return policy.reference_url(
        kind=conversation.reference_kind, record_id=conversation.reference_id
    )


def _topic_label(conversation: Conversation) -> str:
    policy = policies.registered().get(conversation.kind)
    labels = dict(policy.topics) if policy is not None else {}
    return str(labels.get(conversation.topic, conversation.topic))


def _person(participant: Any) -> dict[str, str] | None:
    if participant is None:
        return None
    return {"id": str(participant.user_id), "name": user_name(participant.user)}


def conversation_data(
    conversation: Conversation, *, viewer: Any, online_ids: Collection[str] = ()
) -> dict[str, Any]:
    """A conversation as `viewer` sees it (their role, unread count, the other's presence)."""
    from django.utils import timezone  # noqa: PLC0415

    policy = policies.registered().get(conversation.kind)
    subject_roles = policy.subject_roles if policy is not None else frozenset()
    responder_roles = policy.responder_roles if policy is not None else frozenset()
    role = conversation.role_of(viewer) or "observer"
    waiting_since = conversation.awaiting_reply_since
    due_at = (
        waiting_since + timedelta(minutes=conversation.reply_target_minutes)
        if waiting_since is not None
        else None
    )
    now = timezone.now()
    subject_member = conversation.member_with_role(subject_roles)
    responder = conversation.member_with_role(responder_roles)
    # A responder talks to the subject's side; everyone else (observers too) to the
    # responder; kinds without those roles: the first other participant.
    counterpart = subject_member if role in responder_roles else responder
    if counterpart is None:
        others = conversation.others(viewer)
        counterpart = others[0] if others else None
    # API v1 names the subject `patient`, the subject's account `patient_user_id` and the
    # responder `doctor`: the clinic's kind, the only one when v1 was written.
    return {
        "id": str(conversation.pk),
        "patient": {
            "id": str(conversation.subject_id),
            "full_name": str(getattr(conversation, "subject_title", "") or ""),
        },
        "patient_user_id": str(subject_member.user_id) if subject_member else None,
        "doctor": _person(responder),
        "counterpart": {
            "id": str(counterpart.user_id),
            "name": user_name(counterpart.user),
            "online": str(counterpart.user_id) in online_ids,
        }
        if counterpart is not None
        else None,
        "my_role": role,
        "can_write": role != "observer",
        "topic": conversation.topic,
        "topic_label": _topic_label(conversation) if conversation.topic else "",
        "subject": conversation.subject,
        "reference": (
            {
                "kind": conversation.reference_kind,
                "id": str(conversation.reference_id),
                "url": reference_url(conversation),
            }
            if conversation.reference_kind
            else None
        ),
        "created_at": iso(conversation.created_at),
        "last_message_at": iso(conversation.last_message_at),
        "awaiting_reply_since": iso(waiting_since),
        "waiting_seconds": (
            int((now - waiting_since).total_seconds()) if waiting_since is not None else None
        ),
        "reply_target_minutes": conversation.reply_target_minutes,
        "reply_due_at": iso(due_at),
        "overdue": due_at is not None and now > due_at,
        "unread_count": int(getattr(conversation, "unread_count", 0) or 0),
    }
