"""Conversations of any domain, their participants, messages and receipts.

A conversation has a `kind` (registered by the owning domain, `lifeline.chat.policies`) and a
subject: a model label (`subject_type`, e.g. "clinic.patient") and an id, with no foreign key
(the subject belongs to its domain). Who takes part are `Participant` rows, each with the role
the policy gave them. The policy decides who may still write and who may only read (audited).
Message text is medical or personal data: it is never logged.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from lifeline.chat.enums import MessageKind, ReceiptState
from lifeline.core.models import TimestampedModel, UUIDModel


class Conversation(UUIDModel):
    """A conversation about one subject; `subject` is its free-text title (API `subject`)."""

    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="chat_conversations"
    )
    kind = models.CharField(_("kind"), max_length=64)
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.UUIDField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=32, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    # A typed reference to a record of the subject (no FK: it belongs to its domain).
    reference_kind = models.CharField(_("refers to"), max_length=32, blank=True)
    reference_id = models.UUIDField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Set by the first message a responder (the policy's `responder_roles`) has not answered
    # yet; cleared by the reply.
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    reply_target_minutes = models.PositiveIntegerField(_("reply-time target (minutes)"))

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["kind", "subject_id"], name="chat_conversation_subject_idx"),
            models.Index(fields=["organization", "last_message_at"]),
        ]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=(
                    models.Q(reference_kind="", reference_id__isnull=True)
                    | (~models.Q(reference_kind="") & models.Q(reference_id__isnull=False))
                ),
                name="chat_conversation_reference_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"conversation {self.pk}"

    @cached_property
    def members(self) -> list[Participant]:
        """Current participants with their users; selectors set this without a query."""
        return list(
            self.participants.filter(left_at__isnull=True).select_related("user").order_by("id")
        )

    @property
    def participant_ids(self) -> list[Any]:
        return [p.user_id for p in self.members]

    def participant_of(self, user: Any) -> Participant | None:
        """`user`: a user or a user id (a task's string too)."""
        user_id = str(getattr(user, "pk", user))
        return next((p for p in self.members if str(p.user_id) == user_id), None)

    def is_participant(self, user: Any) -> bool:
        return self.participant_of(user) is not None

    def role_of(self, user: Any) -> str | None:
        found = self.participant_of(user)
        return found.role if found is not None else None

    def others(self, user: Any) -> list[Participant]:
        user_id = str(getattr(user, "pk", user))
        return [p for p in self.members if str(p.user_id) != user_id]

    def member_with_role(self, roles: frozenset[str]) -> Participant | None:
        return next((p for p in self.members if p.role in roles), None)


class Participant(models.Model):
    """One user taking part in a conversation, with the role the owning domain gave them."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_participations"
    )
    # A label of the owning domain's policy ("patient", "doctor", "dispatcher", ...).
    role = models.CharField(_("role"), max_length=32)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # The newest message the user has read (their receipts hold the per-message state).
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="chat_participant_unique"
            ),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["user", "conversation"], name="chat_participant_user_idx"),
        ]

    def __str__(self) -> str:
        return f"participant {self.user_id} of {self.conversation_id}"


class Message(UUIDModel):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)
    text = models.TextField(_("text"), blank=True)
    file = models.ForeignKey(
        "files.StoredFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    # A card message (`MessageKind.CARD`) shows a record of the conversation's domain: its
    # kind (the policy's, e.g. "freelance.offer") and id, no foreign key. The policy renders
    # it for each viewer from the record's current state (`policies.Card`).
    card_kind = models.CharField(_("card kind"), max_length=32, blank=True, default="")
    card_id = models.UUIDField(null=True, blank=True)
    # The sender's idempotency key: a retried POST returns the first message.
    client_id = models.UUIDField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    # Not stored. The history page joins the receipt (`selectors.message_page_for`) and
    # loads the edit history once per page; `services.message_send` keeps the payload of
    # the `chat.message_created` event, which is also the sender's response.
    revisions_loaded: list[Any]
    payload: dict[str, Any]

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["sender", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="chat_message_client_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=MessageKind.values), name="chat_message_kind_valid"
            ),
            # A card names its record; no other kind does.
            models.CheckConstraint(
                condition=(
                    models.Q(kind=MessageKind.CARD, card_id__isnull=False) & ~models.Q(card_kind="")
                )
                | (~models.Q(kind=MessageKind.CARD) & models.Q(card_kind="", card_id__isnull=True)),
                name="chat_message_card_complete",
            ),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["conversation", "-created_at", "-id"]),
            models.Index(
                fields=["card_kind", "card_id"],
                condition=models.Q(card_id__isnull=False),
                name="chat_message_card_idx",
            ),
        ]

    def __str__(self) -> str:  # never the text
        return f"message {self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class MessageRevision(models.Model):
    """The text a message had before one edit. Visible to the care team; never edited."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField()
    edited_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["edited_at", "id"]

    def __str__(self) -> str:  # never the text
        return f"revision of {self.message_id}"


class MessageReceipt(models.Model):
    """Delivery state of one message for one recipient: sent → delivered → read."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_receipts"
    )
    # Denormalised for unread counts without a join to messages.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="receipts"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["message", "recipient"], name="chat_receipt_unique")
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["recipient", "conversation"],
                condition=models.Q(read_at__isnull=True),
                name="chat_receipt_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"receipt {self.message_id} {self.recipient_id}"

    @property
    def state(self) -> str:
        if self.read_at is not None:
            return ReceiptState.READ
        if self.delivered_at is not None:
            return ReceiptState.DELIVERED
        return ReceiptState.SENT


class ChatSettings(TimestampedModel):
    """A user's own messenger settings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_settings"
    )
    read_receipts = models.BooleanField(_("send read receipts"), default=True)

    class Meta:
        verbose_name = _("messenger settings")
        verbose_name_plural = _("messenger settings")
