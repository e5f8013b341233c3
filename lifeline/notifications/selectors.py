"""Reads of the notifications app, always scoped to the acting user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Count, QuerySet

from lifeline.core.selectors import get_or_not_found
from lifeline.notifications.enums import Channel
from lifeline.notifications.integrations import webpush
from lifeline.notifications.models import (
    Notification,
    NotificationPreference,
    PushDevice,
    QuietHours,
)
from lifeline.notifications.topics import Topic, all_topics

if TYPE_CHECKING:
    from lifeline.accounts.models import User

DEFAULT_QUIET_START = time(22, 0)
DEFAULT_QUIET_END = time(7, 0)


def notification_list_for(
    *, actor: User, unread: bool = False, archived: bool = False
) -> QuerySet[Notification]:
    """The actor's inbox (newest first when paginated); archived ones only when asked for."""
    notifications = Notification.objects.filter(
        recipient=actor, in_inbox=True, archived_at__isnull=not archived
    )
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def notification_get_for(*, actor: User, notification_id: UUID | str) -> Notification:
    """The actor's own notification, or NotFound (for anyone else's, too)."""
    return get_or_not_found(
        Notification.objects.filter(recipient=actor, in_inbox=True), pk=notification_id
    )


def _unread() -> QuerySet[Notification]:
    return Notification.objects.filter(
        in_inbox=True, archived_at__isnull=True, read_at__isnull=True
    )


def unread_count_for(*, actor: User) -> int:
    return _unread().filter(recipient=actor).count()


def unread_counts_for(*, user_ids: Sequence[Any]) -> dict[Any, int]:
    """`unread_count_for` of several users in one query (users with none are absent)."""
    return dict(
        _unread()
        .filter(recipient_id__in=user_ids)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("recipient_id", "n")
    )


@dataclass(frozen=True)
class ChannelSetting:
    channel: Channel
    enabled: bool
    default: bool


@dataclass(frozen=True)
class TopicSettings:
    topic: Topic
    channels: list[ChannelSetting]


def preference_matrix_for(*, actor: User) -> list[TopicSettings]:
    """Every registered topic × every channel: the actor's choice, else the topic default."""
    chosen = {
        (p.topic, p.channel): p.enabled
        for p in NotificationPreference.objects.filter(user=actor).only(
            "topic", "channel", "enabled"
        )
    }
    matrix = []
    for topic in all_topics():
        channels = []
        for channel in Channel:
            default = channel in topic.default_channels
            enabled = chosen.get((topic.key, channel.value), default)
            channels.append(ChannelSetting(channel=channel, enabled=enabled, default=default))
        matrix.append(TopicSettings(topic=topic, channels=channels))
    return matrix


def quiet_hours_for(*, actor: User) -> QuietHours:
    """The actor's quiet hours; an unsaved disabled 22:00–07:00 window if never set."""
    quiet = QuietHours.objects.filter(user=actor).first()
    if quiet is None:
        quiet = QuietHours(
            user=actor, enabled=False, start=DEFAULT_QUIET_START, end=DEFAULT_QUIET_END
        )
    return quiet


def device_list_for(*, actor: User) -> QuerySet[PushDevice]:
    return PushDevice.objects.filter(user=actor)


def device_get_for(*, actor: User, device_id: UUID | str) -> PushDevice:
    return get_or_not_found(PushDevice.objects.filter(user=actor), pk=device_id)


def webpush_public_key() -> str:
    """The VAPID public key browsers subscribe with ("" when Web Push is not configured)."""
    return webpush.public_key()
