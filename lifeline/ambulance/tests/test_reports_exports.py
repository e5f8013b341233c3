"""Report charts (server-rendered SVG under the strict CSP), team load, the XLSX download read
back, configurable targets, and the report page's empty state and permissions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance import charts, reports
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.models import Call
from lifeline.ambulance.tests.conftest import client_for
from lifeline.ambulance.tests.factories import (
    CallFactory,
    CallTransitionFactory,
    StationFactory,
    TeamFactory,
)
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/ambulance/reports"


def _done(station: Any, team: Any, minutes_to_scene: int, criticality: str = "critical") -> Any:
    received = timezone.now() - timedelta(hours=3)
    return CallFactory(
        organization=station,
        team=team,
        criticality=criticality,
        status=CallStatus.COMPLETED,
        received_at=received,
        assigned_at=received + timedelta(minutes=1),
        en_route_at=received + timedelta(minutes=2),
        on_scene_at=received + timedelta(minutes=minutes_to_scene),
        completed_at=received + timedelta(minutes=61),  # 60 min busy
    )


@pytest.fixture
def history(station: Any) -> dict[str, Any]:
    alpha = TeamFactory(organization=station, name="Alpha")
    bravo = TeamFactory(organization=station, name="Bravo")
    calls = [_done(station, alpha, m) for m in (10, 15, 25)]
    calls.append(_done(station, bravo, 30, criticality="common"))
    rejected = CallFactory(organization=station, status=CallStatus.REJECTED)
    CallTransitionFactory(call=rejected, to_status="TROUBLE")
    return {"alpha": alpha, "bravo": bravo, "calls": calls}


def browser(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# --- team load ------------------------------------------------------------------------------
def test_team_load_counts_calls_and_busy_time_busiest_first(
    station: Any, history: dict[str, Any]
) -> None:
    calls = reports.calls_in_period(
        organization_id=station.pk,
        start=timezone.localdate() - timedelta(days=1),
        end=timezone.localdate(),
    )
    assert reports.team_load(calls=calls) == [
        reports.TeamLoadRow(
            team_id=history["alpha"].pk, team="Alpha", calls=3, completed=3, busy_seconds=10800
        ),
        reports.TeamLoadRow(
            team_id=history["bravo"].pk, team="Bravo", calls=1, completed=1, busy_seconds=3600
        ),
    ]


def test_intervals_api_carries_team_load(station: Any, admin: Any, history: dict[str, Any]) -> None:
    body = client_for(admin).get(f"{API}/intervals/").json()
    assert body["team_load"] == [
        {
            "team_id": str(history["alpha"].pk),
            "team": "Alpha",
            "calls": 3,
            "completed": 3,
            "busy_seconds": 10800,
        },
        {
            "team_id": str(history["bravo"].pk),
            "team": "Bravo",
            "calls": 1,
            "completed": 1,
            "busy_seconds": 3600,
        },
    ]


def test_targets_are_configurable(station: Any, admin: Any, settings: Any, history: Any) -> None:
    # NFPA 1710-style: 8 min en route -> on scene for critical, 30 min call -> scene for common.
    settings.AMBULANCE_TARGET_MINUTES = {
        "critical": {"call_to_on_scene": 20, "en_route_to_on_scene": 8},
        "common": {"call_to_on_scene": 30},
    }
    rows = {
        (r["criticality"], r["interval"]): r
        for r in client_for(admin).get(f"{API}/intervals/").json()["intervals"]
    }
    assert (
        rows[("critical", "en_route_to_on_scene")]["target_seconds"],
        rows[("critical", "en_route_to_on_scene")]["within_target_share"],
    ) == (480, 0.3333)  # 8, 13 and 23 min en route -> on scene: one of three within
    assert (
        rows[("common", "call_to_on_scene")]["target_seconds"],
        rows[("common", "call_to_on_scene")]["within_target_share"],
    ) == (1800, 1.0)


# --- XLSX ----------------------------------------------------------------------------------
def test_xlsx_reads_back_with_calls_intervals_outcomes_and_teams(
    station: Any, admin: Any, history: dict[str, Any]
) -> None:
    response = client_for(admin).get(f"{API}/calls.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["calls", "intervals", "outcomes", "teams"]
    calls = [[c.value for c in row] for row in book["calls"].iter_rows()]
    assert calls[0] == reports.CSV_HEADER
    numbers = sorted(c.number for c in Call.objects.filter(organization=station))
    assert sorted(row[0] for row in calls[1:]) == numbers
    first = next(row for row in calls[1:] if row[0] == history["calls"][0].number)
    assert first[2:5] == ["critical", None, "COMPLETED"]  # an empty cell, not ""
    assert first[7] == "Alpha"
    intervals = [[c.value for c in row] for row in book["intervals"].iter_rows()]
    assert intervals[0] == reports.INTERVALS_HEADER
    assert ["critical", "call_to_on_scene", 3, 900, 1500, 1200, 0.6667] in intervals
    outcomes = [[c.value for c in row] for row in book["outcomes"].iter_rows()]
    assert outcomes == [
        ["outcome", "calls"],
        ["completed", 4],
        ["rejected", 1],
        ["cancelled", 0],
        ["open", 0],
        ["trouble", 1],
    ]
    teams = [[c.value for c in row] for row in book["teams"].iter_rows()]
    assert teams == [reports.TEAMS_HEADER, ["Alpha", 3, 3, 10800], ["Bravo", 1, 1, 3600]]
    assert AuditEvent.objects.filter(action="ambulance.calls_exported").count() == 1


def test_xlsx_of_an_empty_period_has_headers_only(station: Any, admin: Any) -> None:
    response = client_for(admin).get(f"{API}/calls.xlsx?start=2020-01-01&end=2020-01-31")
    book = load_workbook(BytesIO(response.content))
    assert [[c.value for c in row] for row in book["calls"].iter_rows()] == [reports.CSV_HEADER]
    assert [[c.value for c in row] for row in book["intervals"].iter_rows()] == [
        reports.INTERVALS_HEADER
    ]
    assert [[c.value for c in row] for row in book["teams"].iter_rows()] == [reports.TEAMS_HEADER]


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.CREW])
def test_xlsx_is_for_station_admins_only(station: Any, role: str) -> None:
    user = user_with_role(role, station)
    assert client_for(user).get(f"{API}/calls.xlsx").status_code == 403
    assert client_for(None).get(f"{API}/calls.xlsx").status_code == 401
    assert AuditEvent.objects.filter(action="ambulance.calls_exported").count() == 0


def test_xlsx_of_another_stations_team_is_404(station: Any, admin: Any) -> None:
    other = TeamFactory(organization=StationFactory())
    assert client_for(admin).get(f"{API}/calls.xlsx?team={other.pk}").status_code == 404


# --- charts ---------------------------------------------------------------------------------
def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())  # noqa: S314 - matplotlib's output, no outside XML


def _fills(root: ET.Element) -> set[str]:
    return {e.attrib["fill"] for e in root.iter() if "fill" in e.attrib}


def _strokes(root: ET.Element) -> set[str]:
    return {e.attrib["stroke"] for e in root.iter() if "stroke" in e.attrib}


def test_charts_have_no_inline_css_and_paint_their_colours(
    station: Any, history: dict[str, Any]
) -> None:
    calls = reports.calls_in_period(
        organization_id=station.pk,
        start=timezone.localdate() - timedelta(days=1),
        end=timezone.localdate(),
    )
    rendered = [
        (charts.response_times(reports.intervals(calls=calls)), charts.P90_COLOUR),
        (charts.outcomes(reports.outcomes(calls=calls)), charts.OUTCOME_COLOURS["completed"]),
        (charts.team_load(reports.team_load(calls=calls)), charts.LOAD_COLOUR),
    ]
    for svg, colour in rendered:
        text = str(svg)
        root = _parse(text)
        assert " style=" not in text
        assert "<style" not in text
        assert [e.tag for e in root.iter() if "style" in e.attrib] == []
        assert colour in _fills(root)
        assert root.attrib["role"] == "img"
    # The 20-minute target is drawn as a red line on the response-time chart.
    assert charts.TARGET_COLOUR in _strokes(_parse(str(rendered[0][0])))


# --- the page -------------------------------------------------------------------------------
def test_report_page_shows_charts_tables_and_download_links(
    station: Any, admin: Any, history: dict[str, Any]
) -> None:
    response = browser(admin).get("/ambulance/reports/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 3
    charts_html = page[page.index("<svg") : page.rindex("</svg>")]
    assert " style=" not in charts_html
    assert "<style" not in charts_html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    today = timezone.localdate()
    start = (today - timedelta(days=29)).isoformat()
    assert (
        f'href="/api/v1/ambulance/reports/calls.xlsx?start={start}&amp;end={today.isoformat()}'
        f'&amp;station={station.pk}"'
    ) in page
    assert "/api/v1/ambulance/reports/calls.csv?" in page
    assert "<td>Critical</td><td>Call → on scene</td><td>3</td><td>15.0</td><td>25.0</td>" in page
    assert 'class="amb-late"' in page  # p90 25 min is over the 20 min target
    assert "<td>Alpha</td><td>3</td><td>3</td><td>3.0</td>" in page
    assert AuditEvent.objects.filter(action="ambulance.report_viewed").count() == 1


def test_report_page_for_one_team(station: Any, admin: Any, history: dict[str, Any]) -> None:
    page = browser(admin).get(f"/ambulance/reports/?team={history['bravo'].pk}").content.decode()
    assert "<td>Bravo</td><td>1</td>" in page
    assert "<td>Alpha</td>" not in page


def test_report_page_of_an_empty_period_says_so_without_charts(station: Any, admin: Any) -> None:
    page = browser(admin).get("/ambulance/reports/?start=2020-01-01&end=2020-01-31").content
    text = page.decode()
    assert "data-report-empty" in text
    assert "No calls in this period." in text
    assert "<svg" not in text


def test_report_page_refuses_a_reversed_period(station: Any, admin: Any) -> None:
    response = browser(admin).get("/ambulance/reports/?start=2020-02-01&end=2020-01-01")
    assert response.status_code == 400
    assert "The start is after the end." in response.content.decode()


def test_report_page_is_translated(station: Any, admin: Any, history: Any) -> None:
    admin.language = "ru"
    admin.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(admin)
    page = client.get("/ambulance/reports/").content.decode()
    assert "Отчёты" in page
    assert "Выгрузить Excel (XLSX)" in page


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.CREW])
def test_report_page_is_for_station_admins(station: Any, role: str) -> None:
    assert browser(user_with_role(role, station)).get("/ambulance/reports/").status_code == 403


def test_report_page_of_another_station_is_404(station: Any, admin: Any) -> None:
    other = StationFactory()
    assert browser(admin).get(f"/ambulance/reports/?station={other.pk}").status_code == 404
    assert AuditEvent.objects.filter(action="ambulance.report_viewed").count() == 0


def test_report_page_of_another_stations_team_is_404(station: Any, admin: Any) -> None:
    other = TeamFactory(organization=StationFactory())
    assert browser(admin).get(f"/ambulance/reports/?team={other.pk}").status_code == 404


def test_fleet_page_links_to_the_reports(station: Any, admin: Any) -> None:
    page = browser(admin).get("/ambulance/fleet/").content.decode()
    assert f'href="/ambulance/reports/?station={station.pk}" data-reports-link' in page
