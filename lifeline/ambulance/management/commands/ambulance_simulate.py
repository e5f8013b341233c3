"""`lifeline manage ambulance_simulate --station <slug> [--calls N] [--lat --lon --radius-km]`:
file random calls for a station (demo and load). Team movement is not simulated yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lifeline.access.enums import OrganizationKind
from lifeline.access.models import Organization
from lifeline.ambulance.simulate import calls_generate


class Command(BaseCommand):
    help = "File random calls for an ambulance station."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--station", required=True, help="slug of the ambulance station")
        parser.add_argument("--calls", type=int, default=5)
        parser.add_argument("--lat", type=float, default=59.9343)
        parser.add_argument("--lon", type=float, default=30.3351)
        parser.add_argument("--radius-km", type=float, default=8.0)
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        station = Organization.objects.filter(
            slug=options["station"], kind=OrganizationKind.AMBULANCE_STATION
        ).first()
        if station is None:
            raise CommandError(f"No ambulance station {options['station']!r}.")
        if not (0 < options["calls"] <= 10_000):
            raise CommandError("--calls must be between 1 and 10000.")
        if not (-90 <= options["lat"] <= 90 and -180 <= options["lon"] <= 180):
            raise CommandError("--lat/--lon out of range.")
        created = calls_generate(
            organization=station,
            count=options["calls"],
            lat=options["lat"],
            lon=options["lon"],
            radius_km=options["radius_km"],
            seed=options["seed"],
        )
        self.stdout.write(f"{len(created)} calls filed for {station.name}.")
