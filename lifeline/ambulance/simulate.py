"""Demo movement: random calls (the reference's call generator, without reverse geocoding)
and teams moving along their routes.

Calls are filed through `call_create` (source: intake), at uniformly random points within
`radius_km` of a centre, so every rule, audit record and live event applies as for real ones.
Teams move through `team_update_position`, a step at a time along the route to their call
(OSRM's road line when configured, else a straight line), so the console sees `team_moved`
exactly as from a crew's phone. Nothing is kept in memory between steps: each step is a job
(`ambulance.simulate_move`) that starts from the team's stored position, so any worker of
any process can run the next one.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from lifeline.ambulance import conf, geo, selectors
from lifeline.ambulance.enums import CallSource, CallStatus, Criticality, Sex
from lifeline.ambulance.models import Call, Team
from lifeline.ambulance.services.calls import (
    CallIntake,
    call_advance,
    call_assign,
    call_create,
)
from lifeline.ambulance.services.teams import team_update_position

REASONS = (
    ("Боль в груди", Criticality.CRITICAL, "10-D-1"),
    ("Без сознания", Criticality.CRITICAL, "31-D-2"),
    ("Затруднённое дыхание", Criticality.CRITICAL, "6-D-1"),
    ("Падение, травма ноги", Criticality.IMPORTANT, "17-B-1"),
    ("Высокая температура", Criticality.COMMON, "26-A-1"),
    ("Головная боль", Criticality.COMMON, "18-A-1"),
    ("Кровотечение из носа", Criticality.IMPORTANT, "21-B-1"),
)


def random_point(
    rng: random.Random, lat: float, lon: float, radius_km: float
) -> tuple[float, float]:
    """A point uniformly distributed in a circle of `radius_km` around (lat, lon)."""
    distance = radius_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance / 111.32 * math.cos(bearing)
    dlon = distance / (111.32 * max(math.cos(math.radians(lat)), 0.01)) * math.sin(bearing)
    return round(max(-90.0, min(90.0, lat + dlat)), 6), round(((lon + dlon + 180) % 360) - 180, 6)


def calls_generate(
    *,
    organization: Any,
    count: int,
    lat: float,
    lon: float,
    radius_km: float,
    seed: int | None = None,
) -> list[Call]:
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    created = []
    for _ in range(count):
        reason, criticality, code = rng.choice(REASONS)
        point_lat, point_lon = random_point(rng, lat, lon, radius_km)
        created.append(
            call_create(
                actor=None,
                organization=organization,
                source=CallSource.INTAKE,
                intake=CallIntake(
                    reason=reason,
                    address=f"{point_lat:.5f}, {point_lon:.5f}",
                    lat=point_lat,
                    lon=point_lon,
                    criticality=criticality,
                    determinant_code=code,
                    caller_phone=f"+7900{rng.randrange(10**7):07d}",
                    patient_sex=rng.choice([Sex.MALE, Sex.FEMALE]),
                    patient_age=rng.randrange(1, 95),
                ),
            )
        )
    return created


# --- movement ---------------------------------------------------------------------------------
def point_along(line: list[tuple[float, float]], metres: float) -> tuple[tuple[float, float], bool]:
    """The point `metres` along `line` (lat, lon points), and whether that is its end."""
    left = metres
    for (lat1, lon1), (lat2, lon2) in zip(line, line[1:], strict=False):
        leg = geo.distance_m(lat1, lon1, lat2, lon2)
        if leg >= left and leg > 0:
            share = left / leg
            point = (lat1 + (lat2 - lat1) * share, lon1 + (lon2 - lon1) * share)
            return (round(point[0], 6), round(point[1], 6)), False
        left -= leg
    return line[-1], True


@dataclass(frozen=True)
class Move:
    team_id: Any
    call_id: Any
    lat: float
    lon: float
    arrived: bool
    status: str  # the call's status after the step


# The statuses in which a team drives to its call (TRANSPORTING has no hospital point here).
MOVING = (CallStatus.ASSIGNED, CallStatus.EN_ROUTE)


def teams_move_step(
    *,
    station_id: Any,
    step_m: float,
    advance: bool = False,
    team_ids: list[Any] | None = None,
    exclude_team_ids: list[Any] | None = None,
) -> list[Move]:
    """Move each team of the station that is en route one `step_m` along its route.

    With `advance`, the simulation also plays the crew (as the team's senior): an ASSIGNED
    team sets off (EN_ROUTE), an arriving one reports ON_SCENE, and one on scene completes
    (treated on scene), so the team becomes free again. Without it, only EN_ROUTE teams move
    and statuses stay the crew's. `team_ids` limits the step to those teams,
    `exclude_team_ids` leaves those out.
    """
    statuses = [*MOVING, CallStatus.ON_SCENE] if advance else [CallStatus.EN_ROUTE]
    calls = (
        Call.objects.filter(organization_id=station_id, status__in=statuses, team__isnull=False)
        .select_related("team", "team__lead")
        .order_by("assigned_at", "id")
    )
    if team_ids is not None:
        calls = calls.filter(team_id__in=team_ids)
    if exclude_team_ids:
        calls = calls.exclude(team_id__in=exclude_team_ids)
    moves = []
    for call in calls:
        team: Team = call.team  # type: ignore[assignment]
        lead = team.lead
        if call.status == CallStatus.ON_SCENE:
            call = call_advance(actor=lead, call=call, status=CallStatus.COMPLETED)
            moves.append(Move(team.pk, call.pk, team.lat or 0, team.lon or 0, True, call.status))
            continue
        if call.status == CallStatus.ASSIGNED:
            call = call_advance(actor=lead, call=call, status=CallStatus.EN_ROUTE)
        if team.lat is None or team.lon is None:
            continue  # nowhere to start from: the crew's phone has not reported yet
        route = selectors.team_route_to_call(team=team, call=call)
        if route is None:
            continue
        (lat, lon), arrived = point_along(route.points, step_m)
        team_update_position(actor=None, team=team, lat=lat, lon=lon)
        if arrived and advance:
            call = call_advance(actor=lead, call=call, status=CallStatus.ON_SCENE)
        moves.append(Move(team.pk, call.pk, lat, lon, arrived, call.status))
    return moves


# --- the gentle demo (`serve --demo`) ----------------------------------------------------------
def _robot_team_ids(station_id: Any) -> list[Any]:
    """Demo teams nobody signs in to (their senior has no usable password): the demo drives
    them. The team of the demo crew login is left to the person trying it."""
    return [
        team.pk
        for team in Team.objects.filter(
            organization_id=station_id, dissolved_at__isnull=True, lead__is_demo=True
        ).select_related("lead")
        if not team.lead.has_usable_password()
    ]


def demo_tick(*, rng: random.Random | None = None) -> dict[str, int]:
    """One beat of the demo stations (organizations flagged `is_demo`): now and then a random
    call while the queue is short, the oldest waiting call to a free robot team, and one
    step for every team en route (robots play their crew; people's teams move only once
    their crew pressed "en route")."""
    from lifeline.access.enums import OrganizationKind
    from lifeline.access.selectors import organization_list

    rng = rng or random.Random()  # noqa: S311 - demo data, not security
    settings_ = conf.get("DEMO_SIMULATION")
    region = conf.get("SIMULATION_REGION")
    counts = {"calls": 0, "assigned": 0, "moved": 0}
    for station in organization_list(kind=OrganizationKind.AMBULANCE_STATION).filter(is_demo=True):
        waiting = Call.objects.filter(organization=station, status=CallStatus.NEW)
        if waiting.count() < settings_["MAX_WAITING"] and rng.random() < settings_["CALL_CHANCE"]:
            counts["calls"] += len(
                calls_generate(
                    organization=station,
                    count=1,
                    lat=region["lat"],
                    lon=region["lon"],
                    radius_km=region["radius_km"],
                    seed=rng.randrange(2**31),
                )
            )
        robots = _robot_team_ids(station.pk)
        old_enough = timezone.now() - timedelta(minutes=settings_["ROBOT_ASSIGN_AFTER_MINUTES"])
        oldest = (
            waiting.filter(received_at__lte=old_enough).order_by(*selectors.QUEUE_ORDER).first()
        )
        if oldest is not None:
            free = selectors.team_free_list(organization_id=station.pk).filter(pk__in=robots)
            team = free.first()
            if team is not None:
                call_assign(actor=None, call=oldest, team=team)
                counts["assigned"] += 1
        step = settings_["STEP_M"]
        moved = teams_move_step(station_id=station.pk, step_m=step, advance=True, team_ids=robots)
        others = teams_move_step(
            station_id=station.pk, step_m=step, advance=False, exclude_team_ids=robots
        )
        counts["moved"] += len(moved) + len(others)
    return counts
