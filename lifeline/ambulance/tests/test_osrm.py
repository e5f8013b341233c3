"""Road ETAs and route lines through a self-hosted OSRM, faked at the HTTP boundary
(`responses`): the exact request (lon,lat order, sources/destinations), the ranking it gives,
and the great-circle fallback on every kind of failure (logged, never an error)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.test import Client

from lifeline.ambulance import selectors
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.services.calls import call_assign
from lifeline.ambulance.tests.conftest import client_for
from lifeline.ambulance.tests.factories import CallFactory, TeamFactory

pytestmark = pytest.mark.django_db

OSRM = "http://osrm.test:5000"
API = "/api/v1/ambulance"


@pytest.fixture
def http() -> Iterator[responses.RequestsMock]:
    """Every outbound `requests` call goes here; an unexpected URL raises ConnectionError."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def osrm_on(settings: Any) -> None:
    settings.OSRM_URL = OSRM + "/"
    settings.OSRM_PROFILE = "driving"
    settings.OSRM_TIMEOUT_SECONDS = 1.5


def _teams(station: Any) -> tuple[Any, Any, Any]:
    # Straight-line order: near, middle, far; OSRM will say the middle one is fastest.
    near = TeamFactory(organization=station, name="Near", lat=59.935, lon=30.336)
    middle = TeamFactory(organization=station, name="Middle", lat=59.94, lon=30.34)
    far = TeamFactory(organization=station, name="Far", lat=60.0, lon=30.5)
    return near, middle, far


def _table(durations: list[float | None], distances: list[float | None]) -> dict[str, Any]:
    return {
        "code": "Ok",
        "durations": [[d] for d in durations],
        "distances": [[d] for d in distances],
    }


def test_without_osrm_url_suggestions_are_great_circle_and_nothing_is_requested(
    station: Any, http: responses.RequestsMock
) -> None:
    near, middle, far = _teams(station)
    call = CallFactory(organization=station, lat=59.9343, lon=30.3351)
    ranked = selectors.call_suggestions(call=call)
    assert [(s.team.pk, s.eta_source) for s in ranked] == [
        (near.pk, "great_circle"),
        (middle.pk, "great_circle"),
        (far.pk, "great_circle"),
    ]
    assert (ranked[0].distance_m, ranked[0].eta_seconds) == (93, 8)  # 93 m at 40 km/h
    assert len(http.calls) == 0


def test_osrm_table_request_is_exact_and_road_etas_rank_the_teams(
    station: Any, http: responses.RequestsMock, osrm_on: None
) -> None:
    near, middle, far = _teams(station)
    call = CallFactory(organization=station, lat=59.9343, lon=30.3351)
    http.get(
        f"{OSRM}/table/v1/driving/30.335100,59.934300;30.336000,59.935000;"
        "30.340000,59.940000;30.500000,60.000000",
        json=_table([420.4, 95.6, 1300.0], [2100.2, 800.0, 14000.0]),
    )
    ranked = selectors.call_suggestions(call=call)
    assert len(http.calls) == 1
    sent = urlsplit(http.calls[0].request.url)
    # The call is coordinate 0 (the one destination), the teams the sources, lon before lat.
    assert sent.path == (
        "/table/v1/driving/30.335100,59.934300;30.336000,59.935000;"
        "30.340000,59.940000;30.500000,60.000000"
    )
    assert parse_qs(sent.query) == {
        "sources": ["1;2;3"],
        "destinations": ["0"],
        "annotations": ["duration,distance"],
    }
    assert [(s.team.pk, s.eta_seconds, s.distance_m, s.eta_source) for s in ranked] == [
        (middle.pk, 96, 800, "road"),
        (near.pk, 420, 2100, "road"),
        (far.pk, 1300, 14000, "road"),
    ]


def test_only_the_nearest_candidates_get_road_etas(
    station: Any, http: responses.RequestsMock, osrm_on: None, settings: Any
) -> None:
    settings.AMBULANCE_ROAD_ETA_CANDIDATES = 2
    near, middle, far = _teams(station)
    unplaced = TeamFactory(organization=station, name="Nowhere", lat=None, lon=None)
    call = CallFactory(organization=station, lat=59.9343, lon=30.3351)
    http.get(
        f"{OSRM}/table/v1/driving/30.335100,59.934300;30.336000,59.935000;30.340000,59.940000",
        json=_table([None, 300.0], [None, 2500.0]),
    )
    ranked = selectors.call_suggestions(call=call)
    assert parse_qs(urlsplit(http.calls[0].request.url).query)["sources"] == ["1;2"]
    # Middle by road; Near unreachable by road keeps its straight estimate; Far was not asked;
    # a team without a position comes last.
    assert [(s.team.pk, s.eta_seconds, s.eta_source) for s in ranked] == [
        (middle.pk, 300, "road"),
        (near.pk, 8, "great_circle"),
        (far.pk, ranked[2].eta_seconds, "great_circle"),
        (unplaced.pk, None, ""),
    ]


@pytest.mark.parametrize(
    "answer",
    [
        {"body": requests.Timeout("read timed out")},
        {"body": requests.ConnectionError("refused")},
        {"status": 500, "json": {"code": "InternalError"}},
        {"status": 400, "json": {"code": "TooBig", "message": "Too many table coordinates"}},
        {"status": 200, "json": {"code": "NoTable"}},
        {"status": 200, "body": "<html>proxy error</html>"},
        {"status": 200, "json": {"code": "Ok", "durations": [[1.0]]}},  # wrong size
    ],
    ids=["timeout", "refused", "5xx", "4xx", "not-ok", "not-json", "wrong-size"],
)
def test_osrm_failures_fall_back_to_great_circle_and_are_logged(
    station: Any,
    http: responses.RequestsMock,
    osrm_on: None,
    answer: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    near, middle, far = _teams(station)
    call = CallFactory(organization=station, lat=59.9343, lon=30.3351)
    http.add(
        responses.GET,
        f"{OSRM}/table/v1/driving/30.335100,59.934300;30.336000,59.935000;"
        "30.340000,59.940000;30.500000,60.000000",
        **answer,
    )
    with caplog.at_level(logging.WARNING, logger="lifeline.ambulance.integrations.osrm"):
        ranked = selectors.call_suggestions(call=call)
    assert [(s.team.pk, s.eta_source) for s in ranked] == [
        (near.pk, "great_circle"),
        (middle.pk, "great_circle"),
        (far.pk, "great_circle"),
    ]
    assert [r.getMessage() for r in caplog.records][0].startswith("ambulance.osrm_")


def test_suggestions_api_answers_200_with_great_circle_when_osrm_times_out(
    station: Any, dispatcher: Any, http: responses.RequestsMock, osrm_on: None
) -> None:
    near, middle, far = _teams(station)
    call = CallFactory(organization=station, lat=59.9343, lon=30.3351)
    http.add(
        responses.GET,
        f"{OSRM}/table/v1/driving/30.335100,59.934300;30.336000,59.935000;"
        "30.340000,59.940000;30.500000,60.000000",
        body=requests.ReadTimeout("slow"),
    )
    response = client_for(dispatcher).get(f"{API}/calls/{call.pk}/suggestions/")
    assert response.status_code == 200
    assert [(r["team"]["id"], r["eta_source"]) for r in response.json()] == [
        (str(near.pk), "great_circle"),
        (str(middle.pk), "great_circle"),
        (str(far.pk), "great_circle"),
    ]


def test_suggestions_api_shows_road_etas(
    station: Any, dispatcher: Any, http: responses.RequestsMock, osrm_on: None
) -> None:
    near, middle, far = _teams(station)
    call = CallFactory(organization=station, lat=59.9343, lon=30.3351)
    http.get(
        f"{OSRM}/table/v1/driving/30.335100,59.934300;30.336000,59.935000;"
        "30.340000,59.940000;30.500000,60.000000",
        json=_table([420.0, 95.0, 1300.0], [2100.0, 800.0, 14000.0]),
    )
    body = client_for(dispatcher).get(f"{API}/calls/{call.pk}/suggestions/").json()
    rows = [(r["team"]["id"], r["eta_seconds"], r["distance_m"], r["eta_source"]) for r in body]
    assert rows == [
        (str(middle.pk), 95, 800, "road"),
        (str(near.pk), 420, 2100, "road"),
        (str(far.pk), 1300, 14000, "road"),
    ]


def test_assigning_the_straight_nearest_team_against_the_road_best_keeps_the_override(
    station: Any, dispatcher: Any, http: responses.RequestsMock, osrm_on: None
) -> None:
    near, middle, _far = _teams(station)
    call = CallFactory(organization=station, lat=59.9343, lon=30.3351)
    http.get(
        f"{OSRM}/table/v1/driving/30.335100,59.934300;30.336000,59.935000;"
        "30.340000,59.940000;30.500000,60.000000",
        json=_table([420.0, 95.0, 1300.0], [2100.0, 800.0, 14000.0]),
    )
    call = call_assign(actor=dispatcher, call=call, team=near, reason="Middle is refuelling")
    assert (call.status, call.team_id, call.suggested_team_id, call.override_reason) == (
        CallStatus.ASSIGNED,
        near.pk,
        middle.pk,
        "Middle is refuelling",
    )


# --- the crew's route line --------------------------------------------------------------------
ROUTE_URL = f"{OSRM}/route/v1/driving/30.300000,59.950000;30.335100,59.934300"


def _crew_page(team: Any) -> tuple[str, dict[str, Any]]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(team.lead)
    body = client.get("/ambulance/crew/").content.decode()
    start = body.index('<script id="amb-map-data" type="application/json">') + len(
        '<script id="amb-map-data" type="application/json">'
    )
    return body, json.loads(body[start : body.index("</script>", start)])


def test_crew_route_uses_osrm_route_with_lon_lat_order(
    station: Any, http: responses.RequestsMock, osrm_on: None
) -> None:
    team = TeamFactory(organization=station)  # at 59.95, 30.30
    CallFactory(organization=station, team=team, status=CallStatus.EN_ROUTE)
    http.get(
        ROUTE_URL,
        json={
            "code": "Ok",
            "routes": [
                {
                    "duration": 512.3,
                    "distance": 4321.0,
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [[30.3, 59.95], [30.32, 59.94], [30.3351, 59.9343]],
                    },
                }
            ],
        },
    )
    body, data = _crew_page(team)
    assert len(http.calls) == 1
    assert parse_qs(urlsplit(http.calls[0].request.url).query) == {
        "overview": ["full"],
        "geometries": ["geojson"],
        "alternatives": ["false"],
        "steps": ["false"],
    }
    # Leaflet's order (lat, lon) on the page.
    assert data["route"] == {
        "source": "road",
        "points": [[59.95, 30.3], [59.94, 30.32], [59.9343, 30.3351]],
    }
    assert "4.3 km by road, about 9 min" in body


def test_crew_route_is_a_straight_line_without_osrm(
    station: Any, http: responses.RequestsMock
) -> None:
    team = TeamFactory(organization=station)
    CallFactory(organization=station, team=team, status=CallStatus.ASSIGNED)
    body, data = _crew_page(team)
    assert data["route"] == {"source": "straight", "points": [[59.95, 30.3], [59.9343, 30.3351]]}
    assert "2.6 km in a straight line" in body
    assert len(http.calls) == 0


@pytest.mark.parametrize(
    "answer",
    [
        {"body": requests.Timeout("slow")},
        {"status": 502, "body": "Bad gateway"},
        {"status": 200, "json": {"code": "NoRoute", "routes": []}},
        {"status": 200, "json": {"code": "Ok", "routes": []}},
    ],
    ids=["timeout", "502", "no-route", "empty"],
)
def test_crew_route_falls_back_to_a_straight_line_when_osrm_fails(
    station: Any, http: responses.RequestsMock, osrm_on: None, answer: dict[str, Any]
) -> None:
    team = TeamFactory(organization=station)
    CallFactory(organization=station, team=team, status=CallStatus.ASSIGNED)
    http.add(responses.GET, ROUTE_URL, **answer)
    body, data = _crew_page(team)
    assert data["route"]["source"] == "straight"
    assert "2.6 km in a straight line" in body
