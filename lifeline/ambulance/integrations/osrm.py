"""A self-hosted OSRM (Open Source Routing Machine) for road ETAs and route lines.

Only two services are used: `table` (durations from many teams to one call, one request)
and `route` (the road line from the crew to the call). Coordinates go to OSRM as
`lon,lat` pairs separated by `;` (OSRM's order, not Leaflet's). Every failure (timeout,
connection, HTTP error, a code other than "Ok", a malformed body) raises
`RoutingUnavailable`; callers fall back to great-circle estimates and a straight line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

Point = tuple[float, float]  # (lat, lon), the order the rest of Lifeline uses


class RoutingUnavailable(Exception):
    """OSRM did not give a usable answer; the caller falls back to great-circle."""


@dataclass(frozen=True)
class Leg:
    duration_seconds: float
    distance_m: float


@dataclass(frozen=True)
class Route:
    duration_seconds: float
    distance_m: float
    line: list[Point]  # (lat, lon) points from start to end


def _coordinates(points: list[Point]) -> str:
    return ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)


class OsrmClient:
    def __init__(self, *, base_url: str, profile: str = "driving", timeout: float = 2.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self.timeout = timeout

    def _get(self, service: str, points: list[Point], params: dict[str, str]) -> dict[str, Any]:
        url = f"{self.base_url}/{service}/v1/{self.profile}/{_coordinates(points)}"
        try:
            response = requests.get(url, params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            error = type(exc).__name__
            logger.warning("ambulance.osrm_unreachable", extra={"service": service, "error": error})
            raise RoutingUnavailable(service) from exc
        try:
            body = response.json()
        except ValueError as exc:
            logger.warning(
                "ambulance.osrm_bad_answer",
                extra={"service": service, "status": response.status_code},
            )
            raise RoutingUnavailable(service) from exc
        if response.status_code != 200 or not isinstance(body, dict) or body.get("code") != "Ok":
            logger.warning(
                "ambulance.osrm_refused",
                extra={
                    "service": service,
                    "status": response.status_code,
                    "code": body.get("code") if isinstance(body, dict) else None,
                },
            )
            raise RoutingUnavailable(service)
        return body

    def table_to(self, *, sources: list[Point], destination: Point) -> list[Leg | None]:
        """Road duration and distance from each source to `destination`, in the sources'
        order; None where OSRM found no route. The destination is coordinate 0."""
        if not sources:
            return []
        body = self._get(
            "table",
            [destination, *sources],
            {
                "sources": ";".join(str(i) for i in range(1, len(sources) + 1)),
                "destinations": "0",
                "annotations": "duration,distance",
            },
        )
        try:
            durations = body["durations"]
            distances = body.get("distances") or [[None]] * len(sources)
            if len(durations) != len(sources) or len(distances) != len(sources):
                raise ValueError("table size")
            legs: list[Leg | None] = []
            for duration_row, distance_row in zip(durations, distances, strict=True):
                duration, distance = duration_row[0], distance_row[0]
                if duration is None:
                    legs.append(None)
                else:
                    legs.append(
                        Leg(
                            duration_seconds=float(duration),
                            distance_m=float(distance) if distance is not None else -1.0,
                        )
                    )
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            logger.warning("ambulance.osrm_bad_answer", extra={"service": "table"})
            raise RoutingUnavailable("table") from exc
        return legs

    def route(self, *, start: Point, end: Point) -> Route:
        """The fastest road route from `start` to `end` with its full line."""
        body = self._get(
            "route",
            [start, end],
            {
                "overview": "full",
                "geometries": "geojson",
                "alternatives": "false",
                "steps": "false",
            },
        )
        try:
            best = body["routes"][0]
            line = [(float(lat), float(lon)) for lon, lat in best["geometry"]["coordinates"]]
            if len(line) < 2:
                raise ValueError("short line")
            return Route(
                duration_seconds=float(best["duration"]),
                distance_m=float(best["distance"]),
                line=line,
            )
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            logger.warning("ambulance.osrm_bad_answer", extra={"service": "route"})
            raise RoutingUnavailable("route") from exc


def client() -> OsrmClient | None:
    """The configured client, or None when `OSRM_URL` is not set."""
    base_url = getattr(settings, "OSRM_URL", "")
    if not base_url:
        return None
    return OsrmClient(
        base_url=base_url,
        profile=getattr(settings, "OSRM_PROFILE", "driving"),
        timeout=getattr(settings, "OSRM_TIMEOUT_SECONDS", 2.0),
    )
