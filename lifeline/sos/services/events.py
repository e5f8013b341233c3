"""The life of an SOS event: trigger (with dedup), accept, decline, withdraw, cancel, resolve.

Escalation is in `escalation`, the helper rounds in `helpers`. Every transition takes the
event's row lock, records a timeline entry and an audit record, and publishes after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.audit.services import record
from lifeline.core.tasks import enqueue_on_commit
from lifeline.notifications.services import notify, notify_many
from lifeline.realtime.events import publish_on_commit
from lifeline.sos import conf, events, geo, metrics, selectors
from lifeline.sos.enums import (
    ACCEPTABLE_STATUSES,
    OPEN_STATUSES,
    AlertStatus,
    EventStatus,
    TimelineKind,
    TriggerSource,
)
from lifeline.sos.exceptions import (
    AlreadyAccepted,
    EventClosed,
    NotAccepted,
    OwnEventAccept,
    ReasonRequired,
    SosForbidden,
)
from lifeline.sos.models import Device, HelperAlert, SosEvent, WearerState
from lifeline.sos.permissions import can_admin_event
from lifeline.sos.services.contacts import contact_notices_queue
from lifeline.sos.services.devices import device_join_sos_service
from lifeline.sos.services.timeline import timeline_add

if TYPE_CHECKING:
    from lifeline.accounts.models import User


@dataclass(frozen=True)
class TriggerResult:
    event: SosEvent
    created: bool


def event_publish(event: SosEvent, kind: str, *, helper_ids: list[Any] | None = None) -> None:
    """Publish `sos.event_<kind>` to the event's audience after commit."""
    publish_on_commit(
        events.sos_event(event, kind), groups=events.audience(event, helper_ids=helper_ids)
    )


def _round_retry(now: datetime) -> datetime:
    return now + timedelta(seconds=int(conf.get("ROUND_RETRY_SECONDS")))


def _event_round_ask(event: SosEvent, *, step: int, now: datetime) -> None:
    """Make a helper round at radius `step` due now: its deadline is stored on the event
    (saved by the caller) and the `sos.alert_helpers` task runs it at commit. If that
    message or its worker is lost, `sos.run_due` runs the round at the deadline."""
    event.next_round_at = _round_retry(now)
    event.next_round_step = step
    enqueue_on_commit(
        "sos.alert_helpers", kwargs={"event_id": str(event.pk), "round_no": event.round_no}
    )


def event_deadlines_stop(event: SosEvent) -> list[str]:
    """Stop the search and the escalation of `event`; return the fields to save."""
    event.next_round_at = None
    event.escalate_at = None
    return ["next_round_at", "escalate_at"]


def event_trigger(
    *,
    device: Device,
    lat: float,
    lon: float,
    detected_type: str,
    severity: int,
    timestamp: datetime,
    altitude: float | None = None,
    raw_payload: Any = None,
    source: str = TriggerSource.API,
    idempotency_key: str | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> TriggerResult:
    """Create an SOS for the owner of `device`, or join their open one (dedup).

    Dedup: an open event of the same person (any of their devices) last triggered within
    DEDUP_WINDOW_SECONDS (sliding) and within DEDUP_DISTANCE_M is joined; an
    `idempotency_key` already used by the person returns its event. Concurrent triggers of
    one person are serialized by updating their `WearerState` row first (a row lock on
    PostgreSQL, the write lock on SQLite); the key is also unique in the database.
    """
    now = now or timezone.now()
    wearer = device.owner
    WearerState.objects.get_or_create(user=wearer)
    with transaction.atomic():
        WearerState.objects.filter(user=wearer).update(last_trigger_at=now)
        if idempotency_key:
            existing = SosEvent.objects.filter(user=wearer, idempotency_key=idempotency_key).first()
            if existing is not None:
                metrics.duplicates.labels(reason="idempotency_key").inc()
                return TriggerResult(event=existing, created=False)
        window_start = now - timedelta(seconds=int(conf.get("DEDUP_WINDOW_SECONDS")))
        max_distance = float(conf.get("DEDUP_DISTANCE_M"))
        candidates = SosEvent.objects.filter(
            user=wearer, status__in=OPEN_STATUSES, last_trigger_at__gte=window_start
        ).order_by("-last_trigger_at")
        for candidate in candidates:
            distance = geo.haversine_m(candidate.lat, candidate.lon, lat, lon)
            if distance <= max_distance:
                SosEvent.objects.filter(pk=candidate.pk).update(
                    last_trigger_at=now, trigger_count=F("trigger_count") + 1
                )
                timeline_add(
                    candidate,
                    TimelineKind.DUPLICATE,
                    actor=actor,
                    data={"source": source, "distance_m": round(distance)},
                )
                metrics.duplicates.labels(reason="window").inc()
                candidate.refresh_from_db()
                return TriggerResult(event=candidate, created=False)
        if device.organization_id is None:  # registered before the default service existed
            device_join_sos_service(device=device)
        settings = selectors.settings_for(device.organization)
        event = SosEvent.objects.create(
            organization_id=device.organization_id,
            device=device,
            user=wearer,
            lat=lat,
            lon=lon,
            altitude=altitude,
            detected_type=detected_type,
            severity=severity,
            timestamp=timestamp,
            last_trigger_at=now,
            raw_payload=raw_payload,
            source=source,
            idempotency_key=idempotency_key or None,
            next_round_at=_round_retry(now),
            next_round_step=0,
            escalate_at=now + timedelta(seconds=settings.escalation_seconds),
        )
        timeline_add(event, TimelineKind.CREATED, actor=actor, data={"source": source})
        record(
            actor=actor or wearer,
            action="sos.event_created",
            target=event,
            metadata={"source": source, "device_uid": device.device_uid},
        )
        # Helpers first: on-commit work runs in the order it was queued, and the first push
        # to a helper is the one the wearer is waiting for (benchmarks/sos_push.py).
        enqueue_on_commit("sos.alert_helpers", kwargs={"event_id": str(event.pk), "round_no": 0})
        event_publish(event, "created")
        contact_notices_queue(event=event, kind=TimelineKind.CREATED)
        transaction.on_commit(lambda: metrics.events_created.labels(source=source).inc())
    return TriggerResult(event=event, created=True)


def event_lock(event: SosEvent) -> SosEvent:
    """`event` reloaded under its row lock (inside the caller's transaction)."""
    return (
        SosEvent.objects.select_for_update(of=("self",))
        .select_related("user", "device", "organization", "accepted_by")
        .get(pk=event.pk)
    )


def event_accept(*, event: SosEvent, actor: User, now: datetime | None = None) -> SosEvent:
    """First accept wins under a row lock; later accepts get 409, the wearer gets 403."""
    now = now or timezone.now()
    if event.user_id == actor.pk:
        raise OwnEventAccept()
    with transaction.atomic():
        event = event_lock(event)
        alert = HelperAlert.objects.filter(event=event, helper=actor).first()
        if alert is None and not can_admin_event(actor, event):
            raise SosForbidden()
        if event.status == EventStatus.ACCEPTED:
            if event.accepted_by_id == actor.pk:
                return event
            raise AlreadyAccepted()
        if event.status not in ACCEPTABLE_STATUSES:
            raise EventClosed()
        event.status = EventStatus.ACCEPTED
        event.accepted_by = actor
        event.accepted_at = now
        first = event.first_accepted_at is None
        if first:
            event.first_accepted_at = now
        event.save(
            update_fields=[
                "status",
                "accepted_by",
                "accepted_at",
                "first_accepted_at",
                "updated_at",
                *event_deadlines_stop(event),
            ]
        )
        if alert is not None:
            HelperAlert.objects.filter(pk=alert.pk).update(
                status=AlertStatus.ACCEPTED, responded_at=now
            )
        others = list(
            HelperAlert.objects.filter(event=event, status=AlertStatus.SENT)
            .exclude(helper=actor)
            .select_related("helper")
        )
        HelperAlert.objects.filter(pk__in=[a.pk for a in others]).update(status=AlertStatus.TAKEN)
        timeline_add(event, TimelineKind.ACCEPTED, actor=actor)
        record(actor=actor, action="sos.event_accepted", target=event)
        notify(
            event.user,
            "sos.help_on_way",
            {
                "event_uid": str(event.pk),
                "helper_name": actor.display_name,
                "helper_phone": str(actor.phone_number or ""),
            },
            critical=True,
        )
        notify_many(
            [other.helper for other in others],
            "sos.alert_taken",
            [{"event_uid": str(event.pk)}] * len(others),
        )
        contact_notices_queue(event=event, kind=TimelineKind.ACCEPTED)
        event_publish(event, "accepted", helper_ids=[actor.pk])
        if first:
            seconds = (now - event.created_at).total_seconds()
            transaction.on_commit(lambda: metrics.time_to_accept.observe(max(seconds, 0)))
    return event


def event_decline(*, event: SosEvent, actor: User, now: datetime | None = None) -> HelperAlert:
    now = now or timezone.now()
    if event.user_id == actor.pk:
        raise OwnEventAccept()
    with transaction.atomic():
        alert = HelperAlert.objects.select_for_update().filter(event=event, helper=actor).first()
        if alert is None:
            raise SosForbidden()
        if not event.is_open:
            raise EventClosed()
        if alert.status == AlertStatus.ACCEPTED:
            raise NotAccepted(_("Withdraw instead of declining an accepted SOS."))
        alert.status = AlertStatus.DECLINED
        alert.responded_at = now
        alert.save(update_fields=["status", "responded_at", "updated_at"])
        timeline_add(event, TimelineKind.DECLINED, actor=actor)
    return alert


def event_withdraw(*, event: SosEvent, actor: User, now: datetime | None = None) -> SosEvent:
    """The accepting helper drops out: the event is NEW again and the search goes on."""
    now = now or timezone.now()
    with transaction.atomic():
        event = event_lock(event)
        if event.status != EventStatus.ACCEPTED or event.accepted_by_id != actor.pk:
            if not event.is_open:
                raise EventClosed()
            raise NotAccepted()
        settings = selectors.settings_for(event.organization)
        event.status = EventStatus.NEW
        event.accepted_by = None
        event.accepted_at = None
        # The search goes on at the current radius, and the escalation clock restarts.
        event.escalate_at = now + timedelta(seconds=settings.escalation_seconds)
        _event_round_ask(event, step=event.radius_step, now=now)
        event.save(
            update_fields=[
                "status",
                "accepted_by",
                "accepted_at",
                "escalate_at",
                "next_round_at",
                "next_round_step",
                "updated_at",
            ]
        )
        HelperAlert.objects.filter(event=event, helper=actor).update(
            status=AlertStatus.WITHDRAWN, responded_at=now
        )
        HelperAlert.objects.filter(event=event, status=AlertStatus.TAKEN).update(
            status=AlertStatus.SENT
        )
        timeline_add(event, TimelineKind.WITHDRAWN, actor=actor)
        record(actor=actor, action="sos.event_withdrawn", target=event)
        notify(event.user, "sos.event_reopened", {"event_uid": str(event.pk)}, critical=True)
        for alert in HelperAlert.objects.filter(
            event=event, status=AlertStatus.SENT
        ).select_related("helper"):
            notify(
                alert.helper,
                "sos.helper_alert",
                {"event_uid": str(event.pk), "distance_m": alert.distance_m},
                critical=True,
            )
        event_publish(event, "reopened", helper_ids=[actor.pk])
    return event


def _close_alerts(event: SosEvent) -> list[HelperAlert]:
    alerts = list(
        HelperAlert.objects.filter(
            event=event, status__in=[AlertStatus.SENT, AlertStatus.ACCEPTED, AlertStatus.TAKEN]
        ).select_related("helper")
    )
    HelperAlert.objects.filter(
        event=event, status__in=[AlertStatus.SENT, AlertStatus.TAKEN]
    ).update(status=AlertStatus.CLOSED)
    return alerts


def _event_close(
    event: SosEvent,
    *,
    actor: User,
    status: str,
    kind: str,
    changes: dict[str, Any],
    data: dict[str, Any],
    tell_actor: bool,
) -> SosEvent:
    """The closing steps shared by cancel and resolve (the event is locked and still open):
    set `status` and `changes`, stop the deadlines, close the alerts, record the step, tell
    the alerted helpers (the actor too unless `tell_actor` is false), the emergency contacts
    and the event's audience."""
    step = TimelineKind(kind).value  # a plain string: "cancelled" or "resolved"
    previous = event.status
    event.status = status
    for field, value in changes.items():
        setattr(event, field, value)
    event.save(update_fields=["status", *changes, "updated_at", *event_deadlines_stop(event)])
    alerts = _close_alerts(event)
    timeline_add(event, kind, actor=actor, data=data)
    record(
        actor=actor,
        action=f"sos.event_{step}",
        target=event,
        before={"status": previous},
        after={"status": event.status},
    )
    told = [alert.helper for alert in alerts if tell_actor or alert.helper_id != actor.pk]
    notify_many(told, "sos.event_closed", [{"event_uid": str(event.pk)}] * len(told))
    contact_notices_queue(event=event, kind=kind)
    event_publish(event, step, helper_ids=[a.helper_id for a in alerts])
    return event


def event_cancel(
    *, event: SosEvent, actor: User, reason: str = "", now: datetime | None = None
) -> SosEvent:
    """The wearer (or an admin) calls it off: free within the cancel window, else with a reason."""
    now = now or timezone.now()
    with transaction.atomic():
        event = event_lock(event)
        if event.user_id != actor.pk and not can_admin_event(actor, event):
            raise SosForbidden()
        if not event.is_open:
            raise EventClosed()
        window = timedelta(seconds=int(conf.get("CANCEL_WINDOW_SECONDS")))
        if now - event.created_at > window and not reason.strip():
            raise ReasonRequired(
                errors={"reason": [_("Give a reason to cancel after the cancel window.")]}
            )
        return _event_close(
            event,
            actor=actor,
            status=EventStatus.CANCELLED,
            kind=TimelineKind.CANCELLED,
            changes={"cancelled_by": actor, "cancelled_at": now, "cancel_reason": reason.strip()},
            data={"reason": reason.strip()},
            tell_actor=True,
        )


def event_resolve(
    *, event: SosEvent, actor: User, outcome: str = "", now: datetime | None = None
) -> SosEvent:
    """The accepted helper or an SOS admin closes the event with an outcome."""
    now = now or timezone.now()
    with transaction.atomic():
        event = event_lock(event)
        if event.accepted_by_id != actor.pk and not can_admin_event(actor, event):
            raise SosForbidden()
        if not event.is_open:
            raise EventClosed()
        return _event_close(
            event,
            actor=actor,
            status=EventStatus.RESOLVED,
            kind=TimelineKind.RESOLVED,
            changes={"resolved_by": actor, "resolved_at": now, "outcome": outcome.strip()},
            data={"outcome": outcome.strip()},
            tell_actor=False,
        )
