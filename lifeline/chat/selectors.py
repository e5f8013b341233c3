"""Reads of the messenger, always scoped by the actor (outside the scope: 404)."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from lifeline.accounts.models import User
from lifeline.chat import permissions, policies
from lifeline.chat.models import (
    ChatSettings,
    Conversation,
    Message,
    MessageReceipt,
    MessageRevision,
    Participant,
)
from lifeline.core.db import CaseFold, prepared_cursor
from lifeline.core.exceptions import NotFound
from lifeline.core.selectors import get_or_not_found


def _unread_subquery(actor: Any) -> Coalesce:
    """The actor's unread count per conversation, as a correlated subquery (no GROUP BY over
    the selected rows)."""
    unread = (
        MessageReceipt.objects.filter(
            conversation=OuterRef("pk"), recipient=actor, read_at__isnull=True
        )
        .order_by()
        .values("conversation")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def _members_prefetch(path: str = "participants") -> Prefetch:
    return Prefetch(
        path,
        queryset=Participant.objects.filter(left_at__isnull=True)
        .select_related("user")
        .order_by("id"),
        to_attr="members",
    )


def _subject_title() -> Any:
    """Each kind's subject name as one CASE over the policies' subqueries (no query)."""
    whens = []
    for kind, policy in policies.registered().items():
        expression = policy.subject_title_expression()
        if expression is not None:
            whens.append(When(kind=kind, then=expression))
    return Case(*whens, default=Value(""), output_field=CharField())


def conversation_list_for(
    *, actor: Any, awaiting_reply: bool | None = None, subject_id: UUID | None = None
) -> QuerySet[Conversation]:
    """The actor's conversations, longest-waiting first, with the actor's unread count.

    Conversations awaiting a responder's reply come first, oldest wait first; then the rest,
    most recent message first. Each comes with `subject_title` and its current participants
    (`members`, one query for the page).
    """
    queryset = (
        Conversation.objects.filter(permissions.readable_q(actor))
        .annotate(unread_count=_unread_subquery(actor), subject_title=_subject_title())
        .prefetch_related(_members_prefetch())
        .order_by(
            F("awaiting_reply_since").asc(nulls_last=True),
            F("last_message_at").desc(nulls_last=True),
            "-created_at",
            "-id",
        )
    )
    if awaiting_reply is True:
        queryset = queryset.filter(awaiting_reply_since__isnull=False)
    elif awaiting_reply is False:
        queryset = queryset.filter(awaiting_reply_since__isnull=True)
    if subject_id is not None:
        queryset = queryset.filter(subject_id=subject_id)
    return queryset


def conversation_get_for(*, actor: Any, conversation_id: UUID | str) -> Conversation:
    return get_or_not_found(conversation_list_for(actor=actor), pk=conversation_id)


def conversation_for_messages(
    *,
    actor: Any,
    conversation_id: UUID | str,
    with_receipt_settings: bool = False,
    with_users: bool = True,
) -> Conversation:
    """The conversation for the send path and the history page, in one query.

    Scoped like `conversation_get_for` (outside the scope: 404) but without the unread count:
    the participant rows of the conversation with their users and the conversation joined,
    then `permissions.can_view_conversation` (a subject role: no further query; another
    participant: the policy's one statement).
    `with_receipt_settings` adds each participant's `receipts_off` (they turned read
    receipts off: the history page shows their `read` as `delivered`) to the same query.
    `with_users=False` (the send path, which needs only ids and roles) leaves the users'
    rows out and runs a statement compiled once per process (`_participants_statement`):
    building the join of the user model's columns was a fifth of a send's CPU, compiling
    the rest another tenth. Participants are few, so they are ordered here rather than in
    SQL (cheaper to build).
    """
    try:
        if not with_users and not with_receipt_settings:
            participants = _participants_with_conversation(conversation_id)
        else:
            rows = Participant.objects.filter(conversation_id=conversation_id)
            rows = (
                rows.select_related("conversation", "user")
                if with_users
                else rows.select_related("conversation")
            )
            if with_receipt_settings:
                receipts_off = ChatSettings.objects.filter(read_receipts=False)
                rows = rows.annotate(
                    receipts_off=Exists(receipts_off.filter(user=OuterRef("user")))
                )
            participants = sorted(rows, key=lambda p: p.pk)
    except (ValueError, TypeError, ValidationError) as exc:
        raise NotFound() from exc
    if not participants:
        raise NotFound()
    conversation = participants[0].conversation
    conversation.members = [p for p in participants if p.left_at is None]
    for participant in participants:
        participant.conversation = conversation
    if not permissions.can_view_conversation(actor, conversation):
        raise NotFound()
    return conversation


_CONVERSATION_PLACEHOLDER = UUID("00000000-0000-4000-8000-0000000c4a70")


class _Statement(NamedTuple):
    sql: str
    participant_names: list[str]
    conversation_names: list[str]
    converters: dict[int, tuple[list[Any], Any]]


@functools.cache
def _participants_statement(alias: str) -> _Statement | None:
    """The SQL of `Participant.objects.filter(conversation_id=…).select_related(
    "conversation")`, compiled by the ORM once per process instead of on every send
    (building and compiling it cost more CPU than PostgreSQL spends running it). None if its
    shape is not the expected one (then the ORM runs as is)."""
    connection = connections[alias]
    rows = (
        Participant.objects.using(alias)
        .filter(conversation_id=_CONVERSATION_PLACEHOLDER)
        .select_related("conversation")
        .order_by()
    )
    compiler = rows.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    pk = Conversation._meta.get_field("id")
    if list(params) != [pk.get_db_prep_value(_CONVERSATION_PLACEHOLDER, connection)]:
        return None
    select = [expression for expression, _sql, _alias in compiler.select]
    targets = [getattr(expression, "target", None) for expression in select]
    participant_names = [f.attname for f in Participant._meta.concrete_fields]
    conversation_names = [f.attname for f in Conversation._meta.concrete_fields]
    expected = [(Participant, n) for n in participant_names] + [
        (Conversation, n) for n in conversation_names
    ]
    found = [(t.model, t.attname) if t is not None else None for t in targets]
    if found != expected:
        return None
    return _Statement(
        sql=sql,
        participant_names=participant_names,
        conversation_names=conversation_names,
        converters=compiler.get_converters(select),
    )


def _participants_with_conversation(conversation_id: UUID | str) -> list[Participant]:
    """The conversation's participant rows, ordered by id, each with the conversation set
    (one conversation object for all), through the statement compiled once per process."""
    alias = router.db_for_read(Participant)
    statement = _participants_statement(alias)
    if statement is None:
        rows = Participant.objects.filter(conversation_id=conversation_id)
        return sorted(rows.select_related("conversation"), key=lambda p: p.pk)
    connection = connections[alias]
    pk = Conversation._meta.get_field("id")
    param = pk.get_db_prep_value(pk.to_python(conversation_id), connection)
    with prepared_cursor(connection) as cursor:
        cursor.execute(statement.sql, [param])
        fetched = cursor.fetchall()
    split = len(statement.participant_names)
    participants: list[Participant] = []
    conversation: Conversation | None = None
    for row in fetched:
        values = list(row)
        for position, (converters, expression) in statement.converters.items():
            for converter in converters:
                values[position] = converter(values[position], expression, connection)
        if conversation is None:
            conversation = Conversation.from_db(alias, statement.conversation_names, values[split:])
        participant = Participant.from_db(alias, statement.participant_names, values[:split])
        participant.conversation = conversation
        participants.append(participant)
    participants.sort(key=lambda p: p.pk)
    return participants


def receipts_off_of(conversation: Conversation) -> set[Any]:
    """Participants who turned read receipts off, from `conversation_for_messages(...,
    with_receipt_settings=True)`."""
    return {p.user_id for p in conversation.members if getattr(p, "receipts_off", False)}


def conversation_ids_for_participant(*, user: Any) -> list[UUID]:
    """Ids of the conversations `user` takes part in (the WebSocket joins these)."""
    return list(
        Conversation.objects.filter(permissions.participant_q(user)).values_list("id", flat=True)
    )


def is_participant(*, user: Any, conversation_id: UUID | str) -> bool:
    try:
        return Conversation.objects.filter(
            permissions.participant_q(user), pk=conversation_id
        ).exists()
    except (ValueError, TypeError, ValidationError):
        return False


def message_list_for(
    *, conversation: Conversation, q: str = "", include_deleted: bool = True
) -> QuerySet[Message]:
    """Messages of an already authorized conversation, newest first, in constant queries."""
    queryset = (
        Message.objects.filter(conversation=conversation)
        .select_related("sender", "file", "reply_to", "reply_to__sender")
        .prefetch_related(
            Prefetch("receipts", queryset=MessageReceipt.objects.order_by("id")),
            "revisions",
        )
        .order_by("-created_at", "-id")
    )
    if q:
        # Unicode case folding on SQLite too (its LIKE folds ASCII only).
        queryset = queryset.annotate(text_folded=CaseFold("text")).filter(
            text_folded__contains=q.casefold(), deleted_at__isnull=True
        )
    elif not include_deleted:
        queryset = queryset.filter(deleted_at__isnull=True)
    return queryset


def message_page_for(
    *, conversation: Conversation, q: str = "", viewer: Any = None
) -> QuerySet[Message]:
    """The history page: messages with their file, reply and receipt in ONE query.

    Between two participants a message has at most one receipt (its recipient is the other
    participant), so the receipt is joined (`receipt_*` attributes, read by
    `payloads.receipt_data`) rather than prefetched. A conversation of more participants (a
    kind like "ambulance.call") has one receipt per recipient: the page then shows, per
    message, the viewer's own receipt (a message of someone else) or the first recipient's
    (the viewer's message), picked by correlated subqueries in the same statement. The
    caller sets the senders of the page with `attach_senders` (no query); edit history
    (staff only) is one more query, only for the page's edited messages
    (`revisions_by_message`).
    """
    queryset = (
        Message.objects.filter(conversation=conversation)
        # Senders are the conversation's participants: `attach_senders` sets them instead
        # of joining full user rows per message.
        .select_related("file", "reply_to")
    )
    if len(conversation.members) > 2:
        first = MessageReceipt.objects.filter(message=OuterRef("pk")).order_by(
            Case(
                When(recipient_id=getattr(viewer, "pk", None), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "id",
        )
        queryset = queryset.annotate(
            receipt_id=Subquery(first.values("id")[:1]),
            receipt_recipient_id=Subquery(first.values("recipient_id")[:1]),
            receipt_delivered_at=Subquery(first.values("delivered_at")[:1]),
            receipt_read_at=Subquery(first.values("read_at")[:1]),
        )
    else:
        queryset = queryset.annotate(receipt=FilteredRelation("receipts")).annotate(
            receipt_id=F("receipt__id"),
            receipt_recipient_id=F("receipt__recipient_id"),
            receipt_delivered_at=F("receipt__delivered_at"),
            receipt_read_at=F("receipt__read_at"),
        )
    queryset = queryset.order_by("-created_at", "-id")
    if q:
        queryset = queryset.annotate(text_folded=CaseFold("text")).filter(
            text_folded__contains=q.casefold(), deleted_at__isnull=True
        )
    return queryset


def attach_senders(messages: list[Message], conversation: Conversation) -> None:
    """Set `sender` (and the replied-to message's) from the conversation's participants.

    `conversation` comes from `conversation_for_messages`, which loads the participants with
    their users. Anyone else (a participant who left) is loaded in one query.
    """
    people = {p.user_id: p.user for p in conversation.members}
    owners = [*messages] + [m.reply_to for m in messages if m.reply_to is not None]
    missing = {m.sender_id for m in owners} - people.keys()
    if missing:
        people.update(User.objects.in_bulk(missing))
    for owner in owners:
        owner.sender = people[owner.sender_id]


def revisions_by_message(message_ids: list[Any]) -> dict[Any, list[MessageRevision]]:
    """Edit history of the given messages, oldest first, in one query (none if no ids)."""
    found: dict[Any, list[MessageRevision]] = {m: [] for m in message_ids}
    if message_ids:
        for revision in MessageRevision.objects.filter(message_id__in=message_ids).order_by(
            "edited_at", "id"
        ):
            found[revision.message_id].append(revision)
    return found


def message_get_for(*, actor: Any, message_id: UUID | str) -> Message:
    messages = (
        Message.objects.filter(
            conversation__in=Conversation.objects.filter(permissions.readable_q(actor))
        )
        .select_related("conversation", "sender", "file", "reply_to", "reply_to__sender")
        .prefetch_related(_members_prefetch("conversation__participants"))
    )
    return get_or_not_found(messages, pk=message_id)


def unread_total_for(*, actor: Any) -> int:
    return MessageReceipt.objects.filter(
        recipient=actor,
        read_at__isnull=True,
        conversation__in=Conversation.objects.filter(permissions.participant_q(actor)),
    ).count()


def read_receipts_enabled(*, user_id: Any) -> bool:
    value = ChatSettings.objects.filter(user_id=user_id).values_list("read_receipts", flat=True)
    return next(iter(value), True)


def read_receipts_map(*, user_ids: list[Any]) -> dict[Any, bool]:
    """{user id: sends read receipts} for the given users (default True)."""
    found = dict(
        ChatSettings.objects.filter(user_id__in=user_ids).values_list("user_id", "read_receipts")
    )
    return {uid: found.get(uid, True) for uid in user_ids}


def settings_for(*, user: Any) -> ChatSettings:
    found = ChatSettings.objects.filter(user=user).first()
    return found or ChatSettings(user=user)


def counterparts_for(*, actor: Any, kind: str) -> list[dict[str, Any]]:
    """Whom `actor` may open a conversation of `kind` with (the kind's policy decides)."""
    return policies.policy_for(kind).counterparts(actor=actor)


def cards_for(
    *, conversation: Conversation, messages: list[Message], viewer: Any
) -> dict[tuple[str, UUID], policies.Card]:
    """The cards of the card messages among `messages`, as `viewer` sees them: the policy of
    the conversation's kind renders each kind of record once (one query per kind on the
    page, however many cards); no card message, no query."""
    wanted: dict[str, list[UUID]] = {}
    for message in messages:
        if message.card_id is not None and message.deleted_at is None:
            wanted.setdefault(message.card_kind, []).append(message.card_id)
    if not wanted:
        return {}
    policy = policies.registered().get(conversation.kind)
    if policy is None:
        return {}
    found: dict[tuple[str, UUID], policies.Card] = {}
    for kind, ids in wanted.items():
        if kind not in policy.card_kinds:
            continue
        rendered = policy.render_cards(
            kind=kind, record_ids=list(dict.fromkeys(ids)), viewer=viewer
        )
        found.update({(kind, record_id): card for record_id, card in rendered.items()})
    return found
