"""Plain-JSON shapes of conversations and messages, shared by the API and the events.

The API serializers (`api/serializers.py`) declare the same fields for the schema and call
these functions, so a message looks the same over HTTP and over the WebSocket.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from django.urls import NoReverseMatch, reverse

from lifeline.chat import conf
from lifeline.chat.enums import ParticipantRole, ReceiptState
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
) -> dict[str, Any]:
    """`conversation`: the message's, when the caller has it (saves a query per message)."""
    conversation = conversation or message.conversation
    deleted = message.deleted_at is not None
    edit_window = conf.edit_window()
    data: dict[str, Any] = {
        "id": str(message.pk),
        "conversation_id": str(message.conversation_id),
        "sender_id": str(message.sender_id),
        "sender_name": user_name(message.sender),
        "sender_role": (
            ParticipantRole.DOCTOR
            if message.sender_id == conversation.doctor_id
            else ParticipantRole.PATIENT
        ),
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
    """The clinic page of the referenced assessment or conclusion, when clinic has one."""
    if not conversation.reference_kind or conversation.reference_id is None:
        return None
    names = {
        "assessment": ("clinic-web:assessment-detail", "clinic-web:assessment"),
        "conclusion": ("clinic-web:conclusion-detail", "clinic-web:conclusion"),
    }
    for name in names.get(conversation.reference_kind, ()):
        for kwarg in ("pk", "assessment_id", "conclusion_id", "id"):
            try:
                return reverse(name, kwargs={kwarg: conversation.reference_id})
            except NoReverseMatch:
                continue
    return None


def conversation_data(
    conversation: Conversation, *, viewer: Any, online_ids: Collection[str] = ()
) -> dict[str, Any]:
    """A conversation as `viewer` sees it (their role, unread count, the other's presence)."""
    from django.utils import timezone  # noqa: PLC0415

    role = conversation.role_of(viewer) or "observer"
    waiting_since = conversation.awaiting_reply_since
    due_at = (
        waiting_since + timedelta(minutes=conversation.reply_target_minutes)
        if waiting_since is not None
        else None
    )
    now = timezone.now()
    counterpart = (
        conversation.patient_user if role == ParticipantRole.DOCTOR else conversation.doctor
    )
    return {
        "id": str(conversation.pk),
        "patient": {
            "id": str(conversation.patient_id),
            "full_name": conversation.patient.full_name,
        },
        "patient_user_id": str(conversation.patient_user_id),
        "doctor": {"id": str(conversation.doctor_id), "name": user_name(conversation.doctor)},
        "counterpart": {
            "id": str(counterpart.pk),
            "name": user_name(counterpart),
            "online": str(counterpart.pk) in online_ids,
        },
        "my_role": role,
        "can_write": role != "observer",
        "topic": conversation.topic,
        "topic_label": str(conversation.get_topic_display()) if conversation.topic else "",
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
