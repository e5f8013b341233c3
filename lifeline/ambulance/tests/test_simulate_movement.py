"""Demo movement: one step moves teams en route an exact distance along their route (straight
or OSRM's road line), plays the crew when asked, runs as jobs enqueued by name, and the
gentle `serve --demo` tick keeps a demo station alive."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
import responses
from celery import current_app
from django.core.management import call_command
from django.utils import timezone

from lifeline.ambulance import demo, geo, simulate
from lifeline.ambulance.enums import CallStatus
from lifeline.ambulance.models import Call, CallTransition
from lifeline.ambulance.tests.factories import CallFactory, StationFactory, TeamFactory

pytestmark = pytest.mark.django_db

# Team at (59.95, 30.30), call at (59.9343, 30.3351): 2,620.93 m apart in a straight line.
TENTH = 262.0928127514695  # a tenth of the way


def _en_route(station: Any, **team: Any) -> tuple[Any, Any]:
    t = TeamFactory(organization=station, **team)
    call = CallFactory(organization=station, team=t, status=CallStatus.EN_ROUTE)
    return t, call


def test_point_along_a_line() -> None:
    line = [(59.95, 30.30), (59.9343, 30.3351)]
    assert simulate.point_along(line, TENTH) == ((59.94843, 30.30351), False)
    assert simulate.point_along(line, 0) == ((59.95, 30.3), False)
    assert simulate.point_along(line, 5000) == ((59.9343, 30.3351), True)
    road = [(59.95, 30.3), (59.94, 30.3), (59.9343, 30.3351)]  # first leg 1,111.95 m
    assert simulate.point_along(road, 500) == ((59.945503, 30.3), False)
    assert simulate.point_along(road, 1500) == ((59.938924, 30.306627), False)


def test_a_step_moves_teams_en_route_by_the_exact_distance_and_tells_the_console(
    station: Any, django_capture_on_commit_callbacks: Any
) -> None:
    team, call = _en_route(station)
    assigned = TeamFactory(organization=station, lat=59.96, lon=30.2)
    CallFactory(organization=station, team=assigned, status=CallStatus.ASSIGNED)
    idle = TeamFactory(organization=station, lat=59.97, lon=30.1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        moves = simulate.teams_move_step(station_id=station.pk, step_m=TENTH)
    assert moves == [
        simulate.Move(team.pk, call.pk, 59.94843, 30.30351, False, CallStatus.EN_ROUTE)
    ]
    team.refresh_from_db()
    assert (team.lat, team.lon) == (59.94843, 30.30351)
    assert team.position_at is not None
    # Without --advance the crew's statuses are theirs: ASSIGNED stays and does not move.
    assigned.refresh_from_db()
    idle.refresh_from_db()
    assert (assigned.lat, assigned.lon, idle.lat, idle.lon) == (59.96, 30.2, 59.97, 30.1)
    assert Call.objects.get(team=assigned).status == CallStatus.ASSIGNED
    assert len(callbacks) == 1  # one team_moved event
    assert geo.distance_m(59.94843, 30.30351, call.lat, call.lon) == pytest.approx(
        2620.93 - TENTH, abs=1
    )


def test_a_step_follows_the_osrm_road_line(station: Any, settings: Any) -> None:
    settings.OSRM_URL = "http://osrm.test:5000"
    team, call = _en_route(station)
    with responses.RequestsMock() as http:
        http.get(
            "http://osrm.test:5000/route/v1/driving/30.300000,59.950000;30.335100,59.934300",
            json={
                "code": "Ok",
                "routes": [
                    {
                        "duration": 300.0,
                        "distance": 3400.0,
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[30.3, 59.95], [30.3, 59.94], [30.3351, 59.9343]],
                        },
                    }
                ],
            },
        )
        simulate.teams_move_step(station_id=station.pk, step_m=1500)
    team.refresh_from_db()
    assert (team.lat, team.lon) == (59.938924, 30.306627)  # past the corner at (59.94, 30.3)


def test_with_advance_the_simulation_plays_the_crew_until_the_team_is_free(station: Any) -> None:
    team = TeamFactory(organization=station, lat=59.9345, lon=30.3351)  # 22 m from the call
    call = CallFactory(organization=station, team=team, status=CallStatus.ASSIGNED)
    first = simulate.teams_move_step(station_id=station.pk, step_m=150, advance=True)
    assert first == [simulate.Move(team.pk, call.pk, 59.9343, 30.3351, True, CallStatus.ON_SCENE)]
    second = simulate.teams_move_step(station_id=station.pk, step_m=150, advance=True)
    assert [m.status for m in second] == [CallStatus.COMPLETED]
    call.refresh_from_db()
    assert call.status == CallStatus.COMPLETED
    assert list(CallTransition.objects.filter(call=call).values_list("to_status", "actor_id")) == [
        ("EN_ROUTE", team.lead_id),
        ("ON_SCENE", team.lead_id),
        ("COMPLETED", team.lead_id),
    ]
    assert simulate.teams_move_step(station_id=station.pk, step_m=150, advance=True) == []


def test_another_stations_teams_do_not_move(station: Any) -> None:
    other_team, _call = _en_route(StationFactory())
    assert simulate.teams_move_step(station_id=station.pk, step_m=500) == []
    other_team.refresh_from_db()
    assert (other_team.lat, other_team.lon) == (59.95, 30.3)


def test_command_files_calls_within_the_region_and_runs_steps_as_jobs(
    station: Any, django_capture_on_commit_callbacks: Any
) -> None:
    team, call = _en_route(station)
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "ambulance_simulate",
            station=station.slug,
            calls=25,
            lat=55.75,
            lon=37.62,
            radius_km=3.0,
            seed=3,
            steps=2,
            step_m=TENTH,
            interval=0,
            verbosity=0,
        )
    filed = list(Call.objects.filter(organization=station, source="intake"))
    assert len(filed) == 25
    assert {c.status for c in filed} == {CallStatus.NEW}
    assert max(geo.distance_m(55.75, 37.62, c.lat, c.lon) for c in filed) <= 3_000 + 1
    team.refresh_from_db()
    # Two steps of a tenth each (the second from the first's rounded point).
    assert geo.distance_m(59.95, 30.30, team.lat, team.lon) == pytest.approx(2 * TENTH, abs=1)


def test_simulation_jobs_are_enqueued_by_name_with_ids(station: Any, monkeypatch: Any) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []
    from lifeline.ambulance.management.commands import ambulance_simulate

    monkeypatch.setattr(
        ambulance_simulate,
        "enqueue_on_commit",
        lambda name, *, kwargs, **_options: sent.append((name, kwargs)),
    )
    call_command(
        "ambulance_simulate", station=station.slug, calls=2, seed=1, steps=2, interval=0,
        verbosity=0,
    )  # fmt: skip
    move = {"station_id": str(station.pk), "step_m": 150.0, "advance": False}
    assert sent == [
        (
            "ambulance.simulate_calls",
            {
                "station_id": str(station.pk),
                "count": 2,
                "lat": 59.9343,
                "lon": 30.3351,
                "radius_km": 8.0,
                "seed": 1,
            },
        ),
        ("ambulance.simulate_move", move),
        ("ambulance.simulate_move", move),
    ]
    assert Call.objects.count() == 0


# --- the gentle demo --------------------------------------------------------------------------
class _Always:
    """An rng whose random() is 0 (a call every tick) with a fixed seed stream."""

    def __init__(self) -> None:
        self._rng = random.Random(5)  # noqa: S311

    def random(self) -> float:
        return 0.0

    def randrange(self, n: int) -> int:
        return self._rng.randrange(n)


@pytest.fixture
def demo_station() -> Any:
    return StationFactory(is_demo=True)


def _robot_team(station: Any, **kwargs: Any) -> Any:
    team = TeamFactory(organization=station, **kwargs)
    lead = team.lead
    lead.is_demo = True
    lead.set_unusable_password()
    lead.save()
    return team


def test_demo_tick_files_a_call_in_the_region_and_robots_take_old_calls(
    demo_station: Any, station: Any
) -> None:
    robot = _robot_team(demo_station, lat=59.9345, lon=30.3351)
    person = TeamFactory(organization=demo_station, lat=59.95, lon=30.3)
    person.lead.is_demo = True
    person.lead.save()  # a login the person uses: never driven by the demo
    old = CallFactory(organization=demo_station, received_at=timezone.now() - timedelta(minutes=10))
    counts = simulate.demo_tick(rng=_Always())  # type: ignore[arg-type]
    assert counts == {"calls": 1, "assigned": 1, "moved": 1}
    new = Call.objects.filter(organization=demo_station, source="intake").get()
    assert geo.distance_m(59.9343, 30.3351, new.lat, new.lon) <= 8_000 + 1
    old.refresh_from_db()
    # The robot took the oldest call, set off and arrived (22 m away) in the same tick.
    assert (old.team_id, old.status) == (robot.pk, CallStatus.ON_SCENE)
    assert Call.objects.filter(team=person).count() == 0
    assert Call.objects.filter(organization=station).count() == 0  # not a demo station


def test_demo_tick_leaves_the_queue_alone_when_it_is_long_enough(
    demo_station: Any, settings: Any
) -> None:
    settings.AMBULANCE_DEMO_SIMULATION = {
        "TICK_SECONDS": 10.0,
        "CALL_CHANCE": 1.0,
        "MAX_WAITING": 2,
        "ROBOT_ASSIGN_AFTER_MINUTES": 3,
        "STEP_M": 120.0,
    }
    CallFactory.create_batch(2, organization=demo_station)
    assert simulate.demo_tick(rng=_Always())["calls"] == 0  # type: ignore[arg-type]
    assert Call.objects.filter(organization=demo_station).count() == 2


def test_seeding_the_demo_adds_the_movement_to_the_embedded_beat() -> None:
    schedule = current_app.conf.beat_schedule
    schedule.pop(demo.DEMO_TICK_ENTRY, None)
    try:
        demo.keep_demo_moving()
        assert schedule[demo.DEMO_TICK_ENTRY] == {
            "task": "ambulance.demo_tick",
            "schedule": 10.0,
            "options": {"expires": 10.0},
        }
    finally:
        schedule.pop(demo.DEMO_TICK_ENTRY, None)


def test_demo_tick_task_is_registered() -> None:
    from lifeline.core.tasks import task_by_name

    assert task_by_name("ambulance.demo_tick").name == "ambulance.demo_tick"
