"""NEMSIS eTimes.07 "arrived at patient": the crew's "At patient" while ON_SCENE, once."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lifeline.ambulance import reports
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.models import Call
from lifeline.ambulance.tests.conftest import client_for
from lifeline.ambulance.tests.factories import CallFactory, TeamFactory
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/ambulance"


def test_crew_records_at_patient_once_on_scene(station: Any, team: Any) -> None:
    call = CallFactory(organization=station, team=team, status=CallStatus.ON_SCENE)

    response = client_for(team.lead).post(f"{API}/calls/{call.pk}/at-patient/")
    again = client_for(team.lead).post(f"{API}/calls/{call.pk}/at-patient/")

    call.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["at_patient_at"] == call.at_patient_at.isoformat().replace("+00:00", "Z")
    assert response.json()["status"] == "ON_SCENE"
    assert (again.status_code, again.json()["code"]) == (409, "ambulance.call_state_conflict")
    assert AuditEvent.objects.filter(action="ambulance.call_at_patient").count() == 1


@pytest.mark.parametrize("status", ["ASSIGNED", "EN_ROUTE", "TRANSPORTING", "COMPLETED"])
def test_at_patient_outside_on_scene_is_409_and_stores_nothing(
    station: Any, team: Any, status: str
) -> None:
    call = CallFactory(organization=station, team=team, status=status)

    response = client_for(team.lead).post(f"{API}/calls/{call.pk}/at-patient/")

    assert (response.status_code, response.json()["code"]) == (
        409,
        "ambulance.call_state_conflict",
    )
    assert Call.objects.get(pk=call.pk).at_patient_at is None


def test_another_teams_crew_gets_404_and_nothing_changes(station: Any, team: Any) -> None:
    call = CallFactory(organization=station, team=team, status=CallStatus.ON_SCENE)
    other = TeamFactory(organization=station)

    response = client_for(other.lead).post(f"{API}/calls/{call.pk}/at-patient/")

    assert response.status_code == 404
    assert Call.objects.get(pk=call.pk).at_patient_at is None


def test_crew_card_has_the_button_then_shows_the_time(station: Any, team: Any) -> None:
    call = CallFactory(organization=station, team=team, status=CallStatus.ON_SCENE)
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(team.lead)

    before = client.get("/ambulance/crew/").content.decode()
    response = client.post(f"/ambulance/calls/{call.pk}/at-patient/")
    after = client.get("/ambulance/crew/").content.decode()

    assert 'data-testid="at-patient">У пациента</button>' in before
    assert response.status_code == 302
    call.refresh_from_db()
    assert 'data-testid="at-patient"' not in after
    local = timezone.localtime(call.at_patient_at)
    assert (
        f'data-testid="at-patient-time"><time datetime="{local.isoformat()}">'
        f"{local:%H:%M:%S}</time>"
    ) in after


def test_csv_carries_the_at_patient_time(station: Any, admin: Any, team: Any) -> None:
    call = CallFactory(organization=station, team=team, status=CallStatus.ON_SCENE)
    client_for(team.lead).post(f"{API}/calls/{call.pk}/at-patient/")
    call.refresh_from_db()

    rows = [
        line.split(";")
        for line in client_for(admin)
        .get(f"{API}/reports/calls.csv")
        .content.decode("utf-8-sig")
        .splitlines()
    ]

    column = reports.CSV_HEADER.index("at_patient_at")
    assert reports.CSV_HEADER[column - 1 : column + 2] == [
        "on_scene_at",
        "at_patient_at",
        "completed_at",
    ]
    assert rows[1][column] == reports._iso(call.at_patient_at)
