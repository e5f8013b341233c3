"""Conversations between a patient and one assigned doctor, their messages and receipts.

A conversation has exactly two participants: the patient's account (`patient_user`) and a
doctor of the patient's care team (`doctor`). Clinic admins of the patient's organization may
read it (audited) but never write. Message text is medical data: it is never logged.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifeline.chat.enums import (
    ConversationTopic,
    MessageKind,
    ParticipantRole,
    ReceiptState,
    ReferenceKind,
)
from lifeline.core.models import TimestampedModel, UUIDModel


class Conversation(UUIDModel):
    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="chat_conversations"
    )
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.CASCADE, related_name="chat_conversations"
    )
    patient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_as_patient"
    )
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_as_doctor"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    topic = models.CharField(
        _("topic"), max_length=32, choices=ConversationTopic.choices, blank=True
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    # A typed reference to a clinic object (no FK: those models belong to clinic).
    reference_kind = models.CharField(
        _("refers to"), max_length=32, choices=ReferenceKind.choices, blank=True
    )
    reference_id = models.UUIDField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Set by the first patient message the doctor has not answered yet; cleared by the reply.
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    reply_target_minutes = models.PositiveIntegerField(_("reply-time target (minutes)"))

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["doctor", "awaiting_reply_since"]),
            models.Index(fields=["patient_user", "last_message_at"]),
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

    @property
    def participant_ids(self) -> tuple[Any, Any]:
        return (self.patient_user_id, self.doctor_id)

    def is_participant(self, user: Any) -> bool:
        return getattr(user, "pk", None) in self.participant_ids

    def role_of(self, user: Any) -> str | None:
        if user.pk == self.doctor_id:
            return ParticipantRole.DOCTOR
        if user.pk == self.patient_user_id:
            return ParticipantRole.PATIENT
        return None

    def other_participant_id(self, user: Any) -> Any:
        return self.patient_user_id if user.pk == self.doctor_id else self.doctor_id


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
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["conversation", "-created_at", "-id"]),
        ]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["sender", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="chat_message_client_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=MessageKind.values), name="chat_message_kind_valid"
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
