"""Mango Office telephony: store each webhook once, process it on the worker, turn calls
into requests and missed calls into callback tasks with an SLA, escalate overdue ones.

The webhook view only verifies and stores (`mango_event_store`); the work runs in
`fieldservice.process_mango_event` (enqueued on commit) and, for an event whose message was
lost, in the sweep `fieldservice.run_due` (its truth is `MangoEvent.processed_at`).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.core.tasks import enqueue_on_commit
from lifeline.fieldservice import conf, events
from lifeline.fieldservice.enums import (
    OPEN_STATUSES,
    CallbackStatus,
    CallDirection,
    CallOutcome,
    MangoEventKind,
    RequestTypeCode,
    StaffStatus,
)
from lifeline.fieldservice.exceptions import (
    CallbackAlreadyTaken,
    FieldServiceForbidden,
    TelephonyNotConfigured,
)
from lifeline.fieldservice.integrations.base import TelephonyClient
from lifeline.fieldservice.metrics import CALLBACK_SLA_BREACHES, CALLS, WEBHOOKS_RECEIVED
from lifeline.fieldservice.models import (
    Call,
    CallbackTask,
    Campaign,
    MangoEvent,
    RequestType,
    ServiceRequest,
    StaffProfile,
)
from lifeline.fieldservice.permissions import can_take_callback
from lifeline.fieldservice.phones import to_e164
from lifeline.fieldservice.services.recordings import recording_register
from lifeline.fieldservice.services.reference import company_defaults_ensure
from lifeline.fieldservice.services.requests import request_create
from lifeline.realtime.events import publish_on_commit

logger = logging.getLogger(__name__)

FINAL_CALL_STATES = frozenset({"Disconnected", "Completed", "Finished"})
# An event whose message was lost is processed by the sweep after this long.
STALE_EVENT_AFTER = timedelta(seconds=30)


def _kind_of(path: str) -> str:
    return {
        "events/call": MangoEventKind.CALL,
        "events/summary": MangoEventKind.SUMMARY,
        "events/recording": MangoEventKind.RECORDING,
        "record/added": MangoEventKind.RECORDING,
    }.get(path, MangoEventKind.OTHER)


def _seq(kind: str, payload: dict[str, Any]) -> int:
    if kind == MangoEventKind.CALL:
        try:
            return int(payload.get("seq") or 0)
        except (TypeError, ValueError):
            return 0
    return 0


def mango_event_store(*, path: str, payload: dict[str, Any]) -> tuple[MangoEvent, bool]:
    """Store a verified webhook once (unique on kind + entry_id + seq) and enqueue its
    processing. Return (event, created); a replay returns the stored one, created=False."""
    kind = _kind_of(path)
    entry_id = str(payload.get("entry_id") or "")[:100]
    if kind == MangoEventKind.RECORDING:
        entry_id = entry_id or str(payload.get("recording_id") or "")[:100]
    seq = _seq(kind, payload)
    try:
        with transaction.atomic():
            event = MangoEvent.objects.create(
                kind=kind, path=path[:100], entry_id=entry_id, seq=seq, payload=payload
            )
            if kind != MangoEventKind.OTHER:
                enqueue_on_commit(
                    "fieldservice.process_mango_event",
                    kwargs={"event_id": event.pk},
                    queue="realtime",
                )
    except IntegrityError:
        return MangoEvent.objects.get(kind=kind, entry_id=entry_id, seq=seq), False
    WEBHOOKS_RECEIVED.labels(kind=kind).inc()
    if kind == MangoEventKind.OTHER:
        logger.info("fieldservice.mango_unknown_event", extra={"path": path[:100]})
    return event, True


def mango_event_process(*, event_id: int) -> None:
    """Process one stored event exactly once (row lock + processed_at)."""
    with transaction.atomic():
        event = MangoEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.processed_at is not None:
            return
        event.attempts += 1
        payload = event.payload
        if event.kind == MangoEventKind.CALL:
            _on_call_event(payload)
        elif event.kind == MangoEventKind.SUMMARY:
            _on_summary(payload)
        elif event.kind == MangoEventKind.RECORDING:
            recording_register(payload=payload)
        event.processed_at = timezone.now()
        event.save(update_fields=["attempts", "processed_at", "updated_at"])


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _call_for(entry_id: str, *, line_number: str) -> Call:
    """The locked call of `entry_id`, created on its first event; campaign and city from
    the dialled line."""
    call = Call.objects.select_for_update().filter(entry_id=entry_id).first()
    if call is None:
        try:
            with transaction.atomic():
                Call.objects.create(entry_id=entry_id)
        except IntegrityError:
            pass  # a concurrent event of the same call created it
        call = Call.objects.select_for_update().get(entry_id=entry_id)
    if line_number and not call.line_number:
        call.line_number = line_number
        campaign = Campaign.objects.filter(phone_number=line_number).first()
        if campaign is not None:
            call.campaign = campaign
            call.city_id = campaign.city_id
            call.organization_id = campaign.organization_id
    return call


def _on_call_event(payload: dict[str, Any]) -> None:
    entry_id = str(payload.get("entry_id") or "")
    if not entry_id:
        return
    source = payload.get("from") or {}
    target = payload.get("to") or {}
    line = to_e164(str(target.get("line_number") or ""))
    call = _call_for(entry_id, line_number=line)
    first = call.started_at is None
    if first:
        call.started_at = _parse_time(payload.get("timestamp")) or timezone.now()
    if not call.from_number and source.get("number"):
        call.from_number = to_e164(str(source["number"]))
    if not call.to_number and target.get("number"):
        call.to_number = to_e164(str(target["number"]))
    state = str(payload.get("call_state") or "")
    extension = str(target.get("extension") or "")
    if state == "Connected" and extension and call.organization_id and call.operator_id is None:
        staff = StaffProfile.objects.filter(
            organization_id=call.organization_id, extension=extension
        ).first()
        if staff is not None:
            call.operator_id = staff.user_id
    if state in FINAL_CALL_STATES:
        call.ended_at = _parse_time(payload.get("timestamp")) or timezone.now()
    call.save()
    if first and call.organization_id:
        publish_on_commit(
            events.call_started(call), [events.callcentre_group(call.organization_id)]
        )
    if state == "Appeared" and extension and call.organization_id:
        _ring_operator(call, call.organization_id, extension)


def _ring_operator(call: Call, organization_id: Any, extension: str) -> None:
    """The call rings on an operator's extension: their screen opens the caller's card."""
    user_id = (
        StaffProfile.objects.filter(
            organization_id=organization_id, extension=extension, status=StaffStatus.ACTIVE
        )
        .values_list("user_id", flat=True)
        .first()
    )
    if user_id is not None:
        publish_on_commit(events.call_ringing(call), [events.operator_group(user_id)])


def _on_summary(payload: dict[str, Any]) -> None:
    entry_id = str(payload.get("entry_id") or "")
    if not entry_id:
        return
    source = payload.get("from") or {}
    target = payload.get("to") or {}
    call = _call_for(entry_id, line_number=to_e164(str(payload.get("line_number") or "")))
    if source.get("number"):
        call.from_number = to_e164(str(source["number"]))
    if target.get("number"):
        call.to_number = to_e164(str(target["number"]))
    call.direction = {
        1: CallDirection.INCOMING,
        2: CallDirection.OUTGOING,
    }.get(_int(payload.get("call_direction")), CallDirection.INTERNAL)
    started = _parse_time(payload.get("create_time"))
    ended = _parse_time(payload.get("end_time"))
    talk_started = _parse_time(payload.get("talk_time"))
    call.started_at = call.started_at or started
    call.ended_at = ended or call.ended_at or timezone.now()
    answered = _int(payload.get("entry_result")) == 1 and talk_started is not None
    call.outcome = CallOutcome.ANSWERED if answered else CallOutcome.MISSED
    if answered and talk_started and call.ended_at:
        call.talk_seconds = max(0, int((call.ended_at - talk_started).total_seconds()))
    call.save()
    call_finalize(call=call)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def call_finalize(*, call: Call) -> None:
    """Turn a finished incoming call into its effect, once: an answered one creates a
    «Новая» request or joins the phone's open one; a missed one becomes a callback task.
    Caller holds the call row lock."""
    if call.finalized_at is not None or call.outcome == CallOutcome.PENDING:
        return
    call.finalized_at = timezone.now()
    call.save(update_fields=["finalized_at", "updated_at"])
    CALLS.labels(outcome=call.outcome).inc()
    if call.direction != CallDirection.INCOMING or call.organization_id is None:
        return
    if not call.from_number:
        return
    if call.outcome == CallOutcome.MISSED:
        _callback_create(call)
        return
    request = _joinable_request(call)
    if request is None:
        request = _request_from_call(call)
    call.request = request
    call.save(update_fields=["request", "updated_at"])


def _joinable_request(call: Call) -> ServiceRequest | None:
    """The phone's open request, or any request of it created in the last 30 minutes
    (both aware datetimes: the comparison is in UTC whatever the server's zone)."""
    organization_id = cast("uuid.UUID", call.organization_id)
    since = (call.ended_at or timezone.now()) - timedelta(minutes=conf.REPEAT_CALL_WINDOW_MINUTES)
    return (
        ServiceRequest.objects.select_for_update()
        .filter(organization_id=organization_id, client_phone=call.from_number)
        .filter(Q(status__in=sorted(OPEN_STATUSES)) | Q(created_at__gte=since))
        .order_by("-created_at", "-id")
        .first()
    )


def _request_from_call(call: Call) -> ServiceRequest:
    organization_id = cast("uuid.UUID", call.organization_id)
    company_defaults_ensure(organization_id=organization_id)
    seen = ServiceRequest.objects.filter(
        organization_id=organization_id, client_phone=call.from_number
    ).exists()
    code = RequestTypeCode.REPEAT if seen else RequestTypeCode.FIRST
    request_type = RequestType.objects.filter(organization_id=organization_id, code=code).first()
    if call.campaign is None:  # the organization came from the campaign
        raise ValueError("a call with an organization has a campaign")
    request = request_create(
        actor=None,
        organization_id=call.organization_id,
        data={
            "city": call.campaign.city,
            "campaign": call.campaign,
            "request_type": request_type,
            "client_phone": call.from_number,
            "ats_number": call.line_number,
        },
        source="mango",
    )
    if call.operator_id:
        request.operator_id = call.operator_id
        request.save(update_fields=["operator", "updated_at"])
    return request


def _callback_create(call: Call) -> CallbackTask:
    sla = company_defaults_ensure(organization_id=call.organization_id).callback_sla_minutes
    callback, created = CallbackTask.objects.get_or_create(
        call=call,
        defaults={
            "organization_id": call.organization_id,
            "city_id": call.city_id,
            "phone": call.from_number,
            "due_at": (call.ended_at or timezone.now()) + timedelta(minutes=sla),
        },
    )
    if created:
        publish_on_commit(
            events.callback_changed(callback, kind="created"),
            [events.callcentre_group(callback.organization_id)],
        )
    return callback


@transaction.atomic
def callback_take(*, actor: Any, callback: CallbackTask) -> CallbackTask:
    """One operator takes the callback; a second one gets 409. Taking it again is a no-op."""
    if not can_take_callback(actor, callback):
        raise FieldServiceForbidden()
    callback = CallbackTask.objects.select_for_update().get(pk=callback.pk)
    if callback.status != CallbackStatus.OPEN:
        if callback.taken_by_id == actor.pk:
            return callback
        raise CallbackAlreadyTaken()
    callback.status = CallbackStatus.TAKEN
    callback.taken_by = actor
    callback.taken_at = timezone.now()
    callback.save(update_fields=["status", "taken_by", "taken_at", "updated_at"])
    publish_on_commit(
        events.callback_changed(callback, kind="taken"),
        [events.callcentre_group(callback.organization_id)],
    )
    return callback


def callbacks_escalate_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Escalate open callbacks past their SLA to the company's managers (once each)."""
    from lifeline.notifications.services import notify_many

    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        due = list(
            CallbackTask.objects.select_for_update(skip_locked=True)
            .filter(status=CallbackStatus.OPEN, escalated_at__isnull=True, due_at__lte=now)
            .order_by("due_at", "id")[:limit]
        )
        for callback in due:
            callback.escalated_at = now
            callback.save(update_fields=["escalated_at", "updated_at"])
            CALLBACK_SLA_BREACHES.inc()
            publish_on_commit(
                events.callback_changed(callback, kind="escalated"),
                [events.callcentre_group(callback.organization_id)],
            )
            managers = list(_managers_of(callback.organization_id))
            notify_many(
                managers,
                "fieldservice.callback_overdue",
                [{"callback_id": str(callback.pk)} for _ in managers],
            )
            count += 1
    return count


def _managers_of(organization_id: Any) -> Any:
    from lifeline.accounts.models import User

    return User.objects.filter(
        memberships__organization_id=organization_id,
        memberships__role__in=[Role.MANAGER, Role.DIRECTOR],
        memberships__is_active=True,
    ).distinct()


def mango_events_process_stale(*, now: datetime | None = None, limit: int = 500) -> int:
    """Process stored events whose task never ran (lost message, dead worker)."""
    now = now or timezone.now()
    ids = list(
        MangoEvent.objects.filter(
            processed_at__isnull=True, created_at__lte=now - STALE_EVENT_AFTER
        )
        .exclude(kind=MangoEventKind.OTHER)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in ids:
        try:
            mango_event_process(event_id=event_id)
        except Exception:
            logger.exception("fieldservice.mango_event_failed", extra={"event_id": event_id})
    return len(ids)


def request_call_client(
    *, actor: Any, request: ServiceRequest, client: TelephonyClient | None = None
) -> str:
    """Click-to-call: ring the actor's extension, then the client. Returns the command id."""
    staff = StaffProfile.objects.filter(organization_id=request.organization_id, user=actor).first()
    if staff is None or not staff.extension:
        raise TelephonyNotConfigured()
    if client is None:
        if not conf.mango_enabled():
            raise TelephonyNotConfigured()
        from lifeline.fieldservice.integrations.mango import client as mango_client

        client = mango_client()
    command_id = str(uuid.uuid4())
    client.callback(
        from_extension=staff.extension, to_number=request.client_phone, command_id=command_id
    )
    return command_id
