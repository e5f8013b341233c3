"""Random calls for demos and load (the reference's call generator, without reverse geocoding).

Calls are filed through `call_create` (source: intake), at uniformly random points within
`radius_km` of a centre, so every rule, audit record and live event applies as for real ones.
"""

from __future__ import annotations

import math
import random
from typing import Any

from lifeline.ambulance.enums import CallSource, Criticality, Sex
from lifeline.ambulance.models import Call
from lifeline.ambulance.services.calls import CallIntake, call_create

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
