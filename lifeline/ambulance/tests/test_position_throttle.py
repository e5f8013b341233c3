"""Crew position reports: validated as SOS locations, throttled per team (not per phone)."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lifeline.ambulance.models import Team
from lifeline.ambulance.tests.conftest import client_for
from lifeline.ambulance.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/ambulance"


@pytest.fixture(autouse=True)
def _two_a_day(settings: Any) -> None:
    # A day's window: the test never straddles a window boundary.
    settings.AMBULANCE_POSITION_THROTTLE_RATE = "2/day"


def _position(team: Team) -> tuple[float | None, float | None]:
    fresh = Team.objects.get(pk=team.pk)
    return fresh.lat, fresh.lon


def test_a_team_over_its_budget_gets_429_and_nothing_is_stored(team: Team) -> None:
    members = list(team.members.filter(is_active=True).select_related("user"))
    url = f"{API}/teams/{team.pk}/position/"

    first = client_for(members[0].user).post(url, {"lat": 59.91, "lon": 30.31})
    second = client_for(members[1].user).post(url, {"lat": 59.92, "lon": 30.32})
    third = client_for(members[2].user).post(url, {"lat": 59.93, "lon": 30.33})

    assert (first.status_code, second.status_code) == (204, 204)
    assert third.status_code == 429
    assert third["Content-Type"] == "application/problem+json"
    assert (third.json()["code"], third.json()["status"]) == ("throttled", 429)
    assert int(third["Retry-After"]) > 0
    assert _position(team) == (59.92, 30.32)


def test_another_team_cannot_spend_the_budget(station: Any, team: Team) -> None:
    other = TeamFactory(organization=station)
    url = f"{API}/teams/{team.pk}/position/"

    refused = [
        client_for(other.lead).post(url, {"lat": 1.0, "lon": 1.0}).status_code for _ in range(3)
    ]
    mine = client_for(team.lead).post(url, {"lat": 59.94, "lon": 30.34})

    assert refused == [404, 404, 404]
    assert mine.status_code == 204
    assert _position(team) == (59.94, 30.34)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lat": 91, "lon": 30.0}, "lat"),
        ({"lat": 59.9, "lon": -181}, "lon"),
        ({"lat": 59.9, "lon": 30.3, "accuracy": -1}, "accuracy"),
        ({"lat": 59.9, "lon": 30.3, "timestamp": "2001-01-01T00:00:00Z"}, "timestamp"),
        ({"lat": 59.9, "lon": 30.3, "timestamp": "2999-01-01T00:00:00Z"}, "timestamp"),
    ],
)
def test_bad_positions_are_refused_naming_the_field(
    team: Team, body: dict[str, Any], field: str
) -> None:
    before = _position(team)

    response = client_for(team.lead).post(f"{API}/teams/{team.pk}/position/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert _position(team) == before


def test_an_older_fix_than_the_stored_one_changes_nothing(team: Team) -> None:
    url = f"{API}/teams/{team.pk}/position/"
    now = timezone.now()
    client_for(team.lead).post(url, {"lat": 59.95, "lon": 30.35, "timestamp": now.isoformat()})

    late = client_for(team.lead).post(
        url, {"lat": 59.0, "lon": 30.0, "timestamp": (now - timedelta(minutes=1)).isoformat()}
    )

    assert late.status_code == 204
    fresh = Team.objects.get(pk=team.pk)
    assert (fresh.lat, fresh.lon, fresh.position_at) == (59.95, 30.35, now)


def test_the_crew_card_sharing_is_throttled_too(team: Team) -> None:
    client = Client()
    client.force_login(team.lead)

    codes = [
        client.post("/ambulance/crew/position/", {"lat": 59.9 + n / 100, "lon": 30.3}).status_code
        for n in range(3)
    ]

    assert codes == [200, 200, 429]
    assert _position(team) == (59.91, 30.3)
