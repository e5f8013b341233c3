"""Input validation and output shapes of the messenger API.

Output serializers declare the fields (for the OpenAPI schema) and render through
`lifeline.chat.payloads`, the shapes the WebSocket events carry too.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from rest_framework import serializers

from lifeline.chat import payloads, policies
from lifeline.chat.models import Conversation, Message


# --- inputs --------------------------------------------------------------------------------
class ConversationListFilterInput(serializers.Serializer):
    awaiting_reply = serializers.BooleanField(required=False, allow_null=True, default=None)
    patient_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class ConversationOpenInput(serializers.Serializer):
    patient_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="A doctor opens with one of their patients."
    )
    doctor_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="A patient opens with a care-team doctor."
    )
    # Choices are the v1 kind's (`policies.api_v1_kind()`), set per instance: the policy is
    # registered in its app's `ready()`, after this module may have been imported.
    topic = serializers.ChoiceField(choices=(), required=False, default="")
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reference_kind = serializers.ChoiceField(
        choices=(), required=False, allow_blank=True, default=""
    )
    reference_id = serializers.UUIDField(required=False, allow_null=True, default=None)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        kind = policies.api_v1_kind()
        if kind is not None:
            policy = policies.policy_for(kind)
            cast(serializers.ChoiceField, fields["topic"]).choices = policy.topics
            cast(serializers.ChoiceField, fields["reference_kind"]).choices = policy.reference_kinds
        return fields


class ConversationUpdateInput(serializers.Serializer):
    reply_target_minutes = serializers.IntegerField(min_value=5, max_value=60 * 24 * 30)


class MessageHistoryFilterInput(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class MessageSendInput(serializers.Serializer):
    # Length and emptiness are the service's rules (stable `chat.*` codes), not the field's.
    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=100_000, default=""
    )
    file = serializers.FileField(
        required=False, allow_empty_file=True, use_url=False, help_text="Image or PDF, or audio."
    )
    voice = serializers.BooleanField(
        required=False, default=False, help_text="`file` is a voice recording (Opus WebM/Ogg)."
    )
    duration_ms = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    reply_to = serializers.UUIDField(required=False, allow_null=True)
    client_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="Idempotency key: a retry returns the first."
    )

    @classmethod
    def validated(cls, data: Any) -> dict[str, Any]:
        """The validated data of `data` (raises ValidationError as `is_valid` does).

        The common send, a JSON object whose values are already what the fields return (a
        string text, a boolean voice, a whole duration, id strings that parse), is taken as
        it is: building the serializer copies its seven fields per request, a tenth of a
        send's CPU. Anything else (a form, a file, a value a field would convert or refuse)
        goes through the serializer, which gives the errors.
        """
        plain = _plain_send(data)
        if plain is not None:
            return plain
        serializer = cls(data=data)
        serializer.is_valid(raise_exception=True)
        return cast(dict[str, Any], serializer.validated_data)


_TEXT_MAX_LENGTH = 100_000


def _plain_send(data: Any) -> dict[str, Any] | None:
    """`MessageSendInput`'s validated data for a JSON object it would take unchanged; None
    for anything the serializer must look at (see `MessageSendInput.validated`)."""
    if type(data) is not dict or "file" in data:  # a form's QueryDict is a dict subclass
        return None
    text = data.get("text", "")
    if type(text) is not str or len(text) > _TEXT_MAX_LENGTH or "\x00" in text:
        return None
    try:
        text.encode()  # a surrogate: the field's validator refuses it
    except UnicodeEncodeError:
        return None
    voice = data.get("voice", False)
    if type(voice) is not bool:
        return None
    result: dict[str, Any] = {"text": text, "voice": voice}
    if "duration_ms" in data:
        duration = data["duration_ms"]
        if duration is not None and (type(duration) is not int or duration < 0):
            return None
        result["duration_ms"] = duration
    for name in ("reply_to", "client_id"):
        if name in data:
            value = data[name]
            if value is not None:
                if type(value) is not str:
                    return None
                try:
                    value = uuid.UUID(hex=value)
                except ValueError:
                    return None
            result[name] = value
    return result


class MessageEditInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=100_000)


class MarkReadInput(serializers.Serializer):
    up_to = serializers.UUIDField(
        required=False, allow_null=True, help_text="Last message read (default: all)."
    )


class SettingsInput(serializers.Serializer):
    read_receipts = serializers.BooleanField()


# --- outputs -------------------------------------------------------------------------------
class _PatientRefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()


class _DoctorRefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class _CounterpartOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    online = serializers.BooleanField()


class _ReferenceOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="`assessment` or `conclusion`.")
    id = serializers.UUIDField()
    url = serializers.CharField(allow_null=True)


class ConversationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    patient = _PatientRefOutput()
    patient_user_id = serializers.UUIDField(
        allow_null=True, help_text="Null for a kind without a subject person."
    )
    doctor = _DoctorRefOutput(allow_null=True, help_text="Null for a kind without responders.")
    counterpart = _CounterpartOutput(allow_null=True)
    my_role = serializers.CharField(help_text="`patient`, `doctor` or `observer` (read only).")
    can_write = serializers.BooleanField()
    topic = serializers.CharField()
    topic_label = serializers.CharField()
    subject = serializers.CharField()
    reference = _ReferenceOutput(allow_null=True)
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    awaiting_reply_since = serializers.DateTimeField(allow_null=True)
    waiting_seconds = serializers.IntegerField(allow_null=True)
    reply_target_minutes = serializers.IntegerField()
    reply_due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    unread_count = serializers.IntegerField()

    def to_representation(self, instance: Conversation) -> dict[str, Any]:
        return payloads.conversation_data(
            instance,
            viewer=self.context["viewer"],
            online_ids=self.context.get("online_ids", ()),
        )


class _FileOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    url = serializers.CharField()


class _ReplyOutput(serializers.Serializer):
    id = serializers.UUIDField()
    sender_name = serializers.CharField()
    kind = serializers.CharField(help_text="`text`, `attachment` or `voice`.")
    excerpt = serializers.CharField()
    deleted = serializers.BooleanField()


class _ReceiptOutput(serializers.Serializer):
    state = serializers.CharField(help_text="`sent`, `delivered` or `read`.")
    delivered_at = serializers.DateTimeField(allow_null=True)
    read_at = serializers.DateTimeField(allow_null=True)


class _RevisionOutput(serializers.Serializer):
    text = serializers.CharField()
    edited_at = serializers.DateTimeField()


class _CardActionOutput(serializers.Serializer):
    label = serializers.CharField(help_text="Translated button text.")  # type: ignore[assignment]
    url = serializers.CharField(help_text="The web page's form action (or link).")
    method = serializers.CharField(help_text="`post` (a form with the CSRF token) or `get`.")
    style = serializers.CharField(help_text="`primary` or `secondary`.")  # type: ignore[assignment]
    api_url = serializers.CharField(
        allow_blank=True, help_text="The same action in this API (POST), if it has one."
    )


class _CardOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="The record's kind, e.g. `freelance.offer`.")
    id = serializers.UUIDField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="The record's current status code.")
    status_label = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField())
    actions = _CardActionOutput(many=True, help_text="What the caller may do now.")


class MessageOutput(serializers.Serializer):
    id = serializers.UUIDField()
    conversation_id = serializers.UUIDField()
    sender_id = serializers.UUIDField()
    sender_name = serializers.CharField()
    sender_role = serializers.CharField(help_text="`patient` or `doctor`.")
    kind = serializers.CharField(help_text="`text`, `attachment`, `voice` or `card`.")
    text = serializers.CharField()
    file = _FileOutput(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    reply_to = _ReplyOutput(allow_null=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()
    editable_until = serializers.DateTimeField()
    receipt = _ReceiptOutput(allow_null=True)
    revisions = _RevisionOutput(many=True, help_text="Earlier texts; shown to the care team.")
    card = _CardOutput(
        allow_null=True,
        help_text=(
            "A `card` message: the record it shows, rendered for the caller from the record's "
            "current state. Null in events (fetch `GET messages/{id}/`) and for other kinds."
        ),
    )

    def to_representation(self, instance: Message) -> dict[str, Any]:
        return payloads.message_data(
            instance,
            staff=bool(self.context.get("staff")),
            receipts_off=self.context.get("receipts_off", ()),
            conversation=self.context.get("conversation"),
            cards=self.context.get("cards"),
        )


class MarkedOutput(serializers.Serializer):
    updated = serializers.IntegerField()
    unread_total = serializers.IntegerField()


class UnreadOutput(serializers.Serializer):
    total = serializers.IntegerField()


class SettingsOutput(serializers.Serializer):
    read_receipts = serializers.BooleanField()


class CounterpartOutput(serializers.Serializer):
    id = serializers.UUIDField(help_text="A patient id (for doctors) or a doctor's user id.")
    name = serializers.CharField()
    kind = serializers.CharField(help_text="`patient` or `doctor`.")
