"""Notifications, the per-channel delivery log, preferences, quiet hours and push devices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from lifeline.core.models import TimestampedModel, UUIDModel
from lifeline.notifications.enums import Channel, DeliveryStatus, DeviceKind

if TYPE_CHECKING:
    from lifeline.notifications.rendering import RenderedMessage


class Notification(UUIDModel):
    """One thing a user was told. Shown in the inbox unless in-app was turned off for its topic.

    `data` holds the JSON context the texts are rendered from (ids and short labels, never
    clinical detail): push and e-mail texts at delivery time, the inbox text (`shown`) each
    time it is shown, in the reader's language. `title` and `body` keep the text as first
    rendered, in the recipient's language then (admin, search, a topic that was removed).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    topic = models.CharField(_("topic"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    critical = models.BooleanField(_("critical"), default=False)
    in_inbox = models.BooleanField(_("shown in the inbox"), default=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, archived_at__isnull=True, in_inbox=True),
                name="notif_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} for {self.recipient_id}"

    @cached_property
    def shown(self) -> RenderedMessage:
        """The inbox title and body in the active language (see `rendering.inbox_text`)."""
        from lifeline.notifications.rendering import inbox_text

        return inbox_text(self)


class NotificationPreference(TimestampedModel):
    """A user's choice for one topic on one channel; absent rows mean the topic's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    topic = models.CharField(_("topic"), max_length=100)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["user", "topic", "channel"], name="notif_pref_unique_user_topic_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic}/{self.channel}={self.enabled} for {self.user_id}"


class QuietHours(TimestampedModel):
    """A daily window, in the user's own time zone, when push and SMS wait until it ends.

    The window may cross midnight (22:00–07:00). Critical notifications ignore it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_quiet_hours",
    )
    enabled = models.BooleanField(_("enabled"), default=False)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")

    def __str__(self) -> str:
        return f"quiet {self.start:%H:%M}-{self.end:%H:%M} for {self.user_id}"


class PushDevice(UUIDModel):
    """A place push notifications go: an FCM registration token or a Web Push subscription."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_devices",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DeviceKind.choices)
    token = models.CharField(_("FCM token"), max_length=1024, blank=True)
    endpoint = models.URLField(_("Web Push endpoint"), max_length=1024, blank=True)
    p256dh = models.CharField(max_length=255, blank=True)
    auth = models.CharField(max_length=255, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("push device")
        verbose_name_plural = _("push devices")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["token"], condition=Q(kind=DeviceKind.FCM), name="push_device_unique_token"
            ),
            models.UniqueConstraint(
                fields=["endpoint"],
                condition=Q(kind=DeviceKind.WEBPUSH),
                name="push_device_unique_endpoint",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=DeviceKind.FCM, endpoint="") & ~Q(token="")
                    | Q(kind=DeviceKind.WEBPUSH, token="")
                    & ~Q(endpoint="")
                    & ~Q(p256dh="")
                    & ~Q(auth="")
                ),
                name="push_device_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} device {self.pk} of {self.user_id}"


class Delivery(TimestampedModel):
    """One attempt to get a notification through one channel (and, for push, one device).

    Unique per (notification, channel, target) so a task that runs twice cannot deliver
    twice: the task claims the row (queued → sending) with a conditional UPDATE before it
    calls the provider. `next_attempt_at` is when the periodic sweep (re)enqueues a row that
    is still queued: the end of quiet hours, or a safety net for a lost queue message.
    """

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    device = models.ForeignKey(
        PushDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    # The device id for push, "" otherwise: kept after a stale device is deleted.
    target = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider_message_id = models.CharField(max_length=255, blank=True)
    provider_response = models.JSONField(default=dict, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["notification", "channel", "target"], name="delivery_unique_target"
            ),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} delivery of {self.notification_id}: {self.status}"
