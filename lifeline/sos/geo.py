"""Distances on plain latitude/longitude (ARCHITECTURE decision 6): bounding box + haversine."""

from __future__ import annotations

import math
from collections.abc import Container, Iterable
from typing import Any

EARTH_RADIUS_M = 6_371_008.8
_M_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def nearest_within(
    lat: float,
    lon: float,
    points: Iterable[tuple[Any, float, float]],
    radius_m: float,
    limit: int,
    excluded: Container[Any] = (),
) -> list[tuple[float, Any]]:
    """(distance, key) of the `points` (key, lat, lon) within `radius_m`, nearest first, ties
    by key, at most `limit`, skipping keys in `excluded`.

    The same operations as `haversine_m` in the same order (so the same distances, to the
    bit), with the origin's terms computed once: the nearest-helper search ranks every
    candidate of its bounding box here, and per-point function calls were half its Python."""
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    p1 = radians(lat)
    cos_p1 = cos(p1)
    diameter = 2 * EARTH_RADIUS_M
    ranked = []
    for key, p_lat, p_lon in points:
        p2 = radians(p_lat)
        a = sin((p2 - p1) / 2) ** 2 + cos_p1 * cos(p2) * sin(radians(p_lon - lon) / 2) ** 2
        distance = diameter * asin(min(1.0, sqrt(a)))
        if distance <= radius_m and key not in excluded:
            ranked.append((distance, key))
    ranked.sort()
    return ranked[:limit]


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box containing the circle.

    Near the poles (or a box wider than the world) the longitude range is the whole world;
    a box crossing the antimeridian is widened to the whole world too (rare, still correct).
    """
    dlat = radius_m / _M_PER_DEG_LAT
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    cos_lat = math.cos(math.radians(max(abs(min_lat), abs(max_lat))))
    if cos_lat < 1e-6:
        return min_lat, max_lat, -180.0, 180.0
    dlon = radius_m / (_M_PER_DEG_LAT * cos_lat)
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180 or max_lon > 180:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, min_lon, max_lon


# A fixed grid for the nearest-helper prefilter: cells of GRID_DEG degrees, keyed by one
# integer, so a bounding box becomes a short list of equality lookups on an index.
GRID_DEG = 0.05
_LON_CELLS = 10_000  # > 360 / GRID_DEG
MAX_GRID_CELLS = 400


def grid_cell(lat: float, lon: float) -> int:
    row = int((lat + 90.0) / GRID_DEG)
    col = int((lon + 180.0) / GRID_DEG)
    return row * _LON_CELLS + col


def grid_cells(min_lat: float, max_lat: float, min_lon: float, max_lon: float) -> list[int] | None:
    """The cells covering a box, or None when there would be more than MAX_GRID_CELLS."""
    rows = range(int((min_lat + 90.0) / GRID_DEG), int((max_lat + 90.0) / GRID_DEG) + 1)
    cols = range(int((min_lon + 180.0) / GRID_DEG), int((max_lon + 180.0) / GRID_DEG) + 1)
    if len(rows) * len(cols) > MAX_GRID_CELLS:
        return None
    return [r * _LON_CELLS + c for r in rows for c in cols]
