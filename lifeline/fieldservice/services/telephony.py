"""Mango Office telephony: store each webhook once, process it on the worker, turn calls
into requests and missed calls into callback tasks with an SLA, escalate overdue ones.

The webhook view only verifies and stores (`mango_event_store`: one INSERT … ON CONFLICT
DO NOTHING); the work runs on the worker in `fieldservice.drain_mango_events`, which
processes every stored event with `processed_at IS NULL` in id order, a batch per
transaction (`mango_events_drain`). A web process sends at most one drain message per
DRAIN_DELAY_SECONDS (`mango_drain_kick`); the sweep `fieldservice.run_due` drains too, so
a lost message or a worker killed mid-batch only delays events. The truth is the row.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
from django.db.models import F, Q
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
    CompanySettings,
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


def mango_event_store(*, path: str, payload: dict[str, Any]) -> int | None:
    """Store a verified webhook once (unique on kind + entry_id + seq) and ask for a drain.

    One statement, `INSERT … ON CONFLICT DO NOTHING RETURNING id`: the id of the new event,
    or None for a replay of a stored one (which changes nothing). An event of an unknown
    kind (`other`) is stored as processed: there is nothing to do for it but the log line.
    """
    kind = _kind_of(path)
    entry_id = str(payload.get("entry_id") or "")[:100]
    if kind == MangoEventKind.RECORDING:
        entry_id = entry_id or str(payload.get("recording_id") or "")[:100]
    now = timezone.now()
    event_id = _insert_once(
        kind=kind,
        path=path[:100],
        entry_id=entry_id,
        seq=_seq(kind, payload),
        payload=payload,
        processed_at=now if kind == MangoEventKind.OTHER else None,
        now=now,
    )
    if event_id is None:
        return None
    WEBHOOKS_RECEIVED.labels(kind=kind).inc()
    if kind == MangoEventKind.OTHER:
        logger.info("fieldservice.mango_unknown_event", extra={"path": path[:100]})
    else:
        mango_drain_kick()
    return event_id


def _insert_once(**values: Any) -> int | None:
    """INSERT one MangoEvent unless its (kind, entry_id, seq) is stored; return the new id.

    The ORM has no INSERT … ON CONFLICT DO NOTHING that reports whether a row was written
    (bulk_create(ignore_conflicts=True) returns no id), hence this one statement of SQL
    (PostgreSQL and SQLite >= 3.35 both speak it); values go through the model's fields."""
    now = values.pop("now")
    values.update(attempts=0, created_at=now, updated_at=now)
    connection = connections[router.db_for_write(MangoEvent)]
    fields = [field for field in MangoEvent._meta.concrete_fields if not field.primary_key]
    params = [
        field.get_db_prep_save(
            values[field.name] if field.name in values else field.get_default(), connection
        )
        for field in fields
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"INSERT INTO {quote(MangoEvent._meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else None


# --- the drain: stored events processed on the worker, in id order, a batch at a time ------
# The stored row with `processed_at IS NULL` is the truth; a drain message only says "look".
# A web process sends at most one per DRAIN_DELAY_SECONDS, delayed by as much (the trailing
# edge of the window): every event it stored in the window committed before that drain starts.
DRAIN_DELAY_SECONDS = 0.2
DRAIN_BATCH = 100
# A drain stops taking batches after this long (well inside the task's time limit); the
# drains sent meanwhile go on.
DRAIN_BUDGET_SECONDS = 20.0
# An event whose processing failed this many times is left for a person (logged each time).
MAX_ATTEMPTS = 5
# PostgreSQL advisory locks (an arbitrary pair of keys of this module): DRAIN_LOCK is held by
# the batch being processed, DRAIN_WAITER by the one drain waiting for it.
DRAIN_LOCK = 0x4D414E47_0001
DRAIN_WAITER = 0x4D414E47_0002

_kick_lock = threading.Lock()
_next_kick_at = 0.0


def mango_drain_kick() -> None:
    """Ask the worker to drain stored events (after the caller's transaction commits).

    With a worker: at most one message per DRAIN_DELAY_SECONDS from this process, run
    DRAIN_DELAY_SECONDS after it is sent (no broker round trip for the other webhooks of
    the window). Without one (eager tasks: the embedded server, the tests): a drain at once.
    A lost message delays events until the sweep (`fieldservice.run_due`), never loses them.
    """
    global _next_kick_at
    if settings.CELERY_TASK_ALWAYS_EAGER:
        enqueue_on_commit("fieldservice.drain_mango_events", queue="realtime")
        return
    now = time.monotonic()
    with _kick_lock:
        if now < _next_kick_at:
            return
        _next_kick_at = now + DRAIN_DELAY_SECONDS
    enqueue_on_commit(
        "fieldservice.drain_mango_events",
        queue="realtime",
        countdown=DRAIN_DELAY_SECONDS,
        expires=60,
    )


def mango_events_drain(
    *, batch_size: int = DRAIN_BATCH, budget_seconds: float = DRAIN_BUDGET_SECONDS
) -> int:
    """Process the stored, unprocessed events in id order, one transaction per batch, until
    none is left or `budget_seconds` have passed; return how many were processed.

    On PostgreSQL one batch runs at a time (advisory lock DRAIN_LOCK); of the drains that
    find it taken, one waits for it and the others leave: the waiting one reads the pending
    events after they arrived. A batch that fails is rolled back and its events processed
    one by one (a failing event is logged and retried by later drains, MAX_ATTEMPTS times).
    A worker killed mid-batch rolls it back: the next drain or the sweep processes it.
    """
    processed = 0
    stop_at = time.monotonic() + budget_seconds
    while True:
        events: list[MangoEvent] = []
        try:
            with transaction.atomic():
                if not _drain_lock_acquired():
                    return processed
                events = list(
                    MangoEvent.objects.select_for_update()
                    .filter(processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                    .exclude(kind=MangoEventKind.OTHER)
                    .only("id", "kind", "payload")
                    .order_by("id")[:batch_size]
                )
                lookups = _Lookups()
                for event in events:
                    _handle(event.kind, event.payload, lookups)
                now = timezone.now()
                MangoEvent.objects.filter(pk__in=[event.pk for event in events]).update(
                    processed_at=now, attempts=F("attempts") + 1, updated_at=now
                )
            processed += len(events)
        except Exception:
            if not events:
                raise
            logger.warning("fieldservice.mango_batch_failed", exc_info=True)
            processed += sum(_process_alone(event.pk) for event in events)
        if len(events) < batch_size or time.monotonic() >= stop_at:
            return processed


def _drain_lock_acquired() -> bool:
    """Take DRAIN_LOCK for this transaction: at once, or after waiting as the one waiter;
    False when another drain already waits (it will read what this one would have)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return True  # SQLite: one writer at a time anyway (the embedded server, the tests)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [DRAIN_LOCK])
        if cursor.fetchone()[0]:
            return True
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [DRAIN_WAITER])
        if not cursor.fetchone()[0]:
            return False
        try:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DRAIN_LOCK])
        finally:
            # Released before reading the events: a drain that leaves from now on finds the
            # waiter slot free and waits itself, so someone reads after its event committed.
            try:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [DRAIN_WAITER])
            except DatabaseError:
                connection.close()  # a session lock ends with its session, never held on
                raise
    return True


def _process_alone(event_id: int) -> bool:
    """Process one event in its own transaction; on failure log it and count the attempt."""
    try:
        with transaction.atomic():
            _drain_lock_acquired_blocking()
            return mango_event_process(event_id=event_id)
    except Exception:
        logger.exception("fieldservice.mango_event_failed", extra={"event_id": event_id})
        MangoEvent.objects.filter(pk=event_id, processed_at__isnull=True).update(
            attempts=F("attempts") + 1, updated_at=timezone.now()
        )
        return False


def _drain_lock_acquired_blocking() -> None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DRAIN_LOCK])


def mango_event_process(*, event_id: int) -> bool:
    """Process one stored event exactly once (row lock + processed_at); False when it was
    already processed (or does not exist)."""
    with transaction.atomic():
        event = MangoEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.processed_at is not None:
            return False
        event.attempts += 1
        _handle(event.kind, event.payload, _Lookups())
        event.processed_at = timezone.now()
        event.save(update_fields=["attempts", "processed_at", "updated_at"])
    return True


class _Lookups:
    """What one transaction has already read: the calls it locked (by entry_id), campaigns
    by dialled line, staff profiles by (company, extension), company settings and request
    types. Events of one call in one batch then read and lock the call once."""

    def __init__(self) -> None:
        self.calls: dict[str, Call] = {}
        self.campaigns: dict[str, Campaign | None] = {}
        self.staff: dict[tuple[Any, str], list[StaffProfile]] = {}
        self.settings: dict[Any, CompanySettings] = {}
        self.request_types: dict[tuple[Any, str], RequestType | None] = {}

    def company_settings(self, organization_id: Any) -> CompanySettings:
        """The company's settings, its seeded reference rows ensured (once per batch)."""
        if organization_id not in self.settings:
            self.settings[organization_id] = company_defaults_ensure(
                organization_id=organization_id
            )
        return self.settings[organization_id]

    def request_type(self, organization_id: Any, code: str) -> RequestType | None:
        key = (organization_id, code)
        if key not in self.request_types:
            self.request_types[key] = RequestType.objects.filter(
                organization_id=organization_id, code=code
            ).first()
        return self.request_types[key]

    def campaign(self, line_number: str) -> Campaign | None:
        if line_number not in self.campaigns:
            self.campaigns[line_number] = (
                Campaign.objects.select_related("city")
                .filter(phone_number=line_number)
                .order_by("pk")
                .first()
            )
        return self.campaigns[line_number]

    def staff_at(self, organization_id: Any, extension: str) -> list[StaffProfile]:
        key = (organization_id, extension)
        if key not in self.staff:
            self.staff[key] = list(
                StaffProfile.objects.filter(
                    organization_id=organization_id, extension=extension
                ).order_by("pk")
            )
        return self.staff[key]


def _handle(kind: str, payload: dict[str, Any], lookups: _Lookups) -> None:
    if kind == MangoEventKind.CALL:
        _on_call_event(payload, lookups)
    elif kind == MangoEventKind.SUMMARY:
        _on_summary(payload, lookups)
    elif kind == MangoEventKind.RECORDING:
        recording_register(payload=payload)


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _call_for(entry_id: str, *, line_number: str, lookups: _Lookups) -> Call:
    """The locked call of `entry_id`, created on its first event; campaign and city from
    the dialled line."""
    call = lookups.calls.get(entry_id)
    if call is None:
        call = Call.objects.select_for_update().filter(entry_id=entry_id).first()
        if call is None:
            # A concurrent event of the same call may create it first: no error, no savepoint.
            Call.objects.bulk_create([Call(entry_id=entry_id)], ignore_conflicts=True)
            call = Call.objects.select_for_update().get(entry_id=entry_id)
        lookups.calls[entry_id] = call
    if line_number and not call.line_number:
        call.line_number = line_number
        campaign = lookups.campaign(line_number)
        if campaign is not None:
            call.campaign = campaign
            call.city_id = campaign.city_id
            call.organization_id = campaign.organization_id
    return call


def _on_call_event(payload: dict[str, Any], lookups: _Lookups) -> None:
    entry_id = str(payload.get("entry_id") or "")
    if not entry_id:
        return
    source = payload.get("from") or {}
    target = payload.get("to") or {}
    line = to_e164(str(target.get("line_number") or ""))
    call = _call_for(entry_id, line_number=line, lookups=lookups)
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
        staff = lookups.staff_at(call.organization_id, extension)
        if staff:
            call.operator_id = staff[0].user_id
    if state in FINAL_CALL_STATES:
        call.ended_at = _parse_time(payload.get("timestamp")) or timezone.now()
    call.save()
    if first and call.organization_id:
        publish_on_commit(
            events.call_started(call), [events.callcentre_group(call.organization_id)]
        )
    if state == "Appeared" and extension and call.organization_id:
        _ring_operator(call, lookups.staff_at(call.organization_id, extension))


def _ring_operator(call: Call, staff: list[StaffProfile]) -> None:
    """The call rings on an operator's extension: their screen opens the caller's card."""
    user_id = next((p.user_id for p in staff if p.status == StaffStatus.ACTIVE), None)
    if user_id is not None:
        publish_on_commit(events.call_ringing(call), [events.operator_group(user_id)])


def _on_summary(payload: dict[str, Any], lookups: _Lookups) -> None:
    entry_id = str(payload.get("entry_id") or "")
    if not entry_id:
        return
    source = payload.get("from") or {}
    target = payload.get("to") or {}
    line = to_e164(str(payload.get("line_number") or ""))
    call = _call_for(entry_id, line_number=line, lookups=lookups)
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
    call_finalize(call=call, lookups=lookups)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def call_finalize(*, call: Call, lookups: _Lookups | None = None) -> None:
    """Save the call and turn a finished incoming call into its effect, once: an answered
    one creates a «Новая» request or joins the phone's open one; a missed one becomes a
    callback task. Caller holds the call row lock."""
    if call.finalized_at is None and call.outcome != CallOutcome.PENDING:
        call.finalized_at = timezone.now()
        CALLS.labels(outcome=call.outcome).inc()
        incoming = call.direction == CallDirection.INCOMING
        if incoming and call.organization_id is not None and call.from_number:
            lookups = lookups or _Lookups()
            if call.outcome == CallOutcome.MISSED:
                _callback_create(call, lookups)
            else:
                call.request = _joinable_request(call) or _request_from_call(call, lookups)
    call.save()


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


def _request_from_call(call: Call, lookups: _Lookups) -> ServiceRequest:
    organization_id = cast("uuid.UUID", call.organization_id)
    lookups.company_settings(organization_id)  # the seeded request types exist
    seen = ServiceRequest.objects.filter(
        organization_id=organization_id, client_phone=call.from_number
    ).exists()
    code = RequestTypeCode.REPEAT if seen else RequestTypeCode.FIRST
    request_type = lookups.request_type(organization_id, code)
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


def _callback_create(call: Call, lookups: _Lookups) -> CallbackTask:
    sla = lookups.company_settings(call.organization_id).callback_sla_minutes
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
