from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lifeline.access.enums import Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.models import Call, Car, Team
from lifeline.ambulance.services.intake import intake_key_create
from lifeline.ambulance.tests.conftest import client_for
from lifeline.ambulance.tests.factories import CallFactory, CarFactory, StationFactory, TeamFactory
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/ambulance"
CALL_BODY = {
    "reason": "Chest pain",
    "address": "Nevsky 28",
    "lat": 59.93,
    "lon": 30.33,
    "criticality": "critical",
    "caller_phone": "+79111234567",
    "patient_name": "Иванов Иван Иванович",
    "patient_sex": "male",
    "patient_age": 58,
    "determinant_code": "10-D-1",
}


def test_permission_matrix(station: Any, team: Any) -> None:
    new_call = CallFactory(organization=station)
    assigned = CallFactory(organization=station, team=team, status=CallStatus.ASSIGNED)
    car = CarFactory(organization=station)
    free_crew = [user_with_role(Role.CREW, station) for _ in range(3)]
    other_team = TeamFactory(organization=station)
    actors = {"team_crew": lambda: team.lead, "other_team_crew": lambda: other_team.lead}
    team_body = {
        "name": "New",
        "car": str(car.pk),
        "members": [str(u.pk) for u in free_crew],
        "lead": str(free_crew[0].pk),
    }
    calls, one = f"{API}/calls/", f"{API}/calls/{new_call.pk}/"
    assign = f"{one}assign/"
    advance = f"{API}/calls/{assigned.pk}/advance/"
    position = f"{API}/teams/{team.pk}/position/"
    serviceable = f"{API}/cars/{car.pk}/serviceable/"
    assign_body = {"team": str(other_team.pk)}
    cases = [
        # The queue.
        Case("anonymous", "get", calls, 401),
        Case("no_role", "get", calls, 403),
        Case(Role.DISPATCHER, "get", calls, 200),
        Case(Role.AMBULANCE_ADMIN, "get", calls, 200),
        Case("team_crew", "get", calls, 200),
        Case("other:dispatcher", "get", calls, 200),
        # Intake by a dispatcher.
        Case("anonymous", "post", calls, 401, CALL_BODY),
        Case(Role.DISPATCHER, "post", calls, 201, CALL_BODY),
        Case(Role.AMBULANCE_ADMIN, "post", calls, 403, CALL_BODY),
        Case("team_crew", "post", calls, 403, CALL_BODY),
        Case("no_role", "post", calls, 403, CALL_BODY),
        # One call (patient data).
        Case("anonymous", "get", one, 401),
        Case(Role.DISPATCHER, "get", one, 200),
        Case(Role.AMBULANCE_ADMIN, "get", one, 200),
        Case("team_crew", "get", one, 404),
        Case("other:dispatcher", "get", one, 404),
        Case("other:ambulance_admin", "get", one, 404),
        # Assign.
        Case("anonymous", "post", assign, 401, assign_body),
        Case(Role.DISPATCHER, "post", assign, 200, assign_body),
        Case(Role.AMBULANCE_ADMIN, "post", assign, 403, assign_body),
        Case("team_crew", "post", assign, 404, assign_body),
        Case("other:dispatcher", "post", assign, 404, assign_body),
        # Crew steps.
        Case("anonymous", "post", advance, 401, {"status": "EN_ROUTE"}),
        Case("team_crew", "post", advance, 200, {"status": "EN_ROUTE"}),
        Case("other_team_crew", "post", advance, 404, {"status": "EN_ROUTE"}),
        Case(Role.DISPATCHER, "post", advance, 403, {"status": "EN_ROUTE"}),
        Case(Role.AMBULANCE_ADMIN, "post", advance, 403, {"status": "EN_ROUTE"}),
        Case("other:crew", "post", advance, 404, {"status": "EN_ROUTE"}),
        # Position of a team.
        Case("team_crew", "post", position, 204, {"lat": 59.9, "lon": 30.3}),
        Case("other_team_crew", "post", position, 404, {"lat": 59.9, "lon": 30.3}),
        Case(Role.DISPATCHER, "post", position, 403, {"lat": 59.9, "lon": 30.3}),
        Case("other:crew", "post", position, 404, {"lat": 59.9, "lon": 30.3}),
        # Teams and cars.
        Case("anonymous", "get", f"{API}/teams/", 401),
        Case(Role.DISPATCHER, "get", f"{API}/teams/", 200),
        Case("team_crew", "get", f"{API}/teams/", 200),
        Case("no_role", "get", f"{API}/teams/", 403),
        Case(Role.AMBULANCE_ADMIN, "post", f"{API}/teams/", 201, team_body),
        Case(Role.DISPATCHER, "post", f"{API}/teams/", 403, team_body),
        Case("team_crew", "post", f"{API}/teams/", 403, team_body),
        Case("other:ambulance_admin", "post", f"{API}/teams/", 404, team_body),
        Case(
            Role.AMBULANCE_ADMIN,
            "post",
            f"{API}/cars/",
            201,
            {"plate": "Х777ХХ78", "equipment_class": "C"},
        ),
        Case(
            Role.DISPATCHER,
            "post",
            f"{API}/cars/",
            403,
            {"plate": "Х777ХХ78", "equipment_class": "C"},
        ),
        Case(
            "anonymous", "post", f"{API}/cars/", 401, {"plate": "Х777ХХ78", "equipment_class": "C"}
        ),
        Case(
            Role.AMBULANCE_ADMIN,
            "post",
            serviceable,
            200,
            {"is_serviceable": False, "reason": "Brakes"},
        ),
        Case(
            Role.DISPATCHER, "post", serviceable, 403, {"is_serviceable": False, "reason": "Brakes"}
        ),
        Case("team_crew", "post", serviceable, 404, {"is_serviceable": False, "reason": "Brakes"}),
        Case(
            "other:ambulance_admin",
            "post",
            serviceable,
            404,
            {"is_serviceable": False, "reason": "Brakes"},
        ),
    ]
    assert_permission_matrix(cases, organization=station, actors=actors)


def test_other_station_cannot_change_a_call(station: Any, team: Any) -> None:
    call = CallFactory(organization=station)
    outsider = user_with_role(Role.DISPATCHER, StationFactory())
    response = client_for(outsider).post(
        f"{API}/calls/{call.pk}/reject/", {"reason": "false_call"}, format="json"
    )
    assert response.status_code == 404
    call.refresh_from_db()
    assert (call.status, call.reject_reason) == ("NEW", "")


def test_dispatcher_files_a_call_and_the_queue_shows_it(station: Any, dispatcher: Any) -> None:
    client = client_for(dispatcher)
    response = client.post(f"{API}/calls/", CALL_BODY, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["number"], body["determinant_code"], body["team"]) == (
        "NEW",
        1,
        "10-D-1",
        None,
    )
    assert "password" not in response.content.decode()
    queue = client.get(f"{API}/calls/").json()
    assert [c["id"] for c in queue["results"]] == [body["id"]]
    assert "patient_name" not in queue["results"][0]


def test_a_client_cannot_create_an_assigned_call(station: Any, dispatcher: Any, team: Any) -> None:
    body = {**CALL_BODY, "status": "ASSIGNED", "team": str(team.pk)}
    response = client_for(dispatcher).post(f"{API}/calls/", body, format="json")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["team"]) == ("NEW", None)


def test_invalid_call_is_a_problem_naming_the_field(station: Any, dispatcher: Any) -> None:
    response = client_for(dispatcher).post(
        f"{API}/calls/", {**CALL_BODY, "lat": 95, "determinant_code": "x"}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert sorted(response.json()["errors"]) == ["lat"]
    assert Call.objects.count() == 0


def test_assigning_a_busy_team_is_409(station: Any, dispatcher: Any, team: Any) -> None:
    CallFactory(organization=station, team=team, status=CallStatus.ON_SCENE)
    call = CallFactory(organization=station)
    response = client_for(dispatcher).post(
        f"{API}/calls/{call.pk}/assign/", {"team": str(team.pk)}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "ambulance.team_not_available"


def test_call_detail_read_is_audited(station: Any, dispatcher: Any) -> None:
    call = CallFactory(organization=station)
    response = client_for(dispatcher).get(f"{API}/calls/{call.pk}/")
    assert response.status_code == 200
    assert response.json()["patient_name"] == "Иванов Иван"
    assert (
        AuditEvent.objects.filter(
            action="ambulance.call_viewed", target_id=str(call.pk), actor_id=str(dispatcher.pk)
        ).count()
        == 1
    )


def test_suggestions_rank_free_teams_by_eta(station: Any, dispatcher: Any) -> None:
    near = TeamFactory(organization=station, name="Near", lat=59.935, lon=30.336)
    far = TeamFactory(organization=station, name="Far", lat=60.0, lon=30.5)
    busy = TeamFactory(organization=station, name="Busy", lat=59.9343, lon=30.3351)
    CallFactory(organization=station, team=busy, status=CallStatus.EN_ROUTE)
    call = CallFactory(organization=station, lat=59.9343, lon=30.3351)
    body = client_for(dispatcher).get(f"{API}/calls/{call.pk}/suggestions/").json()
    assert [row["team"]["id"] for row in body] == [str(near.pk), str(far.pk)]
    assert body[0]["distance_m"] == 93


def test_intake_needs_a_valid_key(station: Any) -> None:
    anonymous = client_for(None)
    assert anonymous.post(f"{API}/intake/calls/", CALL_BODY, format="json").status_code == 401
    response = anonymous.post(
        f"{API}/intake/calls/", CALL_BODY, format="json", HTTP_X_API_KEY="amb_wrong"
    )
    assert response.status_code == 401
    assert Call.objects.count() == 0


def test_intake_files_a_new_call_for_the_keys_station_once(station: Any) -> None:
    _key, raw = intake_key_create(actor=None, organization=station, name="PBX")
    client = client_for(None)
    headers = {"HTTP_X_API_KEY": raw, "HTTP_IDEMPOTENCY_KEY": "pbx-1"}
    body = {**CALL_BODY, "status": "ASSIGNED"}
    first = client.post(f"{API}/intake/calls/", body, format="json", **headers)
    again = client.post(f"{API}/intake/calls/", body, format="json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    call = Call.objects.get()
    assert (call.organization_id, call.status, call.source) == (station.pk, "NEW", "intake")


def test_revoked_key_is_refused(station: Any) -> None:
    key, raw = intake_key_create(actor=None, organization=station, name="PBX")
    key.is_active = False
    key.save()
    response = client_for(None).post(
        f"{API}/intake/calls/", CALL_BODY, format="json", HTTP_X_API_KEY=raw
    )
    assert response.status_code == 401


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_call_list_queries_do_not_grow_with_rows(
    station: Any, dispatcher: Any, django_assert_num_queries: Any
) -> None:
    team = TeamFactory(organization=station)
    CallFactory.create_batch(3, organization=station)
    client = client_for(dispatcher)
    with django_assert_num_queries(4):  # stations+count, page, audit insert (+ savepoint)
        client.get(f"{API}/calls/")
    CallFactory.create_batch(10, organization=station)
    CallFactory.create_batch(5, organization=station, team=team, status=CallStatus.ASSIGNED)
    with django_assert_num_queries(4):
        client.get(f"{API}/calls/")
    with django_assert_num_queries(4):
        client.get(f"{API}/calls/?status=ASSIGNED")


def test_team_and_car_lists_queries_do_not_grow_with_rows(station: Any, dispatcher: Any) -> None:
    TeamFactory(organization=station)
    client = client_for(dispatcher)
    teams_before = _queries(client, f"{API}/teams/")
    cars_before = _queries(client, f"{API}/cars/")
    TeamFactory.create_batch(4, organization=station)
    assert _queries(client, f"{API}/teams/") == teams_before
    assert _queries(client, f"{API}/cars/") == cars_before
    assert (Team.objects.count(), Car.objects.count()) == (5, 5)
