"""Calls: intake (dispatcher, intake API, SOS escalation) and every transition of their life.

Each transition locks the call row, checks the transition table (`enums.TRANSITIONS`),
stamps its eTime, appends a `CallTransition` (who, when, why), is audited, and publishes
after commit. Services enforce invariants, not who the caller is: the API and pages check
`permissions.can_*` first, so tasks and commands can reuse them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.access.enums import Role
from lifeline.access.selectors import member_user_ids
from lifeline.access.services import organization_lock
from lifeline.accounts.models import User
from lifeline.ambulance import events, sos_hooks
from lifeline.ambulance.enums import (
    CREW_TRANSITIONS,
    CRITICALITY_RANK,
    IN_PROGRESS_STATUSES,
    OPEN_STATUSES,
    CallSource,
    CallStatus,
    Criticality,
    RejectReason,
    Sex,
    TroubleKind,
)
from lifeline.ambulance.exceptions import CallStateConflict, TeamNotAvailable
from lifeline.ambulance.models import Call, CallTransition, Car, ServiceArea, Team, TeamMember
from lifeline.ambulance.selectors import call_suggestions, station_for_sos_service
from lifeline.ambulance.services.cars import car_set_serviceable
from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.notifications.services import notify_many
from lifeline.realtime.events import publish_on_commit

if TYPE_CHECKING:
    from lifeline.access.models import Organization

# MPDS determinant: protocol 1-37, level Ω/A-E (O for Omega), sublevel number, optional suffix.
DETERMINANT_RE = re.compile(r"^(?:[1-9]|[1-3][0-9])-[OΩABCDE]-\d{1,2}[A-Z]?$")

# The eTime stamped when a call enters each status.
_ETIME: dict[str, str] = {
    CallStatus.ASSIGNED: "assigned_at",
    CallStatus.EN_ROUTE: "en_route_at",
    CallStatus.ON_SCENE: "on_scene_at",
    CallStatus.TRANSPORTING: "transporting_at",
    CallStatus.AT_HOSPITAL: "at_hospital_at",
    CallStatus.COMPLETED: "completed_at",
    CallStatus.REJECTED: "closed_at",
    CallStatus.CANCELLED: "closed_at",
}


@dataclass(frozen=True, kw_only=True)
class CallIntake:
    """What is known about a call when it comes in (form, intake API or SOS)."""

    reason: str
    address: str
    lat: float
    lon: float
    criticality: str
    caller_phone: str = ""
    patient_name: str = ""
    patient_sex: str = Sex.UNKNOWN
    patient_age: int | None = None
    patient_birth_date: date | None = None
    determinant_code: str = ""
    notes: str = ""


def _validate(intake: CallIntake) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if not intake.reason.strip():
        errors["reason"] = [_("Say what happened.")]
    if not intake.address.strip():
        errors["address"] = [_("Give the address.")]
    if not (-90 <= intake.lat <= 90):
        errors["lat"] = [_("Latitude must be between -90 and 90.")]
    if not (-180 <= intake.lon <= 180):
        errors["lon"] = [_("Longitude must be between -180 and 180.")]
    if intake.criticality not in Criticality.values:
        errors["criticality"] = [_("Choose critical, important or common.")]
    if intake.patient_sex not in Sex.values:
        errors["patient_sex"] = [_("Choose male, female or unknown.")]
    if intake.patient_age is not None and not (0 <= intake.patient_age <= 150):
        errors["patient_age"] = [_("Age must be between 0 and 150.")]
    if intake.patient_birth_date is not None and intake.patient_birth_date > timezone.localdate():
        errors["patient_birth_date"] = [_("The birth date is in the future.")]
    code = intake.determinant_code.strip().upper()
    if code and not DETERMINANT_RE.fullmatch(code):
        errors["determinant_code"] = [_("Use the MPDS form protocol-level-sublevel, e.g. 10-D-1.")]
    if errors:
        raise InvalidInput(errors=errors)
    return {
        "reason": intake.reason.strip()[:300],
        "address": intake.address.strip()[:300],
        "lat": intake.lat,
        "lon": intake.lon,
        "criticality": intake.criticality,
        "criticality_rank": CRITICALITY_RANK[intake.criticality],
        "caller_phone": intake.caller_phone.strip()[:32],
        "patient_name": intake.patient_name.strip()[:200],
        "patient_sex": intake.patient_sex,
        "patient_age": intake.patient_age,
        "patient_birth_date": intake.patient_birth_date,
        "determinant_code": code,
        "notes": intake.notes.strip()[:4000],
    }


def _log(call: Call, *, from_status: str, to_status: str, actor: Any, **extra: Any) -> None:
    CallTransition.objects.create(
        call=call,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        **extra,
    )


def _dispatchers(organization_id: Any) -> list[Any]:
    return list(
        User.objects.filter(
            pk__in=member_user_ids(organization_id=organization_id, roles=[Role.DISPATCHER])
        )
    )


@transaction.atomic
def call_create(
    *,
    actor: Any,
    organization: Organization,
    intake: CallIntake,
    source: str = CallSource.DISPATCHER,
    idempotency_key: str = "",
    sos_event_id: UUID | None = None,
    received_at: datetime | None = None,
) -> Call:
    """File a NEW call of `organization` (never already assigned, whoever sends it).

    Outside the station's optional service area (`ServiceArea`) a call is refused, naming
    `lat` and `lon`, unless it comes from an SOS escalation.

    Idempotent on `idempotency_key` and on `sos_event_id`: a retry returns the first call.
    """
    fields = _validate(intake)
    if source != CallSource.SOS:  # an escalated SOS is never refused
        area = ServiceArea.objects.filter(station=organization).first()
        if area is not None and not area.contains(intake.lat, intake.lon):
            message = _("The point is outside the station's service area.")
            raise InvalidInput(errors={"lat": [message], "lon": [message]})
    existing = None
    if idempotency_key:
        existing = Call.objects.filter(
            organization=organization, idempotency_key=idempotency_key
        ).first()
    elif sos_event_id is not None:
        existing = Call.objects.filter(organization=organization, sos_event_id=sos_event_id).first()
    if existing is not None:
        return existing
    # One call number after another per station: the station row is the lock.
    organization_lock(organization_id=organization.pk)
    number = (
        Call.objects.filter(organization=organization).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    try:
        with transaction.atomic():
            call = Call.objects.create(
                organization=organization,
                number=number,
                source=source,
                idempotency_key=idempotency_key[:100],
                sos_event_id=sos_event_id,
                received_at=received_at or timezone.now(),
                **fields,
            )
    except IntegrityError:
        # A concurrent retry with the same key or SOS event won the race.
        if not idempotency_key and sos_event_id is None:
            raise
        same = Call.objects.filter(organization=organization)
        if idempotency_key:
            same = same.filter(idempotency_key=idempotency_key)
        else:
            same = same.filter(sos_event_id=sos_event_id)
        found = same.first()
        if found is None:
            raise
        return found
    _log(call, from_status="", to_status=CallStatus.NEW, actor=actor, note=source)
    record(
        actor=actor,
        action="ambulance.call_created",
        target=call,
        metadata={"source": source, "criticality": call.criticality},
    )
    publish_on_commit(
        events.call_event(events.CALL_CREATED, call), groups=events.call_audience(call)
    )
    return call


def call_create_from_sos(
    *,
    sos_event_id: UUID,
    sos_service_id: UUID,
    lat: float,
    lon: float,
    patient_name: str = "",
    caller_phone: str = "",
    patient_age: int | None = None,
    patient_birth_date: date | None = None,
    notes: str = "",
    address: str = "",
    occurred_at: datetime | None = None,
) -> Call | None:
    """Turn an escalated SOS event into a NEW `critical` call of the linked station.

    The station is the one linked to the SOS service (`SosLink`); without a link, returns
    None and creates nothing. Running it twice for one event returns the same call.
    The SOS side keeps `sos_event_id` -> call id for its own timeline. The SOS side passes
    plain values (the wearer's age at the event and emergency notes among them): ambulance
    never reads the SOS module's data.
    """
    station = station_for_sos_service(sos_service_id=sos_service_id)
    if station is None:
        return None
    intake = CallIntake(
        reason=_("SOS from a wearable: not accepted by any helper"),
        address=address
        or _("Location from the wearable: %(lat).5f, %(lon).5f") % {"lat": lat, "lon": lon},
        lat=lat,
        lon=lon,
        criticality=Criticality.CRITICAL,
        caller_phone=caller_phone,
        patient_name=patient_name,
        patient_age=patient_age,
        patient_birth_date=patient_birth_date,
        notes=notes,
    )
    return call_create(
        actor=None,
        organization=station,
        intake=intake,
        source=CallSource.SOS,
        sos_event_id=sos_event_id,
        received_at=occurred_at,
    )


def _locked(call: Call) -> Call:
    return Call.objects.select_for_update(of=("self",)).select_related("team").get(pk=call.pk)


def _transition(call: Call, to_status: str, *, actor: Any, now: datetime) -> str:
    """Set status and eTime on a locked call; return the previous status."""
    previous = call.status
    call.status = to_status
    field = _ETIME.get(to_status)
    if field:
        setattr(call, field, now)
    return previous


@transaction.atomic
def call_assign(*, actor: Any, call: Call, team: Team, reason: str = "") -> Call:
    """NEW -> ASSIGNED. The team must be of the station, on shift, with a serviceable car and
    no call in progress (checked under the team's row lock: two dispatchers assigning one
    team at once, exactly one wins). Choosing another than the best suggestion keeps why.
    The suggestions are ranked before any row is locked: with OSRM they take an HTTP request."""
    suggestions = call_suggestions(call=call) if call.status == CallStatus.NEW else []
    best = suggestions[0].team if suggestions else None
    call = _locked(call)
    if call.status != CallStatus.NEW:
        raise CallStateConflict()
    team = Team.objects.select_for_update(of=("self",)).select_related("car").get(pk=team.pk)
    if (
        team.organization_id != call.organization_id
        or team.dissolved_at is not None
        or not team.on_shift
    ):
        raise TeamNotAvailable()
    car: Car = team.car
    if not car.is_serviceable or car.deleted_at is not None:
        raise TeamNotAvailable(_("The team's car is out of service."))
    if Call.objects.filter(team=team, status__in=IN_PROGRESS_STATUSES).exists():
        raise TeamNotAvailable(_("The team is busy with another call."))
    now = timezone.now()
    previous = _transition(call, CallStatus.ASSIGNED, actor=actor, now=now)
    call.team = team
    call.requeued = False
    call.suggested_team_id = best.pk if best is not None else None
    call.override_reason = reason.strip()[:300] if best is not None and best.pk != team.pk else ""
    call.save(
        update_fields=[
            "status",
            "assigned_at",
            "team",
            "requeued",
            "suggested_team",
            "override_reason",
            "updated_at",
        ]
    )
    _log(
        call,
        from_status=previous,
        to_status=CallStatus.ASSIGNED,
        actor=actor,
        team=team,
        note=call.override_reason,
    )
    sos_hooks.call_changed(call=call, status=CallStatus.ASSIGNED, at=now, team_name=team.name)
    record(
        actor=actor,
        action="ambulance.call_assigned",
        target=call,
        metadata={
            "team": str(team.pk),
            "suggested_team": str(best.pk) if best else "",
            "override_reason": call.override_reason,
        },
    )
    crew = [
        m.user for m in TeamMember.objects.filter(team=team, is_active=True).select_related("user")
    ]
    notify_many(
        crew,
        "ambulance.call_assigned",
        [{"call_id": str(call.pk), "number": call.number, "address": call.address}] * len(crew),
        critical=True,
    )
    publish_on_commit(
        events.call_event(events.CALL_ASSIGNED, call), groups=events.call_audience(call)
    )
    return call


@transaction.atomic
def call_reject(
    *, actor: Any, call: Call, reason: str, note: str = "", duplicate_of: Call | None = None
) -> Call:
    """NEW -> REJECTED with a reason (duplicate, false call, referred elsewhere)."""
    if reason not in RejectReason.values:
        raise InvalidInput(errors={"reason": [_("Choose duplicate, false call or referred.")]})
    if duplicate_of is not None and (
        duplicate_of.organization_id != call.organization_id or duplicate_of.pk == call.pk
    ):
        raise InvalidInput(errors={"duplicate_of": [_("Choose another call of this station.")]})
    call = _locked(call)
    if call.status != CallStatus.NEW:
        raise CallStateConflict()
    previous = _transition(call, CallStatus.REJECTED, actor=actor, now=timezone.now())
    call.reject_reason = reason
    call.close_note = note.strip()[:300]
    call.duplicate_of = duplicate_of
    call.save(
        update_fields=[
            "status",
            "closed_at",
            "reject_reason",
            "close_note",
            "duplicate_of",
            "updated_at",
        ]
    )
    _log(call, from_status=previous, to_status=CallStatus.REJECTED, actor=actor, note=reason)
    sos_hooks.call_changed(call=call, status=CallStatus.REJECTED, at=call.closed_at)
    record(actor=actor, action="ambulance.call_rejected", target=call, metadata={"reason": reason})
    publish_on_commit(
        events.call_event(events.CALL_REJECTED, call), groups=events.call_audience(call)
    )
    return call


@transaction.atomic
def call_cancel(*, actor: Any, call: Call, note: str) -> Call:
    """Any open state -> CANCELLED (a dispatcher, with a reason); the team becomes free."""
    note = note.strip()[:300]
    if not note:
        raise InvalidInput(errors={"note": [_("Say why the call is cancelled.")]})
    call = _locked(call)
    if call.status not in OPEN_STATUSES:
        raise CallStateConflict()
    team = call.team
    previous = _transition(call, CallStatus.CANCELLED, actor=actor, now=timezone.now())
    call.close_note = note
    call.save(update_fields=["status", "closed_at", "close_note", "updated_at"])
    _log(
        call,
        from_status=previous,
        to_status=CallStatus.CANCELLED,
        actor=actor,
        team=team,
        note=note,
    )
    sos_hooks.call_changed(
        call=call,
        status=CallStatus.CANCELLED,
        at=call.closed_at,
        team_name=team.name if team else "",
    )
    record(actor=actor, action="ambulance.call_cancelled", target=call)
    publish_on_commit(
        events.call_event(events.CALL_UPDATED, call), groups=events.call_audience(call)
    )
    if team is not None and previous != CallStatus.NEW:
        publish_on_commit(
            events.team_event(events.TEAM_FREED, team),
            groups=[events.station_group(call.organization_id)],
        )
    return call


@transaction.atomic
def call_advance(*, actor: Any, call: Call, status: str) -> Call:
    """A crew step forward along `CREW_TRANSITIONS` (ASSIGNED -> EN_ROUTE -> ... -> COMPLETED)."""
    call = _locked(call)
    allowed = CREW_TRANSITIONS.get(call.status, frozenset())
    if status not in allowed:
        # Read by a person (the crew card shows it): statuses by their labels, never codes.
        raise CallStateConflict(
            _("From %(current)s the call can go to: %(allowed)s.")
            % {
                "current": CallStatus(call.status).label,
                "allowed": ", ".join(str(CallStatus(s).label) for s in sorted(allowed)) or "-",
            }
        )
    previous = _transition(call, status, actor=actor, now=timezone.now())
    call.save(update_fields=["status", _ETIME[status], "updated_at"])
    _log(call, from_status=previous, to_status=status, actor=actor, team=call.team)
    if status == CallStatus.COMPLETED:
        sos_hooks.call_changed(
            call=call,
            status=status,
            at=call.completed_at,
            team_name=call.team.name if call.team else "",
        )
    record(
        actor=actor,
        action="ambulance.call_advanced",
        target=call,
        metadata={"from": previous, "to": status},
    )
    if status == CallStatus.COMPLETED:
        publish_on_commit(
            events.call_event(events.CALL_COMPLETED, call), groups=events.call_audience(call)
        )
        if call.team is not None:
            publish_on_commit(
                events.team_event(events.TEAM_FREED, call.team),
                groups=[events.station_group(call.organization_id)],
            )
    else:
        publish_on_commit(
            events.call_event(events.CALL_UPDATED, call), groups=events.call_audience(call)
        )
    movement = _MOVEMENT.get(status)
    if movement is not None and call.team_id is not None:
        publish_on_commit(
            events.call_event(movement, call), groups=[events.team_group(call.team_id)]
        )
    return call


@transaction.atomic
def call_mark_at_patient(*, actor: Any, call: Call) -> Call:
    """Stamp NEMSIS "arrived at patient" (eTimes.07) on a call ON_SCENE, once: the status
    does not change (the crew then transports or completes). Outside ON_SCENE, or a second
    time, 409 `ambulance.call_state_conflict` and nothing changes."""
    call = _locked(call)
    if call.status != CallStatus.ON_SCENE:
        raise CallStateConflict(_("The crew reaches the patient once on scene."))
    if call.at_patient_at is not None:
        raise CallStateConflict(_("The time at the patient is already recorded."))
    call.at_patient_at = timezone.now()
    call.save(update_fields=["at_patient_at", "updated_at"])
    record(actor=actor, action="ambulance.call_at_patient", target=call)
    publish_on_commit(
        events.call_event(events.CALL_UPDATED, call), groups=events.call_audience(call)
    )
    return call


# A crew step that starts or ends a drive (the crew socket's `move_started`/`move_finished`).
_MOVEMENT: dict[str, str] = {
    CallStatus.EN_ROUTE: events.TEAM_MOVE_STARTED,
    CallStatus.TRANSPORTING: events.TEAM_MOVE_STARTED,
    CallStatus.ON_SCENE: events.TEAM_MOVE_FINISHED,
    CallStatus.AT_HOSPITAL: events.TEAM_MOVE_FINISHED,
}


@transaction.atomic
def call_report_trouble(*, actor: Any, call: Call, kind: str, note: str = "") -> Call:
    """ASSIGNED or EN_ROUTE -> TROUBLE -> NEW: the call goes back to the head of its
    criticality without a team; a broken car becomes unserviceable and admins are told."""
    if kind not in TroubleKind.values:
        raise InvalidInput(errors={"kind": [_("Choose car broken, crew or external.")]})
    call = _locked(call)
    if call.status not in (CallStatus.ASSIGNED, CallStatus.EN_ROUTE):
        raise CallStateConflict()
    team = call.team
    previous = call.status
    call.status = CallStatus.NEW
    call.team = None
    call.requeued = True
    call.assigned_at = None
    call.en_route_at = None
    call.save(
        update_fields=["status", "team", "requeued", "assigned_at", "en_route_at", "updated_at"]
    )
    note = note.strip()[:300]
    _log(
        call,
        from_status=previous,
        to_status=CallStatus.TROUBLE,
        actor=actor,
        team=team,
        trouble_kind=kind,
        note=note,
    )
    _log(call, from_status=CallStatus.TROUBLE, to_status=CallStatus.NEW, actor=actor)
    sos_hooks.call_changed(
        call=call,
        status=CallStatus.TROUBLE,
        at=timezone.now(),
        team_name=team.name if team else "",
    )
    record(
        actor=actor,
        action="ambulance.call_trouble_reported",
        target=call,
        metadata={"kind": kind, "team": str(team.pk) if team else ""},
    )
    if kind == TroubleKind.CAR_BROKEN and team is not None:
        car_set_serviceable(
            actor=actor,
            car=team.car,
            is_serviceable=False,
            reason=note or _("Broken down during a call"),
        )
        admins = list(
            User.objects.filter(
                pk__in=member_user_ids(
                    organization_id=call.organization_id, roles=[Role.AMBULANCE_ADMIN]
                )
            )
        )
        notify_many(
            admins,
            "ambulance.car_broken",
            [{"plate": team.car.plate, "team": team.name}] * len(admins),
        )
    dispatchers = _dispatchers(call.organization_id)
    notify_many(
        dispatchers,
        "ambulance.call_returned",
        [{"call_id": str(call.pk), "number": call.number}] * len(dispatchers),
    )
    publish_on_commit(
        events.call_event(events.CALL_TROUBLE_REPORTED, call),
        groups=events.call_audience(call, team_id=team.pk if team else None),
    )
    return call
