"""The demo station (issue 16, "Done when"): an admin, two dispatchers, four teams of three
on serviceable cars (and a spare car); idempotent, and an older two-team demo gets the rest."""

from __future__ import annotations

from typing import Any

import pytest
from celery import current_app

from lifeline.access.enums import Role
from lifeline.access.models import Membership
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance import demo
from lifeline.ambulance.models import Call, Car, Team, TeamMember
from lifeline.ambulance.tests.factories import StationFactory
from lifeline.core.demo import DemoContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx() -> Any:
    station = StationFactory(is_demo=True)
    context = DemoContext(
        organizations={"ambulance_station": station},
        users={
            role: user_with_role(role, station)
            for role in (Role.AMBULANCE_ADMIN, Role.DISPATCHER, Role.CREW)
        },
        write=lambda _text: None,
    )
    yield context
    current_app.conf.beat_schedule.pop(demo.DEMO_TICK_ENTRY, None)


def _shape(station: Any) -> dict[str, Any]:
    teams = Team.objects.filter(organization=station, dissolved_at__isnull=True).order_by("name")
    return {
        "dispatchers": Membership.objects.filter(
            organization=station, role=Role.DISPATCHER, is_active=True
        ).count(),
        "teams": [
            (
                t.name,
                t.car.plate,
                t.car.is_serviceable,
                t.on_shift,
                TeamMember.objects.filter(team=t, is_active=True).count(),
            )
            for t in teams
        ],
        "cars": Car.objects.filter(organization=station, deleted_at__isnull=True).count(),
        "calls": Call.objects.filter(organization=station).count(),
    }


EXPECTED = {
    "dispatchers": 2,
    "teams": [
        ("Бригада 1", "А101ВС78", True, True, 3),
        ("Бригада 2", "В202МН78", True, True, 3),
        ("Бригада 3", "Е303ОР78", True, True, 3),
        ("Бригада 4", "К404МР78", True, True, 3),
    ],
    "cars": 5,
    "calls": 4,
}


def test_demo_has_two_dispatchers_and_four_teams_with_cars_and_crew(ctx: Any) -> None:
    station = ctx.organizations["ambulance_station"]
    demo.seed(ctx)
    assert _shape(station) == EXPECTED
    first = Team.objects.get(organization=station, name="Бригада 1")
    assert first.lead_id == ctx.users[Role.CREW].pk  # the account that signs in
    leads = Team.objects.filter(organization=station).exclude(pk=first.pk)
    # The other teams are the demo tick's robots: their seniors cannot sign in.
    assert [t.lead.has_usable_password() for t in leads] == [False, False, False]
    assert all(t.lat is not None and t.lon is not None for t in leads)


def test_seeding_twice_adds_nothing(ctx: Any) -> None:
    station = ctx.organizations["ambulance_station"]
    demo.seed(ctx)
    demo.seed(ctx)
    assert _shape(station) == EXPECTED


def test_the_second_dispatcher_is_given_credentials(ctx: Any) -> None:
    station = ctx.organizations["ambulance_station"]
    demo.seed(ctx)
    demo.seed(ctx)

    assert [(p.user.email, p.role, p.organization, p.note) for p in ctx.people] == [
        ("dispatcher-2@demo.lifeline.local", "dispatcher", station, "second dispatcher")
    ]


def test_an_older_two_team_demo_gets_the_other_teams(ctx: Any, monkeypatch: Any) -> None:
    station = ctx.organizations["ambulance_station"]
    monkeypatch.setattr(demo, "TEAMS", 2)
    demo.seed(ctx)
    assert [t[0] for t in _shape(station)["teams"]] == ["Бригада 1", "Бригада 2"]
    monkeypatch.setattr(demo, "TEAMS", 4)
    demo.seed(ctx)
    assert _shape(station) == EXPECTED
