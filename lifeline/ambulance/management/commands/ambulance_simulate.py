"""`lifeline manage ambulance_simulate --station <slug> [--calls N] [--lat --lon --radius-km]
[--steps K --step-m M --interval S --advance]`: demo movement for a station.

Files N random calls within the region (default: AMBULANCE_SIMULATION_REGION), then runs K
movement steps S seconds apart: teams en route move M metres along their routes (with
`--advance`, the simulation also plays the crews: sets off, arrives, completes). Each batch
of calls and each step is a job on the worker (`ambulance.simulate_calls`,
`ambulance.simulate_move`, enqueued by name with ids), so it works with several processes;
without a broker (the embedded default) the jobs run in this process."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lifeline.access.enums import OrganizationKind
from lifeline.access.selectors import organization_list
from lifeline.ambulance import conf
from lifeline.core.tasks import enqueue_on_commit


class Command(BaseCommand):
    help = "File random calls for an ambulance station and move its teams along their routes."

    def add_arguments(self, parser: CommandParser) -> None:
        region = conf.get("SIMULATION_REGION")
        parser.add_argument("--station", required=True, help="slug of the ambulance station")
        parser.add_argument("--calls", type=int, default=5, help="random calls to file (0: none)")
        parser.add_argument("--lat", type=float, default=region["lat"])
        parser.add_argument("--lon", type=float, default=region["lon"])
        parser.add_argument("--radius-km", type=float, default=region["radius_km"])
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--steps", type=int, default=0, help="movement steps to run")
        parser.add_argument("--step-m", type=float, default=150.0, help="metres per step")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between steps")
        parser.add_argument(
            "--advance", action="store_true", help="also play the crews (en route, on scene, done)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        station = (
            organization_list(kind=OrganizationKind.AMBULANCE_STATION, active=None)
            .filter(slug=options["station"])
            .first()
        )
        if station is None:
            raise CommandError(f"No ambulance station {options['station']!r}.")
        if not (0 <= options["calls"] <= 10_000):
            raise CommandError("--calls must be between 0 and 10000.")
        if not (-90 <= options["lat"] <= 90 and -180 <= options["lon"] <= 180):
            raise CommandError("--lat/--lon out of range.")
        if not (0 < options["radius_km"] <= 500):
            raise CommandError("--radius-km must be between 0 and 500.")
        if not (0 <= options["steps"] <= 100_000) or not (0 < options["step_m"] <= 10_000):
            raise CommandError("--steps must be 0..100000 and --step-m 0..10000.")
        if options["calls"]:
            enqueue_on_commit(
                "ambulance.simulate_calls",
                kwargs={
                    "station_id": str(station.pk),
                    "count": options["calls"],
                    "lat": options["lat"],
                    "lon": options["lon"],
                    "radius_km": options["radius_km"],
                    "seed": options["seed"],
                },
            )
            self.stdout.write(f"{options['calls']} calls queued for {station.name}.")
        for step in range(options["steps"]):
            if step:
                time.sleep(max(0.0, options["interval"]))
            enqueue_on_commit(
                "ambulance.simulate_move",
                kwargs={
                    "station_id": str(station.pk),
                    "step_m": options["step_m"],
                    "advance": options["advance"],
                },
                expires=max(options["interval"], 1.0) * 2,
            )
        if options["steps"]:
            self.stdout.write(f"{options['steps']} movement steps queued for {station.name}.")
