"""A station's service area: set (a circle or a polygon) or clear; audited.

Validation names the field and stores nothing. The area only restricts intake (console form,
`calls/` POST, intake API); an escalated SOS event is never refused (`services.calls`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from lifeline.ambulance.models import ServiceArea
from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput

if TYPE_CHECKING:
    from lifeline.access.models import Organization

MAX_POLYGON_POINTS = 500


def _snapshot(area: ServiceArea | None) -> dict[str, Any]:
    if area is None:
        return {}
    return {
        "center_lat": area.center_lat,
        "center_lon": area.center_lon,
        "radius_km": area.radius_km,
        "polygon_points": len(area.polygon or []),
    }


def _validate_circle(
    center_lat: float | None, center_lon: float | None, radius_km: float | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    required = _("Required for a circle.")
    if center_lat is None:
        errors["center_lat"] = [required]
    elif not -90 <= center_lat <= 90:
        errors["center_lat"] = [_("Latitude is between -90 and 90.")]
    if center_lon is None:
        errors["center_lon"] = [required]
    elif not -180 <= center_lon <= 180:
        errors["center_lon"] = [_("Longitude is between -180 and 180.")]
    if radius_km is None:
        errors["radius_km"] = [required]
    elif not 0.1 <= radius_km <= 2000:
        errors["radius_km"] = [_("The radius is between 0.1 and 2000 km.")]
    return errors


def _validate_polygon(polygon: Any) -> dict[str, list[str]]:
    valid = isinstance(polygon, list) and 3 <= len(polygon) <= MAX_POLYGON_POINTS
    valid = valid and all(
        isinstance(p, list | tuple)
        and len(p) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in p)
        and -90 <= p[0] <= 90
        and -180 <= p[1] <= 180
        for p in polygon
    )
    if not valid:
        return {
            "polygon": [
                _("Give from 3 to %(max)d points, each a latitude and a longitude.")
                % {"max": MAX_POLYGON_POINTS}
            ]
        }
    if len({(float(a), float(b)) for a, b in polygon}) < 3:
        return {"polygon": [_("The polygon needs at least three distinct points.")]}
    return {}


@transaction.atomic
def service_area_set(
    *,
    actor: Any,
    station: Organization,
    center_lat: float | None = None,
    center_lon: float | None = None,
    radius_km: float | None = None,
    polygon: list[list[float]] | None = None,
) -> ServiceArea:
    """Make the station's area a polygon (when given) or a circle; refusals store nothing."""
    if polygon:
        errors = _validate_polygon(polygon)
        fields: dict[str, Any] = {
            "polygon": [[float(a), float(b)] for a, b in polygon] if not errors else [],
            "center_lat": None,
            "center_lon": None,
            "radius_km": None,
        }
    else:
        errors = _validate_circle(center_lat, center_lon, radius_km)
        fields = {
            "polygon": [],
            "center_lat": center_lat,
            "center_lon": center_lon,
            "radius_km": radius_km,
        }
    if errors:
        raise InvalidInput(errors=errors)
    existing = ServiceArea.objects.select_for_update().filter(station=station).first()
    before = _snapshot(existing)
    area = existing or ServiceArea(station=station)
    for name, value in fields.items():
        setattr(area, name, value)
    area.full_clean()
    area.save()
    record(
        actor=actor,
        action="ambulance.service_area_set",
        target=area,
        organization=station,
        before=before,
        after=_snapshot(area),
    )
    return area


@transaction.atomic
def service_area_clear(*, actor: Any, station: Organization) -> bool:
    """Remove the station's area (intake from anywhere again); False when there was none."""
    area = ServiceArea.objects.select_for_update().filter(station=station).first()
    if area is None:
        return False
    before = _snapshot(area)
    record(
        actor=actor,
        action="ambulance.service_area_cleared",
        target=area,
        organization=station,
        before=before,
        after={},
    )
    area.delete()
    return True
