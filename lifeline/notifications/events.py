"""Real-time events of the notifications app, sent to the recipient's own group only.

They carry ids, the topic, the unread count and at most a short title: enough for a live
badge or a toast; the inbox itself is read through the API.
"""

from __future__ import annotations

from django.utils.translation import gettext

from lifeline.notifications.models import Notification
from lifeline.notifications.topics import UnknownTopic, get_topic
from lifeline.realtime.events import Event

SHORT_TITLE_LENGTH = 80


def _short_title(notification: Notification) -> str:
    try:
        sensitive = get_topic(notification.topic).sensitive
    except UnknownTopic:
        sensitive = True
    if sensitive:
        return gettext("You have a new message")
    return notification.title[:SHORT_TITLE_LENGTH]


def notification_created(notification: Notification, *, unread_count: int) -> Event:
    return Event(
        type="notifications.notification_created",
        data={
            "id": str(notification.pk),
            "topic": notification.topic,
            "title": _short_title(notification),
            "critical": notification.critical,
            "unread_count": unread_count,
        },
    )


def unread_count_changed(*, unread_count: int) -> Event:
    return Event(type="notifications.unread_count_changed", data={"unread_count": unread_count})
