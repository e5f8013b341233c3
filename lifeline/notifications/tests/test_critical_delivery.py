"""Critical deliveries survive a dead worker within seconds, and a delivery whose subject is
over is not sent (issue 15, finding 10: an SOS push stuck in "sending" went out only after
the 10-minute sweep, when its SOS had already escalated)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone

from lifeline.notifications.delivery import delivery_enqueue_due, delivery_send
from lifeline.notifications.enums import Channel, DeliveryStatus
from lifeline.notifications.models import Delivery
from lifeline.notifications.services import notify
from lifeline.notifications.tests.conftest import FCM_URL
from lifeline.notifications.tests.factories import (
    NotificationPreferenceFactory,
    PushDeviceFactory,
)
from lifeline.notifications.topics import register_topic, unregister_topic

pytestmark = pytest.mark.django_db

MESSAGE = {"name": "projects/lifeline-test/messages/1"}


@pytest.fixture
def subject_open() -> Iterator[dict[str, bool]]:
    """A critical topic whose subject the test opens and closes."""
    state = {"open": True}
    register_topic(
        "tests.urgent",
        title="Urgent",
        default_channels=[Channel.IN_APP, Channel.PUSH],
        critical_allowed=True,
        template_dir="notifications/topics/system.test",
        is_current=lambda data: state["open"] and data.get("subject") == "s-1",
    )
    yield state
    unregister_topic("tests.urgent")


def _urgent_push(subject: str = "s-1") -> Delivery:
    device = PushDeviceFactory()
    for channel in ("email", "sms"):
        NotificationPreferenceFactory(
            user=device.user, topic="tests.urgent", channel=channel, enabled=False
        )
    notify(device.user, "tests.urgent", {"subject": subject}, critical=True)
    return Delivery.objects.get(channel=Channel.PUSH)


def _sweep_at(moment: Any) -> int:
    with time_machine.travel(moment, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        return delivery_enqueue_due()


def test_a_critical_delivery_waits_seconds_not_minutes_for_its_message(
    subject_open: dict[str, bool], http: Any, fcm_on: Any
) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        delivery = _urgent_push()  # its queue message is lost (never run here)
    assert (delivery.status, delivery.next_attempt_at) == (
        DeliveryStatus.QUEUED,
        now + timedelta(seconds=10),
    )
    http.post(FCM_URL, json=MESSAGE)

    assert _sweep_at(now + timedelta(seconds=9)) == 0
    assert _sweep_at(now + timedelta(seconds=10)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert len(http.calls) == 1


def test_a_critical_delivery_left_sending_by_a_dead_worker_is_sent_after_30_s(
    subject_open: dict[str, bool], http: Any, fcm_on: Any
) -> None:
    delivery = _urgent_push()
    claimed_at = timezone.now()
    # The worker claims the row and dies before the provider answers: the claim is all
    # that happened (the provider below is never reached by this run).
    http.post(FCM_URL, body=ConnectionError("worker killed"))
    with time_machine.travel(claimed_at, tick=False):
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENDING,
            attempts=1,
            next_attempt_at=claimed_at + timedelta(seconds=30),
        )
    http.reset()
    http.post(FCM_URL, json=MESSAGE)

    assert _sweep_at(claimed_at + timedelta(seconds=29)) == 0
    assert _sweep_at(claimed_at + timedelta(seconds=30)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_the_worker_claims_a_critical_delivery_for_30_s_only(
    subject_open: dict[str, bool], http: Any, fcm_on: Any
) -> None:
    delivery = _urgent_push()
    now = timezone.now()
    seen: list[tuple[str, Any]] = []

    def provider(request: Any) -> tuple[int, dict[str, str], str]:
        # What a sweep would find if this worker died now.
        seen.append(
            Delivery.objects.filter(pk=delivery.pk).values_list("status", "next_attempt_at")[0]
        )
        return 200, {}, '{"name": "projects/lifeline-test/messages/1"}'

    http.add_callback("POST", FCM_URL, callback=provider)
    with time_machine.travel(now, tick=False):
        delivery_send(delivery_id=delivery.pk, critical=True)

    assert seen == [(DeliveryStatus.SENDING, now + timedelta(seconds=30))]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_a_delivery_whose_subject_is_over_is_skipped_not_sent(
    subject_open: dict[str, bool], http: Any, fcm_on: Any
) -> None:
    delivery = _urgent_push()
    subject_open["open"] = False  # the SOS was accepted or closed meanwhile

    delivery_send(delivery_id=delivery.pk, critical=True)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_response) == (
        DeliveryStatus.SKIPPED,
        {"reason": "subject_closed"},
    )
    assert len(http.calls) == 0
