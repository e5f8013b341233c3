from __future__ import annotations

import pytest

from lifeline.notifications import events
from lifeline.notifications.tests.factories import NotificationFactory
from lifeline.realtime.testing import assert_envelope

pytestmark = pytest.mark.django_db


def test_notification_created_carries_ids_and_a_short_title_only():
    notification = NotificationFactory(
        topic="accounts.new_device_login", title="Sign-in from a new device " + "x" * 100
    )

    event = events.notification_created(notification, unread_count=4)

    assert_envelope(
        event,
        type="notifications.notification_created",
        data={
            "id": str(notification.pk),
            "topic": "accounts.new_device_login",
            "title": ("Sign-in from a new device " + "x" * 100)[:80],
            "critical": False,
            "unread_count": 4,
        },
    )


def test_notification_created_hides_the_title_of_a_sensitive_topic(sensitive_topic):
    notification = NotificationFactory(topic=sensitive_topic, title="Pain reported: 9 of 10")

    event = events.notification_created(notification, unread_count=1)

    assert event.data["title"] == "You have a new message"


def test_unread_count_changed():
    assert_envelope(
        events.unread_count_changed(unread_count=0),
        type="notifications.unread_count_changed",
        data={"unread_count": 0},
    )
