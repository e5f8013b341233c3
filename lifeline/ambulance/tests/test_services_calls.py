import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance import selectors
from lifeline.ambulance.enums import CallSource, CallStatus, Criticality
from lifeline.ambulance.exceptions import CallStateConflict, TeamNotAvailable
from lifeline.ambulance.models import Call, CallTransition
from lifeline.ambulance.services.calls import (
    CallIntake,
    call_advance,
    call_assign,
    call_cancel,
    call_create,
    call_create_from_sos,
    call_reject,
    call_report_trouble,
)
from lifeline.ambulance.tests.factories import CallFactory, SosLinkFactory, TeamFactory
from lifeline.audit.models import AuditEvent
from lifeline.core.exceptions import InvalidInput
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _intake(**overrides: Any) -> CallIntake:
    fields: dict[str, Any] = {
        "reason": "Chest pain",
        "address": "Nevsky 28",
        "lat": 59.93,
        "lon": 30.33,
        "criticality": Criticality.CRITICAL,
        "caller_phone": "+79111234567",
        "determinant_code": "10-d-1",
    }
    fields.update(overrides)
    return CallIntake(**fields)


def test_call_create_numbers_calls_and_logs_the_first_step(
    station: Any, dispatcher: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = call_create(actor=dispatcher, organization=station, intake=_intake())
        second = call_create(actor=dispatcher, organization=station, intake=_intake())
    assert (first.number, second.number) == (1, 2)
    assert (first.status, first.determinant_code, first.criticality_rank) == ("NEW", "10-D-1", 0)
    assert list(first.transitions.values_list("from_status", "to_status", "actor_id")) == [
        ("", "NEW", dispatcher.pk)
    ]
    assert AuditEvent.objects.filter(action="ambulance.call_created").count() == 2
    assert len(callbacks) == 2  # one publish per call


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lat": 91.0}, "lat"),
        ({"lon": -180.5}, "lon"),
        ({"criticality": "urgent"}, "criticality"),
        ({"determinant_code": "10-Z-1"}, "determinant_code"),
        ({"reason": " "}, "reason"),
        ({"patient_age": 151}, "patient_age"),
    ],
)
def test_call_create_refuses_bad_input_and_stores_nothing(
    station: Any, dispatcher: Any, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as exc:
        call_create(actor=dispatcher, organization=station, intake=_intake(**overrides))
    assert list(exc.value.errors or {}) == [field]
    assert Call.objects.count() == 0


def test_call_create_is_idempotent_on_its_key(station: Any) -> None:
    first = call_create(
        actor=None,
        organization=station,
        intake=_intake(),
        idempotency_key="k1",
        source=CallSource.INTAKE,
    )
    again = call_create(
        actor=None,
        organization=station,
        intake=_intake(),
        idempotency_key="k1",
        source=CallSource.INTAKE,
    )
    assert again.pk == first.pk
    assert Call.objects.count() == 1


def test_queue_is_criticality_then_oldest_first(station: Any, dispatcher: Any) -> None:
    now = timezone.now()
    newer_critical = CallFactory(organization=station, criticality="critical", received_at=now)
    common = CallFactory(
        organization=station, criticality="common", received_at=now - timedelta(hours=1)
    )
    older_critical = CallFactory(
        organization=station, criticality="critical", received_at=now - timedelta(minutes=5)
    )
    important = CallFactory(organization=station, criticality="important", received_at=now)
    CallFactory(organization=station, criticality="critical", status=CallStatus.ASSIGNED)
    queue = list(selectors.call_queue_for(actor=dispatcher))
    assert queue == [older_critical, newer_critical, important, common]


def test_assign_then_crew_moves_the_call_to_completion(
    station: Any, dispatcher: Any, team: Any
) -> None:
    call = CallFactory(organization=station)
    crew = team.lead
    call_assign(actor=dispatcher, call=call, team=team)
    for step in ["EN_ROUTE", "ON_SCENE", "TRANSPORTING", "AT_HOSPITAL", "COMPLETED"]:
        call = call_advance(actor=crew, call=call, status=step)
    call.refresh_from_db()
    assert call.status == "COMPLETED"
    assert all(
        [
            call.assigned_at,
            call.en_route_at,
            call.on_scene_at,
            call.transporting_at,
            call.at_hospital_at,
            call.completed_at,
        ]
    )
    assert list(call.transitions.values_list("to_status", flat=True)) == [
        "ASSIGNED",
        "EN_ROUTE",
        "ON_SCENE",
        "TRANSPORTING",
        "AT_HOSPITAL",
        "COMPLETED",
    ]
    notified = Notification.objects.filter(topic="ambulance.call_assigned", critical=True)
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(
        team.members.values_list("user_id", flat=True)
    )


def test_treated_on_scene_completes_from_on_scene(station: Any, dispatcher: Any, team: Any) -> None:
    call = CallFactory(organization=station, team=team, status=CallStatus.ON_SCENE)
    assert call_advance(actor=team.lead, call=call, status="COMPLETED").status == "COMPLETED"


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("ASSIGNED", "ON_SCENE"),
        ("EN_ROUTE", "COMPLETED"),
        ("NEW", "EN_ROUTE"),
        ("COMPLETED", "EN_ROUTE"),
        ("ASSIGNED", "CANCELLED"),
    ],
)
def test_crew_cannot_skip_steps(team: Any, current: str, target: str) -> None:
    call = CallFactory(organization=team.organization, team=team, status=current)
    with pytest.raises(CallStateConflict):
        call_advance(actor=team.lead, call=call, status=target)
    call.refresh_from_db()
    assert call.status == current


def test_assign_refuses_a_call_that_is_not_new(dispatcher: Any, team: Any) -> None:
    call = CallFactory(organization=team.organization, status=CallStatus.REJECTED)
    with pytest.raises(CallStateConflict):
        call_assign(actor=dispatcher, call=call, team=team)


@pytest.mark.parametrize(
    "problem", ["busy", "off_shift", "broken_car", "other_station", "dissolved"]
)
def test_assign_refuses_a_team_that_cannot_go(station: Any, dispatcher: Any, problem: str) -> None:
    team = TeamFactory(organization=station)
    call = CallFactory(organization=station)
    if problem == "busy":
        CallFactory(organization=station, team=team, status=CallStatus.EN_ROUTE)
    elif problem == "off_shift":
        team.on_shift = False
        team.save()
    elif problem == "broken_car":
        team.car.is_serviceable = False
        team.car.save()
    elif problem == "other_station":
        team = TeamFactory()
    elif problem == "dissolved":
        team.dissolved_at = timezone.now()
        team.save()
    with pytest.raises(TeamNotAvailable):
        call_assign(actor=dispatcher, call=call, team=team)
    call.refresh_from_db()
    assert (call.status, call.team_id) == ("NEW", None)


def test_assigning_another_than_the_nearest_keeps_the_override_reason(
    station: Any, dispatcher: Any
) -> None:
    near = TeamFactory(organization=station, name="Near", lat=59.9344, lon=30.3352)
    far = TeamFactory(organization=station, name="Far", lat=60.1, lon=30.6)
    call = CallFactory(organization=station, lat=59.9343, lon=30.3351)
    assert [s.team.pk for s in selectors.call_suggestions(call=call)] == [near.pk, far.pk]
    call = call_assign(
        actor=dispatcher, call=call, team=far, reason="Near team has no defibrillator"
    )
    assert (call.suggested_team_id, call.override_reason) == (
        near.pk,
        "Near team has no defibrillator",
    )


def test_reject_only_new_and_with_a_known_reason(station: Any, dispatcher: Any) -> None:
    call = CallFactory(organization=station)
    with pytest.raises(InvalidInput):
        call_reject(actor=dispatcher, call=call, reason="boring")
    original = CallFactory(organization=station)
    call = call_reject(actor=dispatcher, call=call, reason="duplicate", duplicate_of=original)
    assert (call.status, call.reject_reason, call.duplicate_of_id) == (
        "REJECTED",
        "duplicate",
        original.pk,
    )
    with pytest.raises(CallStateConflict):
        call_reject(actor=dispatcher, call=call, reason="false_call")


def test_cancel_any_open_call_with_a_reason(dispatcher: Any, team: Any) -> None:
    call = CallFactory(organization=team.organization, team=team, status=CallStatus.ON_SCENE)
    with pytest.raises(InvalidInput):
        call_cancel(actor=dispatcher, call=call, note="")
    call = call_cancel(actor=dispatcher, call=call, note="Patient left")
    assert (call.status, call.close_note) == ("CANCELLED", "Patient left")
    with pytest.raises(CallStateConflict):
        call_cancel(actor=dispatcher, call=call, note="again")


def test_trouble_with_a_broken_car_requeues_at_the_head_and_alerts_admins(
    station: Any, dispatcher: Any, admin: Any, team: Any
) -> None:
    older = CallFactory(
        organization=station,
        criticality="critical",
        received_at=timezone.now() - timedelta(hours=1),
    )
    call = CallFactory(organization=station, criticality="critical")
    call_assign(actor=dispatcher, call=call, team=team)
    call_advance(actor=team.lead, call=call, status="EN_ROUTE")
    call = call_report_trouble(actor=team.lead, call=call, kind="car_broken", note="Engine")
    assert (call.status, call.team_id, call.requeued) == ("NEW", None, True)
    assert list(selectors.call_queue_for(actor=dispatcher)) == [call, older]
    team.car.refresh_from_db()
    assert (team.car.is_serviceable, team.car.unserviceable_reason) == (False, "Engine")
    assert list(
        Notification.objects.filter(topic="ambulance.car_broken").values_list(
            "recipient_id", flat=True
        )
    ) == [admin.pk]
    trouble = CallTransition.objects.get(call=call, to_status="TROUBLE")
    assert (trouble.from_status, trouble.trouble_kind, trouble.team_id) == (
        "EN_ROUTE",
        "car_broken",
        team.pk,
    )


def test_trouble_refused_once_on_scene(team: Any) -> None:
    call = CallFactory(organization=team.organization, team=team, status=CallStatus.ON_SCENE)
    with pytest.raises(CallStateConflict):
        call_report_trouble(actor=team.lead, call=call, kind="crew")


def test_sos_event_becomes_one_critical_call_of_the_linked_station() -> None:
    link = SosLinkFactory()
    event_id = uuid.uuid4()
    kwargs: dict[str, Any] = {
        "sos_event_id": event_id,
        "sos_service_id": link.sos_service_id,
        "lat": 41.31,
        "lon": 69.24,
        "patient_name": "Anna",
        "caller_phone": "+998901234567",
        "patient_age": 71,
        "notes": "Diabetes",
    }
    call = call_create_from_sos(**kwargs)
    again = call_create_from_sos(**kwargs)
    assert call is not None
    assert again is not None
    assert again.pk == call.pk
    assert (
        call.organization_id,
        call.criticality,
        call.source,
        call.sos_event_id,
        call.patient_age,
    ) == (link.station_id, "critical", "sos", event_id, 71)


def test_sos_without_a_linked_station_creates_nothing() -> None:
    call = call_create_from_sos(
        sos_event_id=uuid.uuid4(), sos_service_id=uuid.uuid4(), lat=1.0, lon=2.0
    )
    assert call is None
    assert Call.objects.count() == 0


def test_possible_duplicates_same_phone_or_within_100_m(station: Any) -> None:
    now = timezone.now()
    call = CallFactory(
        organization=station, caller_phone="+7900", lat=59.9343, lon=30.3351, received_at=now
    )
    same_phone = CallFactory(
        organization=station,
        caller_phone="+7900",
        lat=60.5,
        lon=31.0,
        received_at=now - timedelta(minutes=5),
    )
    near = CallFactory(
        organization=station, lat=59.9348, lon=30.3352, received_at=now - timedelta(minutes=1)
    )
    CallFactory(organization=station, lat=59.95, lon=30.36, received_at=now - timedelta(minutes=1))
    CallFactory(organization=station, caller_phone="+7900", received_at=now - timedelta(minutes=40))
    CallFactory(
        organization=station,
        caller_phone="+7900",
        status=CallStatus.COMPLETED,
        received_at=now - timedelta(minutes=3),
    )
    assert selectors.call_possible_duplicates(call=call) == [same_phone, near]


def test_crew_of_another_team_cannot_see_the_call(station: Any, team: Any) -> None:
    other = TeamFactory(organization=station)
    call = CallFactory(organization=station, team=team, status=CallStatus.ASSIGNED)
    assert list(selectors.call_list_for(actor=team.lead)) == [call]
    assert list(selectors.call_list_for(actor=other.lead)) == []
    assert list(selectors.call_list_for(actor=user_with_role(Role.DISPATCHER))) == []
