from __future__ import annotations

import json
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core import mail

from lifeline.notifications.delivery import delivery_enqueue_due
from lifeline.notifications.enums import Channel, DeliveryStatus
from lifeline.notifications.models import Delivery, Notification
from lifeline.notifications.services import notify
from lifeline.notifications.tests.conftest import FCM_URL
from lifeline.notifications.tests.factories import (
    NotificationPreferenceFactory,
    PushDeviceFactory,
    QuietHoursFactory,
    UserFactory,
)
from lifeline.realtime.testing import assert_envelope

pytestmark = pytest.mark.django_db


def _deliveries(notification: Notification) -> list[tuple[str, str]]:
    return sorted((d.channel, d.status) for d in Delivery.objects.filter(notification=notification))


def test_notify_stores_the_inbox_entry_and_sends_email(
    django_capture_on_commit_callbacks, published
):
    # given
    user = UserFactory(email="anna@example.test", language="en")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            user,
            "accounts.new_device_login",
            {"device": "Firefox on Linux", "ip_address": "203.0.113.7"},
        )
    # then
    notification.refresh_from_db()
    assert notification.recipient == user
    assert notification.topic == "accounts.new_device_login"
    assert notification.title == "Sign-in from a new device"
    assert notification.body == (
        "Your account was signed in from Firefox on Linux (IP address 203.0.113.7). "
        "If this was not you, change your password and end your other sessions."
    )
    assert notification.data == {"device": "Firefox on Linux", "ip_address": "203.0.113.7"}
    assert notification.in_inbox is True
    assert notification.critical is False
    # push is a default channel, but the user has no device: no push row at all
    assert _deliveries(notification) == [("email", "sent"), ("in_app", "sent")]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.test"]
    assert mail.outbox[0].subject == "Sign-in from a new device"
    assert mail.outbox[0].body == notification.body
    email_delivery = Delivery.objects.get(notification=notification, channel=Channel.EMAIL)
    assert email_delivery.attempts == 1
    assert email_delivery.sent_at is not None
    assert email_delivery.next_attempt_at is None


def test_notify_publishes_the_live_badge_event_to_the_recipient_only(
    django_capture_on_commit_callbacks, published
):
    user = UserFactory(language="en")
    NotificationPreferenceFactory(user=user, topic="system.test", channel=Channel.EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(user, "system.test", {})
        second = notify(user, "system.test", {})

    assert [groups for _, groups in published] == [[f"user.{user.pk}"], [f"user.{user.pk}"]]
    assert_envelope(
        published[1][0],
        type="notifications.notification_created",
        data={
            "id": str(second.pk),
            "topic": "system.test",
            "title": "Test notification",
            "critical": False,
            "unread_count": 2,
        },
    )
    assert published[0][0].data["id"] == str(first.pk)
    assert published[0][0].data["unread_count"] == 1


def test_disabled_channel_sends_nothing(
    django_capture_on_commit_callbacks, http, fcm_on, published
):
    # given: e-mail and push are default channels of the topic; the user turned both off
    user = UserFactory(language="en")
    PushDeviceFactory(user=user)
    NotificationPreferenceFactory(user=user, topic="accounts.new_device_login", channel="email")
    NotificationPreferenceFactory(user=user, topic="accounts.new_device_login", channel="push")
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notify(user, "accounts.new_device_login", {"device": "x", "ip_address": "y"})
    # then
    assert _deliveries(notification) == [("in_app", "sent")]
    assert mail.outbox == []
    assert len(http.calls) == 0
    assert len(callbacks) == 0  # no task enqueued (publishing is recorded by the fixture)


def test_vendor_switched_off_skips_push_without_any_request(
    django_capture_on_commit_callbacks, http, published
):
    user = UserFactory(language="en")
    device = PushDeviceFactory(user=user)
    NotificationPreferenceFactory(user=user, topic="system.test", channel="email")
    NotificationPreferenceFactory(user=user, topic="system.test", channel="sms")

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, "system.test", {})

    push = Delivery.objects.get(notification=notification, channel=Channel.PUSH)
    assert push.status == DeliveryStatus.SKIPPED
    assert push.target == str(device.pk)
    assert push.provider_response == {"reason": "fcm_disabled"}
    assert push.attempts == 0
    assert len(http.calls) == 0


def test_in_app_turned_off_keeps_the_notification_out_of_the_inbox(
    django_capture_on_commit_callbacks, published
):
    user = UserFactory(language="en")
    NotificationPreferenceFactory(user=user, topic="accounts.password_changed", channel="in_app")

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, "accounts.password_changed", {})

    notification.refresh_from_db()
    assert notification.in_inbox is False
    assert _deliveries(notification) == [("email", "sent")]
    assert published == []
    assert len(mail.outbox) == 1


def test_user_can_opt_in_to_a_channel_that_is_not_a_default(
    django_capture_on_commit_callbacks, published, capsys
):
    user = UserFactory(language="en", phone_number="+79991234567")
    NotificationPreferenceFactory(
        user=user, topic="accounts.password_changed", channel="sms", enabled=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, "accounts.password_changed", {})

    assert _deliveries(notification) == [("email", "sent"), ("in_app", "sent"), ("sms", "sent")]
    assert "SMS to +799******67" in capsys.readouterr().out


def test_sms_without_a_phone_number_is_logged_as_skipped(
    django_capture_on_commit_callbacks, published
):
    user = UserFactory(language="en", phone_number=None)
    NotificationPreferenceFactory(user=user, topic="system.test", channel="email")

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, "system.test", {})

    sms = Delivery.objects.get(notification=notification, channel=Channel.SMS)
    assert (sms.status, sms.provider_response, sms.attempts) == (
        DeliveryStatus.SKIPPED,
        {"reason": "no_address"},
        0,
    )


def test_inactive_user_gets_only_the_inbox_entry(django_capture_on_commit_callbacks, published):
    user = UserFactory(language="en", status="BANNED")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, "system.test", {})
    assert _deliveries(notification) == [("in_app", "sent")]
    assert mail.outbox == []


def test_critical_is_refused_for_a_topic_that_does_not_allow_it():
    user = UserFactory()
    with pytest.raises(ValueError, match="does not allow critical"):
        notify(user, "accounts.password_changed", {}, critical=True)
    assert Notification.objects.count() == 0


def test_critical_ignores_opt_outs(django_capture_on_commit_callbacks, published):
    user = UserFactory(language="en")
    NotificationPreferenceFactory(user=user, topic="system.test", channel="email")
    NotificationPreferenceFactory(user=user, topic="system.test", channel="in_app")

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, "system.test", {}, critical=True)

    assert notification.in_inbox is True
    assert ("email", "sent") in _deliveries(notification)
    assert len(mail.outbox) == 1


# --- quiet hours ---------------------------------------------------------------------------
# 23:30 in Moscow (UTC+3) is 20:30 UTC; quiet hours 22:00–07:00 end at 04:00 UTC next day.
NIGHT_IN_MOSCOW = datetime(2026, 3, 10, 20, 30, tzinfo=UTC)
MORNING_IN_MOSCOW = datetime(2026, 3, 11, 4, 0, tzinfo=UTC)


def _night_owl():
    user = UserFactory(language="en", time_zone="Europe/Moscow", phone_number="+79990000001")
    QuietHoursFactory(user=user, start=time(22, 0), end=time(7, 0))
    PushDeviceFactory(user=user, token="night-owl-token")
    return user


def _fcm_ok(http):
    http.post(FCM_URL, json={"name": "projects/lifeline-test/messages/1"}, status=200)


def test_quiet_hours_defer_push_and_sms_but_not_email(
    django_capture_on_commit_callbacks, http, fcm_on, published, capsys
):
    # given
    user = _night_owl()
    _fcm_ok(http)
    # when
    with (
        time_machine.travel(NIGHT_IN_MOSCOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = notify(user, "system.test", {})
    # then: e-mail went out; push and SMS wait for the end of the quiet hours
    assert _deliveries(notification) == [
        ("email", "sent"),
        ("in_app", "sent"),
        ("push", "queued"),
        ("sms", "queued"),
    ]
    waiting = Delivery.objects.filter(notification=notification, status=DeliveryStatus.QUEUED)
    assert {d.next_attempt_at for d in waiting} == {MORNING_IN_MOSCOW}
    assert {d.attempts for d in waiting} == {0}
    assert len(http.calls) == 0
    assert "SMS to" not in capsys.readouterr().out

    # and nothing is picked up a minute before the end
    with (
        time_machine.travel(datetime(2026, 3, 11, 3, 59, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert delivery_enqueue_due() == 0

    # when the quiet hours are over, the sweep sends them
    with (
        time_machine.travel(MORNING_IN_MOSCOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert delivery_enqueue_due() == 2
    assert _deliveries(notification) == [
        ("email", "sent"),
        ("in_app", "sent"),
        ("push", "sent"),
        ("sms", "sent"),
    ]
    assert len(http.calls) == 1
    assert "SMS to +799******01" in capsys.readouterr().out


def test_critical_bypasses_quiet_hours(django_capture_on_commit_callbacks, http, fcm_on, published):
    user = _night_owl()
    _fcm_ok(http)

    with (
        time_machine.travel(NIGHT_IN_MOSCOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = notify(user, "system.test", {}, critical=True)

    assert _deliveries(notification) == [
        ("email", "sent"),
        ("in_app", "sent"),
        ("push", "sent"),
        ("sms", "sent"),
    ]
    assert len(http.calls) == 1
    assert json.loads(http.calls[0].request.body)["message"]["android"] == {"priority": "high"}


def test_outside_quiet_hours_push_goes_at_once(
    django_capture_on_commit_callbacks, http, fcm_on, published
):
    user = _night_owl()
    _fcm_ok(http)

    with (
        time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = notify(user, "system.test", {})

    assert ("push", "sent") in _deliveries(notification)
    assert len(http.calls) == 1
