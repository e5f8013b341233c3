from typing import Any

import pytest

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.exceptions import (
    CarInActiveTeam,
    TeamCompositionInvalid,
    TeamHasCallInProgress,
)
from lifeline.ambulance.models import Car, CarStatusChange, Team, TeamMember
from lifeline.ambulance.services.cars import car_create, car_delete, car_set_serviceable
from lifeline.ambulance.services.teams import team_create, team_dissolve, team_set_shift
from lifeline.ambulance.tests.factories import CallFactory, CarFactory, StationFactory, TeamFactory
from lifeline.audit.models import AuditEvent
from lifeline.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db


def test_car_create_normalizes_the_plate_and_audits(station: Any, admin: Any) -> None:
    car = car_create(
        actor=admin, organization=station, plate="a 123 bc 78", model="Transit", equipment_class="C"
    )
    assert (car.plate, car.equipment_class, car.is_serviceable) == ("А123ВС78", "C", True)
    assert (
        AuditEvent.objects.filter(action="ambulance.car_created", target_id=str(car.pk)).count()
        == 1
    )


def test_car_create_refuses_a_bad_plate_and_stores_nothing(station: Any, admin: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        car_create(actor=admin, organization=station, plate="Б12", model="", equipment_class="B")
    assert list(exc.value.errors or {}) == ["plate"]
    assert Car.objects.count() == 0


def test_car_create_refuses_a_duplicate_plate(station: Any, admin: Any) -> None:
    CarFactory(organization=station, plate="А123ВС78")
    with pytest.raises(InvalidInput) as exc:
        car_create(
            actor=admin, organization=station, plate="А123ВС78", model="", equipment_class="B"
        )
    assert list(exc.value.errors or {}) == ["plate"]


def test_serviceable_changes_are_logged_with_reason(admin: Any) -> None:
    car = CarFactory()
    car_set_serviceable(actor=admin, car=car, is_serviceable=False, reason="Brakes")
    car_set_serviceable(actor=admin, car=car, is_serviceable=True)
    car.refresh_from_db()
    assert (car.is_serviceable, car.unserviceable_reason) == (True, "")
    log = list(
        CarStatusChange.objects.filter(car=car)
        .order_by("created_at", "id")
        .values_list("is_serviceable", "reason", "actor_id")
    )
    assert log == [(False, "Brakes", admin.pk), (True, "", admin.pk)]


def test_out_of_service_needs_a_reason(admin: Any) -> None:
    car = CarFactory()
    with pytest.raises(InvalidInput) as exc:
        car_set_serviceable(actor=admin, car=car, is_serviceable=False, reason=" ")
    assert list(exc.value.errors or {}) == ["reason"]
    assert CarStatusChange.objects.count() == 0


def test_car_in_an_active_team_cannot_be_deleted(team: Any, admin: Any) -> None:
    with pytest.raises(CarInActiveTeam):
        car_delete(actor=admin, car=team.car)
    team.car.refresh_from_db()
    assert team.car.deleted_at is None


def test_car_delete_is_soft(admin: Any) -> None:
    car = CarFactory()
    car_delete(actor=admin, car=car)
    car.refresh_from_db()
    assert car.deleted_at is not None


def _crew(station: Any, n: int = 3) -> list[Any]:
    return [user_with_role(Role.CREW, station) for _ in range(n)]


def test_team_create_with_three_free_crew_and_a_free_car(station: Any, admin: Any) -> None:
    crew = _crew(station)
    car = CarFactory(organization=station)
    team = team_create(
        actor=admin,
        organization=station,
        name="Team 1",
        car=car,
        member_ids=[u.pk for u in crew],
        lead_id=crew[1].pk,
    )
    assert team.lead_id == crew[1].pk
    assert set(
        TeamMember.objects.filter(team=team, is_active=True).values_list("user_id", flat=True)
    ) == {u.pk for u in crew}


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("two_members", "members"),
        ("same_member_twice", "members"),
        ("not_crew", "members"),
        ("crew_of_another_station", "members"),
        ("member_in_other_team", "members"),
        ("lead_not_member", "lead"),
        ("broken_car", "car"),
        ("car_in_other_team", "car"),
        ("car_of_another_station", "car"),
    ],
)
def test_team_create_refusals_name_the_field_and_store_nothing(
    station: Any, admin: Any, case: str, field: str
) -> None:
    crew = _crew(station)
    car = CarFactory(organization=station)
    members = [u.pk for u in crew]
    lead = crew[0].pk
    if case == "two_members":
        members = members[:2]
    elif case == "same_member_twice":
        members = [crew[0].pk, crew[0].pk, crew[1].pk]
    elif case == "not_crew":
        members[2] = user_with_role(Role.DISPATCHER, station).pk
    elif case == "crew_of_another_station":
        members[2] = user_with_role(Role.CREW, StationFactory()).pk
    elif case == "member_in_other_team":
        other = TeamFactory(organization=station)
        members[2] = other.lead_id
    elif case == "lead_not_member":
        lead = user_with_role(Role.CREW, station).pk
    elif case == "broken_car":
        car.is_serviceable = False
        car.save()
    elif case == "car_in_other_team":
        car = TeamFactory(organization=station).car
    elif case == "car_of_another_station":
        car = CarFactory()
    teams_before = Team.objects.count()
    with pytest.raises(TeamCompositionInvalid) as exc:
        team_create(
            actor=admin, organization=station, name="T", car=car, member_ids=members, lead_id=lead
        )
    assert list(exc.value.errors or {}) == [field]
    assert Team.objects.count() == teams_before


def test_team_with_a_call_in_progress_cannot_be_dissolved_or_go_off_shift(
    team: Any, admin: Any
) -> None:
    CallFactory(organization=team.organization, team=team, status=CallStatus.EN_ROUTE)
    with pytest.raises(TeamHasCallInProgress):
        team_dissolve(actor=admin, team=team)
    with pytest.raises(TeamHasCallInProgress):
        team_set_shift(actor=admin, team=team, on_shift=False)
    team.refresh_from_db()
    assert (team.dissolved_at, team.on_shift) == (None, True)


def test_dissolving_frees_the_members_and_the_car(team: Any, admin: Any) -> None:
    CallFactory(organization=team.organization, team=team, status=CallStatus.COMPLETED)
    team_dissolve(actor=admin, team=team)
    assert TeamMember.objects.filter(team=team, is_active=True).count() == 0
    crew = list(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
    again = team_create(
        actor=admin,
        organization=team.organization,
        name="Again",
        car=team.car,
        member_ids=crew,
        lead_id=crew[0],
    )
    assert again.car_id == team.car_id
