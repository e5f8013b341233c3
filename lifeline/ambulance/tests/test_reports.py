from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance import reports
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.tests.conftest import client_for
from lifeline.ambulance.tests.factories import CallFactory, CallTransitionFactory, StationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/ambulance/reports"


def _done(station: Any, minutes_to_scene: int, criticality: str = "critical") -> Any:
    received = timezone.now() - timedelta(hours=2)
    return CallFactory(
        organization=station,
        criticality=criticality,
        status=CallStatus.COMPLETED,
        received_at=received,
        assigned_at=received + timedelta(minutes=1),
        en_route_at=received + timedelta(minutes=2),
        on_scene_at=received + timedelta(minutes=minutes_to_scene),
        completed_at=received + timedelta(minutes=60),
    )


def test_percentiles_are_nearest_rank() -> None:
    assert reports.percentile([], 0.5) is None
    assert reports.percentile([5, 1, 3, 2, 4], 0.5) == 3
    assert reports.percentile(list(range(1, 11)), 0.9) == 9


def test_interval_report_against_the_20_minute_target(station: Any, admin: Any) -> None:
    for minutes in (10, 15, 25):
        _done(station, minutes)
    rejected = CallFactory(organization=station, status=CallStatus.REJECTED)
    CallTransitionFactory(call=rejected, to_status="TROUBLE")
    body = client_for(admin).get(f"{API}/intervals/").json()
    assert body["outcomes"] == {
        "completed": 3,
        "rejected": 1,
        "cancelled": 0,
        "open": 0,
        "trouble": 1,
    }
    row = next(
        r
        for r in body["intervals"]
        if (r["criticality"], r["interval"]) == ("critical", "call_to_on_scene")
    )
    assert row == {
        "criticality": "critical",
        "interval": "call_to_on_scene",
        "count": 3,
        "p50_seconds": 900.0,
        "p90_seconds": 1500.0,
        "target_seconds": 1200,
        "within_target_share": 0.6667,
    }


def test_csv_has_a_bom_semicolons_and_only_a_header_for_an_empty_period(
    station: Any, admin: Any
) -> None:
    response = client_for(admin).get(f"{API}/calls.csv?start=2020-01-01&end=2020-01-31")
    assert response.status_code == 200
    assert response.content == ("\ufeff" + ";".join(reports.CSV_HEADER) + "\r\n").encode()


def test_csv_lists_the_calls_of_the_period(station: Any, admin: Any) -> None:
    call = _done(station, 12)
    lines = client_for(admin).get(f"{API}/calls.csv").content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[1].split(";")[:5] == [
        str(call.number),
        lines[1].split(";")[1],
        "critical",
        "",
        "COMPLETED",
    ]


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.CREW])
def test_only_station_admins_get_reports(station: Any, role: str) -> None:
    user = user_with_role(role, station)
    assert client_for(user).get(f"{API}/intervals/").status_code == 403
    assert client_for(user).get(f"{API}/calls.csv").status_code == 403


def test_another_stations_team_is_404(station: Any, admin: Any) -> None:
    from lifeline.ambulance.tests.factories import TeamFactory

    other = TeamFactory(organization=StationFactory())
    assert client_for(admin).get(f"{API}/intervals/?team={other.pk}").status_code == 404


def test_csv_reports_the_override_of_the_suggested_team(station: Any, admin: Any) -> None:
    from lifeline.ambulance.tests.factories import TeamFactory

    near = TeamFactory(organization=station, name="Near")
    far = TeamFactory(organization=station, name="Far")
    overridden = _done(station, 12)
    overridden.team, overridden.suggested_team = far, near
    overridden.override_reason = "Near team has no defibrillator"
    overridden.save()
    followed = _done(station, 14)
    followed.team = followed.suggested_team = near
    followed.save()
    lines = client_for(admin).get(f"{API}/calls.csv").content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[-2:] == ["suggested_team", "override_reason"]
    rows = {line.split(";")[0]: line.split(";") for line in lines[1:]}
    first, second = rows[str(overridden.number)], rows[str(followed.number)]
    assert (first[7], first[-2:]) == ("Far", ["Near", "Near team has no defibrillator"])
    assert (second[7], second[-2:]) == ("Near", ["", ""])
