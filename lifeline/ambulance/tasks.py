"""Celery entry points of the ambulance module: thin, ids and primitives in, one call each.
Enqueued by name (`lifeline.core.tasks.enqueue_on_commit`); nothing in ambulance imports
this module. Only the demo movement runs as jobs today."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from lifeline.access.enums import OrganizationKind
from lifeline.access.selectors import organization_get
from lifeline.ambulance.simulate import calls_generate, demo_tick, teams_move_step


@shared_task(name="ambulance.simulate_calls", soft_time_limit=50, time_limit=60)
def simulate_calls(
    *,
    station_id: str,
    count: int,
    lat: float,
    lon: float,
    radius_km: float,
    seed: int | None = None,
) -> int:
    """File `count` random calls for the station within `radius_km` of (lat, lon)."""
    station = organization_get(organization_id=station_id, kind=OrganizationKind.AMBULANCE_STATION)
    if station is None:
        return 0  # removed since it was enqueued
    return len(
        calls_generate(
            organization=station, count=count, lat=lat, lon=lon, radius_km=radius_km, seed=seed
        )
    )


@shared_task(name="ambulance.simulate_move", soft_time_limit=50, time_limit=60)
def simulate_move(*, station_id: str, step_m: float, advance: bool = False) -> int:
    """One movement step of the station's teams en route (see `simulate.teams_move_step`)."""
    return len(teams_move_step(station_id=station_id, step_m=step_m, advance=advance))


@shared_task(name="ambulance.demo_tick", soft_time_limit=50, time_limit=60)
def demo_tick_task() -> dict[str, Any]:
    """Demo only (a beat entry that `serve --demo` adds, see `ambulance.demo`)."""
    return demo_tick()
