"""The station's service area (station administrators): a circle or a polygon, or none.

Reached from the fleet page (the administrator's home). Someone who administers no station
gets 403; `?station=` of a station the user does not administer 404 (`_admin_station`).
Form errors are shown on their fields and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lifeline.ambulance import selectors
from lifeline.ambulance.services import areas
from lifeline.ambulance.web import forms as f
from lifeline.ambulance.web.views import _admin_station, _user, web_view
from lifeline.core.exceptions import InvalidInput


def _initial(area: Any) -> dict[str, Any]:
    if area is None:
        return {"kind": f.ServiceAreaForm.KIND_NONE}
    if area.polygon:
        return {
            "kind": f.ServiceAreaForm.KIND_POLYGON,
            "polygon": "\n".join(f"{lat}, {lon}" for lat, lon in area.polygon),
        }
    return {
        "kind": f.ServiceAreaForm.KIND_CIRCLE,
        "center_lat": area.center_lat,
        "center_lon": area.center_lon,
        "radius_km": area.radius_km,
    }


@web_view
def service_area(request: HttpRequest) -> HttpResponse:
    station = _admin_station(request)
    area = selectors.service_area_of(station_id=station.pk)
    form = f.ServiceAreaForm(request.POST or None, initial=_initial(area))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == f.ServiceAreaForm.KIND_NONE:
                    areas.service_area_clear(actor=_user(request), station=station)
                elif data["kind"] == f.ServiceAreaForm.KIND_POLYGON:
                    areas.service_area_set(
                        actor=_user(request), station=station, polygon=data["polygon"]
                    )
                else:
                    areas.service_area_set(
                        actor=_user(request),
                        station=station,
                        center_lat=data["center_lat"],
                        center_lon=data["center_lon"],
                        radius_km=data["radius_km"],
                    )
            except InvalidInput as exc:
                for field, errors in (exc.errors or {}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, str(error))
            else:
                messages.success(request, _("The service area is saved."))
                return redirect(f"{reverse('ambulance-web:service-area')}?station={station.pk}")
        status = 400
    return render(
        request,
        "ambulance/service_area.html",
        {"station": station, "area": area, "form": form},
        status=status,
    )
