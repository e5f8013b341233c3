"""An SOS does not depend on one broker message: its round, escalation and contact messages
are deadlines on its rows, and the `sos.run_due` sweep runs whatever a lost message or a
killed worker left behind, exactly once per helper (issue 15, finding 9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from lifeline.notifications.models import Delivery, Notification
from lifeline.sos.enums import EventStatus
from lifeline.sos.models import ContactNotice, HelperAlert, SosEvent, TimelineEntry
from lifeline.sos.services.deadlines import deadlines_run_due
from lifeline.sos.services.events import event_accept, event_cancel, event_trigger, event_withdraw
from lifeline.sos.services.helpers import helpers_alert_round
from lifeline.sos.tests.factories import TASHKENT, EmergencyContactFactory, helper_at, offset

pytestmark = pytest.mark.django_db


def trigger(device: Any, now: Any) -> SosEvent:
    """A trigger whose on-commit work (the round's task, the contact SMS task) is lost, as
    when the worker that fetched those messages is killed: the test does not run them."""
    return event_trigger(
        device=device,
        lat=TASHKENT[0],
        lon=TASHKENT[1],
        detected_type="FALL_DETECTED",
        severity=4,
        timestamp=now,
        now=now,
    ).event


def kinds(event: SosEvent) -> list[str]:
    return list(TimelineEntry.objects.filter(event=event).values_list("kind", flat=True))


def test_a_round_whose_task_was_lost_is_run_by_the_sweep_once(org: Any, device: Any) -> None:
    helpers = [helper_at(org, *offset(*TASHKENT, north_m=200 * (i + 1))) for i in range(3)]
    now = timezone.now()
    event = trigger(device, now)
    assert HelperAlert.objects.count() == 0

    # Within the grace the fast path may still come: the sweep leaves the round alone.
    assert deadlines_run_due(now=now + timedelta(seconds=4))["rounds"] == 0
    assert deadlines_run_due(now=now + timedelta(seconds=5)) == {
        "rounds": 1,
        "alerts": 3,
        "escalated": 0,
        "sent": 0,
    }
    assert sorted(HelperAlert.objects.values_list("helper_id", flat=True)) == sorted(
        h.pk for h in helpers
    )
    assert kinds(event) == ["created", "helpers_alerted"]
    assert Notification.objects.filter(topic="sos.helper_alert", critical=True).count() == 3
    event.refresh_from_db()
    assert (event.round_no, event.next_round_step) == (1, 1)
    assert event.next_round_at == now + timedelta(seconds=5 + 60)

    # The lost message delivered late, a second sweep and a duplicate: nothing twice.
    assert helpers_alert_round(event_id=event.pk, round_no=0) == []
    assert deadlines_run_due(now=now + timedelta(seconds=6))["rounds"] == 0
    assert HelperAlert.objects.count() == 3
    assert Notification.objects.filter(topic="sos.helper_alert").count() == 3
    assert kinds(event) == ["created", "helpers_alerted"]


def test_a_round_that_dies_midway_stays_due_and_runs_later(org: Any, device: Any) -> None:
    helper = helper_at(org, *offset(*TASHKENT, north_m=300))
    now = timezone.now()
    event = trigger(device, now)

    # The worker dies while notifying (here: an error at the same point); the round's
    # transaction is rolled back, so its deadline is still there.
    with (
        mock.patch("lifeline.sos.services.helpers.notify_many", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        helpers_alert_round(event_id=event.pk, round_no=0, now=now)
    event.refresh_from_db()
    assert (event.round_no, event.next_round_at) == (0, now + timedelta(seconds=5))
    assert HelperAlert.objects.count() == 0

    deadlines_run_due(now=now + timedelta(seconds=5))
    assert list(HelperAlert.objects.values_list("helper_id", flat=True)) == [helper.pk]
    assert Delivery.objects.filter(notification__recipient=helper).exists()


def test_closed_and_escalated_events_stop_searching(org: Any, device: Any, sos_admin: Any) -> None:
    helper_at(org, *offset(*TASHKENT, north_m=300))
    now = timezone.now()
    cancelled = trigger(device, now)
    event_cancel(event=cancelled, actor=cancelled.user)
    cancelled.refresh_from_db()
    assert (cancelled.next_round_at, cancelled.escalate_at) == (None, None)

    escalated = SosEvent.objects.create(
        device=device,
        user=device.owner,
        organization=org,
        lat=TASHKENT[0],
        lon=TASHKENT[1],
        detected_type="OTHER",
        severity=2,
        timestamp=now,
        source="api",
        next_round_at=now,
        escalate_at=now,
    )
    with mock.patch("lifeline.sos.services.flows.event_hand_over_to_dispatch"):
        result = deadlines_run_due(now=now + timedelta(seconds=1))
    # Rounds run first, then the escalation; later sweeps never widen an escalated event.
    assert (result["rounds"], result["escalated"]) == (1, 1)
    escalated.refresh_from_db()
    radius = escalated.radius_m
    assert (escalated.status, escalated.next_round_at, escalated.escalate_at) == (
        EventStatus.ESCALATED,
        None,
        None,
    )
    for seconds in (61, 121, 600):
        deadlines_run_due(now=now + timedelta(seconds=seconds))
    escalated.refresh_from_db()
    assert escalated.radius_m == radius
    assert helpers_alert_round(event_id=escalated.pk) == []
    assert HelperAlert.objects.filter(event=cancelled).count() == 0


def test_a_withdrawal_asks_for_a_new_round_and_restarts_the_escalation(
    org: Any, device: Any
) -> None:
    helper = helper_at(org, *offset(*TASHKENT, north_m=300))
    now = timezone.now()
    event = trigger(device, now)
    helpers_alert_round(event_id=event.pk, round_no=0, now=now)
    event_accept(event=event, actor=helper, now=now)
    later = now + timedelta(seconds=30)
    event_withdraw(event=event, actor=helper, now=later)

    event.refresh_from_db()
    assert event.status == EventStatus.NEW
    assert (event.round_no, event.next_round_step) == (1, event.radius_step)
    assert event.next_round_at == later + timedelta(seconds=5)
    assert event.escalate_at == later + timedelta(seconds=300)


def test_contact_messages_lost_or_failed_are_sent_by_the_sweep(
    org: Any, device: Any, wearer: Any
) -> None:
    # The reference (and session 5) sent the "created" SMS only at escalation, 50 s late.
    contact = EmergencyContactFactory(owner=wearer)
    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now):
        trigger(device, now)
    SosEvent.objects.update(escalate_at=None)  # only the "created" message in this test
    notice = ContactNotice.objects.get(contact=contact)
    assert (notice.sent_at, notice.next_attempt_at) == (None, now + timedelta(seconds=5))

    provider = mock.Mock()
    provider.send.side_effect = [ConnectionError("down"), None]
    # The provider behind notifications.services.sms_send (the SMS of emergency contacts).
    with mock.patch("lifeline.notifications.integrations.sms.get_provider", return_value=provider):
        assert deadlines_run_due(now=now + timedelta(seconds=4))["sent"] == 0
        failed_at = now + timedelta(seconds=5)
        with mock.patch("django.utils.timezone.now", return_value=failed_at):
            assert deadlines_run_due(now=failed_at)["sent"] == 0
        notice.refresh_from_db()
        assert (notice.attempts, notice.error, notice.sent_at) == (1, "ConnectionError", None)
        assert notice.next_attempt_at == failed_at + timedelta(seconds=30)
        assert deadlines_run_due(now=failed_at + timedelta(seconds=29))["sent"] == 0
        assert deadlines_run_due(now=failed_at + timedelta(seconds=30))["sent"] == 1
        assert deadlines_run_due(now=failed_at + timedelta(seconds=600))["sent"] == 0

    notice.refresh_from_db()
    assert (notice.attempts, notice.error, notice.next_attempt_at) == (2, "", None)
    assert notice.sent_at is not None
    assert provider.send.call_count == 2
    assert provider.send.call_args.kwargs["to"] == contact.phone_number


def test_a_contact_message_is_tried_at_most_max_attempts_times(
    org: Any, device: Any, wearer: Any
) -> None:
    EmergencyContactFactory(owner=wearer)
    now = timezone.now()
    trigger(device, now)
    SosEvent.objects.update(escalate_at=None)  # only the "created" message in this test
    provider = mock.Mock()
    provider.send.side_effect = ConnectionError("down")
    # The provider behind notifications.services.sms_send (the SMS of emergency contacts).
    with mock.patch("lifeline.notifications.integrations.sms.get_provider", return_value=provider):
        for hours in range(1, 10):
            deadlines_run_due(now=now + timedelta(hours=hours))
    assert provider.send.call_count == 5
    assert ContactNotice.objects.get().attempts == 5


def test_helper_alert_pushes_are_current_only_while_the_sos_waits_for_a_helper(
    org: Any, device: Any
) -> None:
    from lifeline.notifications.topics import get_topic

    helper = helper_at(org, *offset(*TASHKENT, north_m=300))
    event = trigger(device, timezone.now())
    is_current = get_topic("sos.helper_alert").is_current
    escalated = get_topic("sos.event_escalated").is_current
    assert is_current is not None
    assert escalated is not None
    data = {"event_uid": str(event.pk)}

    assert (is_current(data), escalated(data)) == (True, False)
    helpers_alert_round(event_id=event.pk)
    event_accept(event=event, actor=helper)
    assert (is_current(data), escalated(data)) == (False, False)
    assert is_current({"event_uid": "not-a-uuid"}) is False
    assert is_current({}) is False
