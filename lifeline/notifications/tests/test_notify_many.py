"""`notify_many`: one batch gives every recipient exactly what `notify()` would, in a constant
number of queries (an SOS alert round tells up to 50 helpers at once)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lifeline.notifications.enums import Channel
from lifeline.notifications.models import Delivery, Notification
from lifeline.notifications.services import notify_many
from lifeline.notifications.tests.factories import (
    NotificationFactory,
    NotificationPreferenceFactory,
    PushDeviceFactory,
    QuietHoursFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NIGHT_IN_MOSCOW = datetime(2026, 3, 10, 20, 30, tzinfo=UTC)


def _rows(notification: Notification) -> list[tuple[str, str, str]]:
    return sorted(
        (d.channel, d.status, d.target) for d in Delivery.objects.filter(notification=notification)
    )


def _population() -> list[Any]:
    night_owl = UserFactory(language="en", time_zone="Europe/Moscow", phone_number="+79990000001")
    QuietHoursFactory(user=night_owl, start=time(22, 0), end=time(7, 0))
    PushDeviceFactory(user=night_owl, token="owl")
    inactive = UserFactory(language="en", status="BANNED")
    PushDeviceFactory(user=inactive, token="inactive")
    two_phones = UserFactory(language="en", phone_number="+79990000002")
    NotificationPreferenceFactory(user=two_phones, topic="system.test", channel=Channel.EMAIL)
    PushDeviceFactory(user=two_phones, token="a")
    PushDeviceFactory(user=two_phones, token="b")
    russian = UserFactory(language="ru", phone_number=None)
    NotificationFactory(recipient=russian)  # one unread already
    no_inbox = UserFactory(language="en", phone_number=None)
    NotificationPreferenceFactory(user=no_inbox, topic="system.test", channel=Channel.IN_APP)
    return [night_owl, inactive, two_phones, russian, no_inbox]


def test_each_recipient_gets_their_own_channels_devices_quiet_hours_and_badge(
    django_capture_on_commit_callbacks: Any, fcm_on: Any, published: Any
) -> None:
    night_owl, inactive, two_phones, russian, no_inbox = users = _population()
    devices = {d.token: str(d.pk) for d in two_phones.push_devices.all()}
    owl_device = str(night_owl.push_devices.get().pk)
    contexts = [{"n": i} for i in range(len(users))]

    with (
        time_machine.travel(NIGHT_IN_MOSCOW, tick=False),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        notifications = notify_many(users, "system.test", contexts)

    assert [n.recipient_id for n in notifications] == [u.pk for u in users]
    assert [n.data for n in notifications] == contexts
    assert [n.in_inbox for n in notifications] == [True, True, True, True, False]
    assert [n.title for n in notifications][:4] == [
        "Test notification",
        "Test notification",
        "Test notification",
        "Тестовое уведомление",
    ]
    owl, off, phones, ru, hidden = notifications
    # quiet hours in Moscow: push and SMS wait, e-mail goes
    assert _rows(owl) == [
        ("email", "queued", ""),
        ("in_app", "sent", ""),
        ("push", "queued", owl_device),
        ("sms", "queued", ""),
    ]
    assert _rows(off) == [("in_app", "sent", "")]  # inactive: the inbox only
    assert _rows(phones) == sorted(  # e-mail turned off; both devices; SMS (no quiet hours)
        [
            ("in_app", "sent", ""),
            ("push", "queued", devices["a"]),
            ("push", "queued", devices["b"]),
            ("sms", "queued", ""),
        ]
    )
    assert _rows(ru) == [("email", "queued", ""), ("in_app", "sent", ""), ("sms", "skipped", "")]
    assert _rows(hidden) == [("email", "queued", ""), ("sms", "skipped", "")]
    # enqueued now: every queued row except the night owl's push and SMS
    assert len(callbacks) == 1 + 3 + 1 + 1
    # one badge event per inbox notification, to its recipient, with their own count
    assert [(e.data["id"], e.data["unread_count"], g) for e, g in published] == [
        (str(owl.pk), 1, [f"user.{night_owl.pk}"]),
        (str(off.pk), 1, [f"user.{inactive.pk}"]),
        (str(phones.pk), 1, [f"user.{two_phones.pk}"]),
        (str(ru.pk), 2, [f"user.{russian.pk}"]),
    ]


def test_queries_do_not_grow_with_the_number_of_recipients(fcm_on: Any, published: Any) -> None:
    def count(n: int) -> int:
        users = []
        for _ in range(n):
            user = UserFactory(language="en")
            PushDeviceFactory(user=user)
            users.append(user)
        with CaptureQueriesContext(connection) as queries:
            notify_many(users, "system.test", [{}] * n, critical=True)
        return len(queries)

    assert count(1) == count(12)


def test_one_context_per_recipient_or_nothing_is_stored() -> None:
    users = [UserFactory(), UserFactory()]
    with pytest.raises(ValueError, match="one context per recipient"):
        notify_many(users, "system.test", [{}])
    assert notify_many([], "system.test", []) == []
    assert Notification.objects.count() == 0
