from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lifeline.core.api.serializers import ModelOutput
from lifeline.notifications.enums import Channel, DeviceKind
from lifeline.notifications.models import Notification, PushDevice
from lifeline.notifications.topics import topic_link


class NotificationOutput(ModelOutput[Notification]):
    # Rendered in the request's language when read, not the one it was created in.
    title = serializers.CharField(source="shown.title", read_only=True)
    body = serializers.CharField(source="shown.body", read_only=True)

    class Meta:
        model = Notification
        fields = (
            "id",
            "topic",
            "title",
            "body",
            "data",
            "link",
            "critical",
            "created_at",
            "read_at",
            "archived_at",
        )
        read_only_fields = fields

    # The page the notification opens (its topic's link), e.g. "/sos/events/<uid>/"; null
    # when the topic has none. The page checks access like any other.
    link = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True, "example": "/clinic/conclusions/…/"})
    def get_link(self, notification: Notification) -> str | None:
        return topic_link(notification.topic, notification.data)


class NotificationListFilterInput(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)
    archived = serializers.BooleanField(required=False, default=False)


class UnreadCountOutput(serializers.Serializer):
    unread_count = serializers.IntegerField()


class ReadAllOutput(serializers.Serializer):
    updated = serializers.IntegerField()
    unread_count = serializers.IntegerField()


class ChannelSettingOutput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    enabled = serializers.BooleanField()
    default = serializers.BooleanField()


class TopicSettingsOutput(serializers.Serializer):
    topic = serializers.CharField(source="topic.key")
    title = serializers.CharField(source="topic.title")
    critical_allowed = serializers.BooleanField(source="topic.critical_allowed")
    channels = ChannelSettingOutput(many=True)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
        "example": "22:00",
    }
)
class ClockTimeField(serializers.TimeField):
    """A wall-clock time of day in the user's time zone: `HH:MM` out, `HH:MM[:SS]` in.

    Not OpenAPI's `format: time`, which is RFC 3339's `full-time` (seconds and a UTC offset):
    quiet hours are local times with no offset.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(**kwargs)


class QuietHoursOutput(serializers.Serializer):
    enabled = serializers.BooleanField()
    start = ClockTimeField()
    end = ClockTimeField()
    time_zone = serializers.CharField(source="user.time_zone")


class PreferencesOutput(serializers.Serializer):
    topics = TopicSettingsOutput(many=True)
    quiet_hours = QuietHoursOutput()


class PreferenceChangeInput(serializers.Serializer):
    topic = serializers.CharField(max_length=100)
    channel = serializers.ChoiceField(choices=Channel.choices)
    enabled = serializers.BooleanField()


class QuietHoursInput(serializers.Serializer):
    enabled = serializers.BooleanField()
    start = ClockTimeField()
    end = ClockTimeField()


class PreferencesUpdateInput(serializers.Serializer):
    preferences = PreferenceChangeInput(many=True, required=False, max_length=200)  # type: ignore[call-arg]
    quiet_hours = QuietHoursInput(required=False)


class WebPushKeysInput(serializers.Serializer):
    p256dh = serializers.CharField(max_length=255)
    auth = serializers.CharField(max_length=255)


class WebPushSubscriptionInput(serializers.Serializer):
    """The browser's `PushSubscription.toJSON()` (`expirationTime` is ignored)."""

    endpoint = serializers.URLField(max_length=1024)
    keys = WebPushKeysInput()


class DeviceRegisterInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    token = serializers.CharField(max_length=1024, required=False)
    subscription = WebPushSubscriptionInput(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == DeviceKind.FCM and not attrs.get("token"):
            raise serializers.ValidationError({"token": [_("An FCM device needs a token.")]})
        if attrs["kind"] == DeviceKind.WEBPUSH and not attrs.get("subscription"):
            raise serializers.ValidationError(
                {"subscription": [_("A Web Push device needs a subscription.")]}
            )
        return attrs


class DeviceOutput(ModelOutput[PushDevice]):
    class Meta:
        model = PushDevice
        fields = ("id", "kind", "user_agent", "created_at", "last_used_at")
        read_only_fields = fields


class VapidPublicKeyOutput(serializers.Serializer):
    public_key = serializers.CharField()
