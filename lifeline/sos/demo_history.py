"""Demo data: the demo wearer's SOS history, one event in every status, with timelines.

Called at the end of `sos.demo.seed` (after the watch, the emergency contact and the helper
on duty). Each event is driven through the services with `now=` in the past — trigger, a
helper round, then accept / decline / resolve / cancel / escalate — so statuses, helper
alerts, timeline entries, contact messages and audit are what the product writes. The rows
whose timestamps the services take from `timezone.now()` or a model default (the event's
`created_at`, timeline `at`, alert and contact-message times) are moved to the event's time
afterwards, and the past events' contact messages are marked sent at that time (not sent
again now).

The NEW event is triggered at seeding time and left to the product: its helper round runs
here, and in a running `serve --demo` the sweep escalates it if nobody accepts it within the
escalation time (5 minutes by default). Idempotent: an event is looked up by its idempotency
key and skipped if it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import F
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.sos.enums import DetectedType, TriggerSource
from lifeline.sos.models import ContactNotice, Device, HelperAlert, SosEvent, TimelineEntry
from lifeline.sos.services.escalation import event_escalate
from lifeline.sos.services.events import (
    event_accept,
    event_cancel,
    event_decline,
    event_resolve,
    event_trigger,
)
from lifeline.sos.services.helpers import helpers_alert_round

if TYPE_CHECKING:
    from lifeline.accounts.models import User
    from lifeline.core.demo import DemoContext

T = TypeVar("T")

DEMO_DEVICE_UID = "DEMO-WATCH-0001"
# Around the centre of the demo (Tashkent, as in `sos.demo`).
_CENTRE = (41.311081, 69.240562)


def _at(event_id: Any, moment: datetime, call: Callable[[], T]) -> T:
    """Run one service call and move the rows it stamped with now() to `moment`."""
    mark = timezone.now()
    result = call()
    TimelineEntry.objects.filter(event_id=event_id, at__gte=mark).update(at=moment)
    HelperAlert.objects.filter(event_id=event_id, created_at__gte=mark).update(
        created_at=moment, updated_at=moment
    )
    ContactNotice.objects.filter(event_id=event_id, created_at__gte=mark).update(
        created_at=moment, next_attempt_at=moment
    )
    return result


def _trigger(
    *, device: Device, key: str, at: datetime, where: tuple[float, float], kind: str, severity: int
) -> SosEvent | None:
    """Trigger the event `key` at `at` and run its first helper round; None if it exists."""
    if SosEvent.objects.filter(user=device.owner, idempotency_key=key).exists():
        return None
    mark = timezone.now()
    event = event_trigger(
        device=device,
        lat=where[0],
        lon=where[1],
        detected_type=kind,
        severity=severity,
        timestamp=at,
        source=TriggerSource.DEVICE_TOKEN,
        idempotency_key=key,
        now=at,
    ).event
    SosEvent.objects.filter(pk=event.pk).update(created_at=at)
    TimelineEntry.objects.filter(event=event, at__gte=mark).update(at=at)
    ContactNotice.objects.filter(event=event, created_at__gte=mark).update(
        created_at=at, next_attempt_at=at
    )
    event.created_at = at
    round_at = min(at + timedelta(seconds=3), timezone.now())
    _at(event.pk, round_at, lambda: helpers_alert_round(event_id=event.pk, now=round_at))
    event.refresh_from_db()
    return event


def _finish(event: SosEvent, last: datetime) -> None:
    """Date the event's last change; its contact messages went out at the time (the fast
    path sends within seconds), so they are marked sent rather than sent again now."""
    ContactNotice.objects.filter(event=event, sent_at__isnull=True).update(
        sent_at=F("created_at") + timedelta(seconds=4), attempts=1, next_attempt_at=None
    )
    SosEvent.objects.filter(pk=event.pk).update(updated_at=last)


def _resolved(device: Device, helper: User, now: datetime) -> None:
    """Within the 30 days of the statistics page: it has a time to accept and to resolve."""
    at = now - timedelta(days=19, hours=2, minutes=17)
    event = _trigger(
        device=device,
        key="demo-history-resolved",
        at=at,
        where=(_CENTRE[0] + 0.0021, _CENTRE[1] - 0.0034),
        kind=DetectedType.FALL_DETECTED,
        severity=4,
    )
    if event is None:
        return
    accepted = at + timedelta(seconds=84)
    _at(event.pk, accepted, lambda: event_accept(event=event, actor=helper, now=accepted))
    resolved = at + timedelta(minutes=23)
    outcome = "Helped him up after a fall at home; no injury; his daughter came over."
    _at(
        event.pk,
        resolved,
        lambda: event_resolve(event=event, actor=helper, outcome=outcome, now=resolved),
    )
    _finish(event, resolved)


def _cancelled(device: Device, now: datetime) -> None:
    at = now - timedelta(days=9, hours=5, minutes=41)
    event = _trigger(
        device=device,
        key="demo-history-cancelled",
        at=at,
        where=(_CENTRE[0] - 0.0052, _CENTRE[1] + 0.0047),
        kind=DetectedType.MANUAL_TRIGGER,
        severity=3,
    )
    if event is None:
        return
    cancelled = at + timedelta(seconds=37)
    wearer = device.owner
    _at(
        event.pk,
        cancelled,
        lambda: event_cancel(
            event=event, actor=wearer, reason="Pressed the button by mistake.", now=cancelled
        ),
    )
    _finish(event, cancelled)


def _escalated(device: Device, helper: User, now: datetime) -> None:
    """Nobody accepted in time: the helper declined, the deadline sweep escalated it."""
    at = now - timedelta(hours=2, minutes=48)
    event = _trigger(
        device=device,
        key="demo-history-escalated",
        at=at,
        where=(_CENTRE[0] + 0.0113, _CENTRE[1] + 0.0158),
        kind=DetectedType.FALL_DETECTED,
        severity=5,
    )
    if event is None:
        return
    declined = at + timedelta(seconds=51)
    _at(event.pk, declined, lambda: event_decline(event=event, actor=helper, now=declined))
    escalated = event.escalate_at or at + timedelta(minutes=5)
    _at(
        event.pk,
        escalated,
        lambda: event_escalate(event_id=event.pk, now=escalated, deadline=True),
    )
    _finish(event, escalated)


def _accepted(device: Device, helper: User, now: datetime) -> None:
    at = now - timedelta(minutes=26)
    event = _trigger(
        device=device,
        key="demo-history-accepted",
        at=at,
        where=(_CENTRE[0] + 0.0007, _CENTRE[1] + 0.0012),
        kind=DetectedType.MANUAL_TRIGGER,
        severity=4,
    )
    if event is None:
        return
    accepted = at + timedelta(seconds=66)
    _at(event.pk, accepted, lambda: event_accept(event=event, actor=helper, now=accepted))
    _finish(event, accepted)


def _new(device: Device, now: datetime) -> None:
    """Just triggered: the helper round has run; nobody has answered yet."""
    _trigger(
        device=device,
        key="demo-history-new",
        at=now,
        where=(_CENTRE[0] - 0.0018, _CENTRE[1] - 0.0009),
        kind=DetectedType.FALL_DETECTED,
        severity=4,
    )


def seed_history(ctx: DemoContext) -> None:
    helper = ctx.users.get(Role.HELPER)
    device = (
        Device.objects.select_related("owner", "organization")
        .filter(device_uid=DEMO_DEVICE_UID)
        .first()
    )
    if device is None or helper is None or device.owner_id == helper.pk:
        return
    now = timezone.now()
    _resolved(device, helper, now)
    _cancelled(device, now)
    _escalated(device, helper, now)
    _accepted(device, helper, now)
    _new(device, now)
    ctx.write("sos: demo SOS history (new, accepted, escalated, resolved, cancelled)")
