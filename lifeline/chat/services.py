"""Every write of the messenger. Message text is never logged or put in audit metadata.

Each service validates everything first and writes in one transaction, so a refused request
stores nothing and broadcasts nothing (events and notifications are sent after commit).
"""

from __future__ import annotations

import functools
import logging
from contextlib import nullcontext
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from django.core.files import File
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.audit import services as audit
from lifeline.chat import conf, events, metrics, permissions, policies, selectors
from lifeline.chat.enums import MessageKind, ReceiptState
from lifeline.chat.exceptions import (
    AttachmentTooLarge,
    CardNotDeletable,
    ChatForbidden,
    ConversationReadOnly,
    EditWindowClosed,
    EmptyMessage,
    InvalidCard,
    InvalidReference,
    InvalidReply,
    MessageDeleted,
    MessageNotEditable,
    MessageTooLong,
    NotMessageAuthor,
    ReferenceNotFound,
    VoiceTooLong,
)
from lifeline.chat.models import (
    ChatSettings,
    Conversation,
    Message,
    MessageReceipt,
    MessageRevision,
    Participant,
)
from lifeline.core.db import prepared_cursor
from lifeline.core.exceptions import DomainError, InvalidInput
from lifeline.core.tasks import enqueue_on_commit
from lifeline.files import services as files
from lifeline.files.enums import FileKind
from lifeline.notifications.services import notify
from lifeline.realtime import presence
from lifeline.realtime.events import publish_on_commit

if TYPE_CHECKING:
    from lifeline.files.models import StoredFile

logger = logging.getLogger(__name__)

NOTIFY_TOPIC = "chat.message_received"


# --- conversations -------------------------------------------------------------------------
def _check_choice(value: str, choices: Any, code: str, field: str) -> None:
    if value and value not in {key for key, _label in choices}:
        raise InvalidInput(code=code, errors={field: [_("Not a valid choice.")]})


def conversation_open(
    *,
    actor: Any,
    kind: str,
    subject_id: UUID | None = None,
    counterpart_id: Any | None = None,
    topic: str = "",
    subject: str = "",
    reference_kind: str = "",
    reference_id: UUID | None = None,
) -> tuple[Conversation, bool]:
    """Open (or return the open) conversation of `kind` about a subject.

    The kind's policy decides from `subject_id` and/or `counterpart_id` who takes part, or
    refuses (NotFound outside the actor's scope). The same participants, subject, topic and
    reference return the existing conversation (`created` False). A reference must be a
    record of the subject both sides may read (the policy decides); otherwise
    ReferenceNotFound.
    """
    policy = policies.policy_for(kind)
    _check_choice(topic, policy.topics, "chat.invalid_topic", "topic")
    _check_choice(
        reference_kind, policy.reference_kinds, "chat.invalid_reference", "reference_kind"
    )
    if bool(reference_kind) != (reference_id is not None):
        raise InvalidReference()
    plan = policy.plan_open(actor=actor, subject_id=subject_id, counterpart_id=counterpart_id)
    if reference_id is not None and not policy.reference_shared(
        subject_id=plan.subject_id, kind=reference_kind, record_id=reference_id
    ):
        raise ReferenceNotFound(errors={"reference_id": [_("No such record of this patient.")]})
    with transaction.atomic():
        existing = Conversation.objects.filter(
            kind=kind,
            subject_type=policy.subject_type,
            subject_id=plan.subject_id,
            topic=topic,
            reference_kind=reference_kind,
            reference_id=reference_id,
        )
        for seat in plan.seats:
            existing = existing.filter(
                participants__user_id=seat.user_id, participants__left_at__isnull=True
            )
        found = existing.order_by("-created_at").first()
        if found is not None and (not subject or found.subject == subject):
            return found, False
        conversation = Conversation.objects.create(
            organization_id=plan.organization_id,
            kind=kind,
            subject_type=policy.subject_type,
            subject_id=plan.subject_id,
            created_by=actor,
            topic=topic,
            subject=subject,
            reference_kind=reference_kind,
            reference_id=reference_id,
            reply_target_minutes=conf.default_reply_target_minutes(),
        )
        conversation.members = Participant.objects.bulk_create(
            [
                Participant(
                    conversation=conversation,
                    user_id=seat.user_id,
                    role=seat.role,
                    joined_at=conversation.created_at,
                )
                for seat in plan.seats
            ]
        )
        audit.record(
            actor=actor,
            action="chat.conversation_opened",
            target=conversation,
            organization=plan.organization_id,
            metadata={"kind": kind, "topic": topic, "reference_kind": reference_kind},
        )
        publish_on_commit(
            events.conversation_created(conversation),
            groups=[events.user_group(p.user_id) for p in conversation.others(actor)],
        )
    return conversation, True


def _responder_roles(conversation: Conversation) -> frozenset[str]:
    policy = policies.registered().get(conversation.kind)
    return policy.responder_roles if policy is not None else frozenset()


def conversation_update(
    *, actor: Any, conversation: Conversation, reply_target_minutes: int
) -> Conversation:
    """A responder (the policy's `responder_roles`) sets the reply-time target."""
    if conversation.role_of(actor) not in _responder_roles(conversation):
        raise ChatForbidden(code="chat.doctor_only")
    if conversation.reply_target_minutes != reply_target_minutes:
        conversation.reply_target_minutes = reply_target_minutes
        conversation.save(update_fields=["reply_target_minutes", "updated_at"])
    return conversation


def conversation_record_read(
    *, actor: Any, conversation: Conversation, request: HttpRequest | None = None
) -> None:
    """Audit a read of the conversation by staff (anyone but the patient)."""
    if permissions.is_staff_reader(actor, conversation):
        audit.record_access(
            actor=actor,
            target=conversation,
            request=request,
            organization=conversation.organization_id,
            action="chat.conversation_viewed",
            metadata={"participant": conversation.is_participant(actor)},
        )


# --- messages ------------------------------------------------------------------------------
def _clean_text(text: str | None) -> str:
    cleaned = (text or "").strip()
    limit = conf.max_text_length()
    if len(cleaned) > limit:
        raise MessageTooLong(extra={"max_length": limit})
    return cleaned


def _check_writer(actor: Any, conversation: Conversation) -> None:
    if not permissions.can_write(actor, conversation):
        raise ConversationReadOnly()


def message_send(
    *,
    actor: Any,
    conversation: Conversation,
    text: str = "",
    upload: File | None = None,
    voice: bool = False,
    duration_ms: int | None = None,
    reply_to_id: UUID | None = None,
    client_id: UUID | None = None,
    request: HttpRequest | None = None,
) -> tuple[Message, bool]:
    """Send a text, an attachment (image/PDF) or a voice message (`voice=True`).

    A retry with the same `client_id` returns the first message (`created` False).
    """
    try:
        return _message_send(
            actor=actor,
            conversation=conversation,
            text=text,
            upload=upload,
            voice=voice,
            duration_ms=duration_ms,
            reply_to_id=reply_to_id,
            client_id=client_id,
            request=request,
        )
    except DomainError as exc:
        metrics.MESSAGES_REJECTED.labels(code=exc.code).inc()
        raise


def _message_send(
    *,
    actor: Any,
    conversation: Conversation,
    text: str,
    upload: File | None,
    voice: bool,
    duration_ms: int | None,
    reply_to_id: UUID | None,
    client_id: UUID | None,
    request: HttpRequest | None,
) -> tuple[Message, bool]:
    _check_writer(actor, conversation)
    if client_id is not None:
        existing = _message_by_client_id(actor, client_id, conversation)
        if existing is not None:
            return existing, False
    cleaned = _clean_text(text)
    if upload is None:
        if voice:
            raise EmptyMessage(code="chat.voice_missing")
        if not cleaned:
            raise EmptyMessage()
        kind = MessageKind.TEXT
    elif voice:
        kind = MessageKind.VOICE
        if (upload.size or 0) > conf.max_voice_bytes():
            raise AttachmentTooLarge(extra={"max_bytes": conf.max_voice_bytes()})
        if duration_ms is not None and duration_ms > conf.max_voice_seconds() * 1000:
            raise VoiceTooLong(extra={"max_seconds": conf.max_voice_seconds()})
    else:
        kind = MessageKind.ATTACHMENT
        if (upload.size or 0) > conf.max_attachment_bytes():
            raise AttachmentTooLarge(extra={"max_bytes": conf.max_attachment_bytes()})
    reply_to = None
    if reply_to_id is not None:
        reply_to = (
            Message.objects.filter(conversation=conversation, pk=reply_to_id)
            .select_related("sender")
            .first()
        )
        if reply_to is None:
            raise InvalidReply()
    stored: StoredFile | None = None
    if upload is not None:
        # Checks the size, sniffs the type; a refused upload stores nothing.
        stored = files.file_upload(
            actor=actor,
            uploaded_file=upload,
            kind=FileKind.VOICE if voice else FileKind.ATTACHMENT,
            organization=conversation.organization,
            request=request,
        )
    try:
        with _write_scope(single_statement=stored is None):
            message = _message_store(
                actor=actor,
                conversation=conversation,
                kind=kind,
                text=cleaned,
                stored=stored,
                duration_ms=duration_ms if voice else None,
                reply_to=reply_to,
                client_id=client_id,
            )
    except IntegrityError:
        if stored is not None:
            files.file_delete(actor=actor, file=stored)
        # Two concurrent retries with the same client_id: the other one won.
        existing = _message_by_client_id(actor, client_id, conversation) if client_id else None
        if existing is None:
            raise
        return existing, False
    except BaseException:
        if stored is not None:
            files.file_delete(actor=actor, file=stored)
        raise
    metrics.MESSAGES_SENT.labels(kind=kind).inc()
    logger.info(
        "chat.message_sent",
        extra={
            "message_id": str(message.pk),
            "conversation_id": str(conversation.pk),
            "kind": kind,
        },
    )
    return message, True


def card_post(*, actor: Any, conversation: Conversation, card_kind: str, card_id: UUID) -> Message:
    """Post a card: a message showing a record of the conversation's domain (`card_kind`, one
    of the policy's `card_kinds`, and its id). Called by the domain inside the transaction
    that creates the record, so both are stored or neither; delivered like any message (the
    `chat.message_created` event after commit). What the card shows is the policy's
    `render_cards`, at every read: the record's current state, never a copy."""
    _check_writer(actor, conversation)
    if card_kind not in policies.policy_for(conversation.kind).card_kinds:
        raise InvalidCard()
    with transaction.atomic():
        message = _message_store(
            actor=actor,
            conversation=conversation,
            kind=MessageKind.CARD,
            text="",
            stored=None,
            duration_ms=None,
            reply_to=None,
            client_id=None,
            card_kind=card_kind,
            card_id=card_id,
        )
    metrics.MESSAGES_SENT.labels(kind=MessageKind.CARD).inc()
    logger.info(
        "chat.card_posted",
        extra={
            "message_id": str(message.pk),
            "conversation_id": str(conversation.pk),
            "card_kind": card_kind,
        },
    )
    return message


def card_changed(*, card_kind: str, card_id: UUID) -> int:
    """The record behind some cards changed (an offer was accepted): after commit, each card
    message of it is announced again (`chat.message_updated`, whose `card` is null: clients
    fetch their own view of it). Returns how many messages were announced."""
    messages = list(
        Message.objects.filter(
            kind=MessageKind.CARD, card_kind=card_kind, card_id=card_id, deleted_at__isnull=True
        ).select_related("sender", "conversation", "file", "reply_to", "reply_to__sender")
    )
    for message in messages:
        publish_on_commit(
            events.message_updated(message),
            groups=[events.conversation_group(message.conversation_id)],
        )
    return len(messages)


def _message_by_client_id(
    actor: Any, client_id: UUID, conversation: Conversation
) -> Message | None:
    existing = Message.objects.filter(sender=actor, client_id=client_id).first()
    if existing is not None and existing.conversation_id != conversation.pk:
        raise InvalidInput(code="chat.client_id_reused", detail="client_id already used")
    return existing


def _message_store(
    *,
    actor: Any,
    conversation: Conversation,
    kind: str,
    text: str,
    stored: StoredFile | None,
    duration_ms: int | None,
    reply_to: Message | None,
    client_id: UUID | None,
    card_kind: str = "",
    card_id: UUID | None = None,
) -> Message:
    message = Message(
        conversation=conversation,
        sender=actor,
        kind=kind,
        text=text,
        file=stored,
        duration_ms=duration_ms,
        reply_to=reply_to,
        client_id=client_id,
        card_kind=card_kind,
        card_id=card_id,
    )
    recipient_ids = [p.user_id for p in conversation.others(actor)]
    # One UPDATE, no read-then-write: the first unanswered message keeps its time even when
    # two such messages race; a responder's message clears the wait.
    responders = _responder_roles(conversation)
    clears_wait = not responders or conversation.role_of(actor) in responders
    if stored is None and _single_statement_writes():
        _message_store_one_statement(message, recipient_ids, clears_wait=clears_wait)
        sent_at = message.created_at
    else:
        message.save(force_insert=True)
        if stored is not None:
            files.file_attach(file=stored, obj=message)
        MessageReceipt.objects.bulk_create(
            [
                MessageReceipt(message=message, recipient_id=rid, conversation=conversation)
                for rid in recipient_ids
            ]
        )
        sent_at = message.created_at
        awaiting: Any = None if clears_wait else Coalesce("awaiting_reply_since", Value(sent_at))
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message_at=sent_at, awaiting_reply_since=awaiting, updated_at=sent_at
        )
    if clears_wait:
        conversation.awaiting_reply_since = None
    else:
        conversation.awaiting_reply_since = conversation.awaiting_reply_since or sent_at
    conversation.last_message_at = sent_at
    event = events.message_created(message)
    # The sender's response is the same shape (a new message: `sent`, no edit history).
    message.payload = event.data
    publish_on_commit(event, groups=[events.conversation_group(conversation.pk)])
    for recipient_id in recipient_ids:
        transaction.on_commit(
            partial(_notify_if_offline, message_id=message.pk, recipient_id=recipient_id),
            robust=True,
        )
    return message


def _single_statement_writes() -> bool:
    """PostgreSQL runs the three writes of a send as one statement (data-modifying CTEs);
    other engines (SQLite) through the ORM."""
    return bool(transaction.get_connection(router.db_for_write(Message)).vendor == "postgresql")


def _write_scope(*, single_statement: bool) -> Any:
    """The transaction of a send. One statement is atomic by itself: in autocommit it needs
    no BEGIN/COMMIT (two round trips and most of the Python of a send's transaction); inside
    an outer transaction it gets its savepoint as before (a refused INSERT must not break
    the outer transaction)."""
    connection = transaction.get_connection(router.db_for_write(Message))
    if single_statement and _single_statement_writes() and not connection.in_atomic_block:
        return nullcontext()
    return transaction.atomic(using=connection.alias)


class _SendStatement(NamedTuple):
    sql: str
    message_fields: list[Any]
    receipt_fields: list[Any]


@functools.cache
def _send_statement(alias: str, recipients: int, clears_wait: bool) -> _SendStatement:
    """INSERT the message, INSERT one receipt per recipient, UPDATE the conversation: one
    statement (built once per process and shape), so one round trip and no transaction.
    The receipts' foreign key to the message is checked at the end of the statement (Django
    makes PostgreSQL foreign keys DEFERRABLE INITIALLY DEFERRED)."""
    quote = connections[alias].ops.quote_name
    message_fields = list(Message._meta.concrete_fields)
    receipt_fields = [f for f in MessageReceipt._meta.concrete_fields if not f.primary_key]

    def insert(model: Any, fields: list[Any], rows: int) -> str:
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        columns = ", ".join(quote(f.column) for f in fields)
        # Names from the models' metadata, values all bound: nothing from a request.
        table = quote(model._meta.db_table)
        return f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * rows)}"  # noqa: S608

    awaiting = quote("awaiting_reply_since")
    wait = "NULL" if clears_wait else f"COALESCE({awaiting}, %s)"
    table = quote(Conversation._meta.db_table)
    update = (
        f"UPDATE {table} SET {quote('last_message_at')} = %s, {awaiting} = {wait}, "  # noqa: S608
        f"{quote('updated_at')} = %s WHERE {quote('id')} = %s"
    )
    parts = [f"m AS ({insert(Message, message_fields, 1)})"]
    if recipients:
        parts.append(f"r AS ({insert(MessageReceipt, receipt_fields, recipients)})")
    return _SendStatement(
        sql=f"WITH {', '.join(parts)} {update}",
        message_fields=message_fields,
        receipt_fields=receipt_fields,
    )


def _message_store_one_statement(
    message: Message, recipient_ids: list[Any], *, clears_wait: bool
) -> None:
    """What `message.save(force_insert=True)`, the receipts' `bulk_create` and the
    conversation's `update()` write, in one statement (`_send_statement`)."""
    alias = router.db_for_write(Message)
    connection = transaction.get_connection(alias)
    statement = _send_statement(alias, len(recipient_ids), clears_wait)
    params: list[Any] = [
        f.get_db_prep_save(f.pre_save(message, True), connection) for f in statement.message_fields
    ]
    sent_at = message.created_at
    values = {
        "message_id": message.pk,
        "conversation_id": message.conversation_id,
        "delivered_at": None,
        "read_at": None,
    }
    for recipient_id in recipient_ids:
        values["recipient_id"] = recipient_id
        params += [
            f.get_db_prep_save(values[f.attname], connection) for f in statement.receipt_fields
        ]
    at = Conversation._meta.get_field("last_message_at").get_db_prep_save(sent_at, connection)
    params.append(at)
    if not clears_wait:
        params.append(at)
    params += [at, Conversation._meta.pk.get_db_prep_save(message.conversation_id, connection)]  # type: ignore[union-attr]
    with prepared_cursor(connection) as cursor:
        cursor.execute(statement.sql, params)
    message._state.adding = False
    message._state.db = alias


def _notify_if_offline(*, message_id: UUID, recipient_id: Any) -> None:
    """After commit: an offline recipient is told by a Celery task (never inline)."""
    if presence.is_online(recipient_id):
        return
    enqueue_on_commit(
        "chat.notify_offline",
        kwargs={"message_id": str(message_id), "recipient_id": str(recipient_id)},
    )


def notify_offline(*, message_id: UUID | str, recipient_id: Any) -> None:
    """Tell an offline recipient about a message, once per run of unread messages."""
    if presence.is_online(recipient_id):
        return
    message = Message.objects.select_related("conversation", "sender").filter(pk=message_id).first()
    if message is None:  # deleted or erased meanwhile
        return
    conversation = message.conversation
    recipient = conversation.participant_of(recipient_id)
    if recipient is None:  # left the conversation meanwhile
        return
    earlier_unread = MessageReceipt.objects.filter(
        conversation_id=message.conversation_id,
        recipient_id=recipient.user_id,
        read_at__isnull=True,
        message__created_at__lt=message.created_at,
    ).exists()
    if earlier_unread:
        return
    notify(
        recipient.user,
        NOTIFY_TOPIC,
        {
            "conversation_id": str(conversation.pk),
            "sender_name": str(message.sender.display_name),
            # A responder of the kind (the template says "Dr"); the key is kept for the
            # notifications stored before kinds existed.
            "sender_is_doctor": conversation.role_of(message.sender)
            in _responder_roles(conversation),
        },
    )
    metrics.OFFLINE_NOTIFICATIONS.inc()


def _check_author_window(actor: Any, message: Message, now: datetime) -> None:
    _check_writer(actor, message.conversation)
    if message.sender_id != actor.pk:
        raise NotMessageAuthor()
    if message.deleted_at is not None:
        raise MessageDeleted()
    if now > message.created_at + conf.edit_window():
        raise EditWindowClosed()


def message_edit(*, actor: Any, message: Message, text: str) -> Message:
    """The author changes the text within the edit window; the old text is kept."""
    now = timezone.now()
    _check_author_window(actor, message, now)
    if message.kind in (MessageKind.VOICE, MessageKind.CARD):
        raise MessageNotEditable()
    cleaned = _clean_text(text)
    if not cleaned and message.kind == MessageKind.TEXT:
        raise EmptyMessage()
    if cleaned == message.text:
        return message
    with transaction.atomic():
        MessageRevision.objects.create(message=message, text=message.text, edited_at=now)
        message.text = cleaned
        message.edited_at = now
        message.save(update_fields=["text", "edited_at", "updated_at"])
        publish_on_commit(
            events.message_updated(message),
            groups=[events.conversation_group(message.conversation_id)],
        )
    return message


def message_delete(*, actor: Any, message: Message) -> Message:
    """The author deletes within the edit window: the message shows as deleted. A card
    stays: its record is withdrawn or declined by the domain's own actions."""
    now = timezone.now()
    _check_author_window(actor, message, now)
    if message.kind == MessageKind.CARD:
        raise CardNotDeletable()
    conversation = message.conversation
    with transaction.atomic():
        message.deleted_at = now
        message.save(update_fields=["deleted_at", "updated_at"])
        MessageReceipt.objects.filter(message=message, read_at__isnull=True).delete()
        if message.file is not None:
            files.file_delete(actor=actor, file=message.file)
        _recompute_awaiting(conversation)
        publish_on_commit(
            events.message_deleted(message), groups=[events.conversation_group(conversation.pk)]
        )
    return message


def _recompute_awaiting(conversation: Conversation) -> None:
    """The first live non-responder message after the last live responder message, if any."""
    responders = _responder_roles(conversation)
    if not responders:
        return
    responder_ids = [p.user_id for p in conversation.members if p.role in responders]
    live = Message.objects.filter(conversation=conversation, deleted_at__isnull=True)
    last_reply = (
        live.filter(sender_id__in=responder_ids)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    pending = live.exclude(sender_id__in=responder_ids)
    if last_reply is not None:
        pending = pending.filter(created_at__gt=last_reply)
    first = pending.order_by("created_at").values_list("created_at", flat=True).first()
    if first != conversation.awaiting_reply_since:
        conversation.awaiting_reply_since = first
        conversation.save(update_fields=["awaiting_reply_since", "updated_at"])


# --- receipts ------------------------------------------------------------------------------
def conversation_mark_delivered(*, actor: Any, conversation: Conversation) -> int:
    """Everything sent to `actor` in the conversation has reached one of their devices."""
    _check_writer(actor, conversation)
    pending = MessageReceipt.objects.filter(
        conversation=conversation, recipient=actor, delivered_at__isnull=True, read_at__isnull=True
    )
    ids = list(pending.values_list("message_id", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        MessageReceipt.objects.filter(
            conversation=conversation, recipient=actor, message_id__in=ids
        ).update(delivered_at=timezone.now())
        publish_on_commit(
            events.receipt_updated(
                conversation_id=conversation.pk,
                user_id=actor.pk,
                state=ReceiptState.DELIVERED,
                message_ids=ids,
            ),
            groups=[events.conversation_group(conversation.pk)],
        )
    return len(ids)


def conversation_mark_read(
    *, actor: Any, conversation: Conversation, up_to: Message | None = None
) -> int:
    """`actor` has read the conversation (up to and including `up_to`)."""
    _check_writer(actor, conversation)
    unread = MessageReceipt.objects.filter(
        conversation=conversation, recipient=actor, read_at__isnull=True
    )
    if up_to is not None:
        unread = unread.filter(message__created_at__lte=up_to.created_at)
    ids = list(unread.values_list("message_id", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    visible = selectors.read_receipts_enabled(user_id=actor.pk)
    with transaction.atomic():
        MessageReceipt.objects.filter(
            conversation=conversation, recipient=actor, message_id__in=ids
        ).update(read_at=now, delivered_at=Coalesce("delivered_at", now))
        Participant.objects.filter(conversation=conversation, user=actor).update(last_read_at=now)
        publish_on_commit(
            events.receipt_updated(
                conversation_id=conversation.pk,
                user_id=actor.pk,
                state=ReceiptState.READ if visible else ReceiptState.DELIVERED,
                message_ids=ids,
            ),
            groups=[events.conversation_group(conversation.pk)],
        )
    return len(ids)


# --- settings, retention -------------------------------------------------------------------
def settings_update(*, user: Any, read_receipts: bool) -> ChatSettings:
    chat_settings, _created = ChatSettings.objects.update_or_create(
        user=user, defaults={"read_receipts": read_receipts}
    )
    return chat_settings


def _erase_messages(messages: Any) -> int:
    """Hard-delete messages and remove their files' blobs (after commit)."""
    count = 0
    for message in messages.select_related("file").iterator():
        if message.file is not None and message.file.deleted_at is None:
            files.file_delete(actor=message.file.owner, file=message.file)
        count += 1
    messages.delete()
    return count


@transaction.atomic
def purge_expired(*, now: datetime | None = None) -> int:
    """Erase messages older than the retention period (`LIFELINE_CHAT_RETENTION_DAYS`)."""
    days = conf.retention_days()
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    count = _erase_messages(Message.objects.filter(created_at__lt=cutoff))
    if count:
        audit.record(
            actor=None,
            action="chat.messages_purged",
            metadata={"count": count, "retention_days": days},
        )
    return count


@transaction.atomic
def subject_chat_erase(*, subject_type: str, subject_id: Any, actor: Any | None = None) -> int:
    """Honour a deletion request: erase every conversation about a subject and its files.

    The owning domain calls this when its subject is erased (e.g. clinic, for a patient).
    """
    conversations = Conversation.objects.filter(subject_type=subject_type, subject_id=subject_id)
    count = _erase_messages(Message.objects.filter(conversation__in=conversations))
    conversations.delete()
    audit.record(
        actor=actor,
        action="chat.subject_chat_erased",
        target_type=subject_type,
        target_id=str(subject_id),
        metadata={"messages": count},
    )
    return count
