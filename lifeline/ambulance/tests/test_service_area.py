"""A station's optional service area: intake outside it is refused with the fields named and
nothing stored (dispatcher API, intake API, the console form); an escalated SOS never is."""

from __future__ import annotations

import html
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lifeline.ambulance.models import Call, CallTransition, ServiceArea
from lifeline.ambulance.services.calls import call_create_from_sos
from lifeline.ambulance.services.intake import intake_key_create
from lifeline.ambulance.tests.conftest import client_for
from lifeline.ambulance.tests.factories import ServiceAreaFactory, SosLinkFactory
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/ambulance"
BODY = {
    "reason": "Chest pain",
    "address": "Nevsky 28",
    "lat": 59.93,
    "lon": 30.33,
    "criticality": "critical",
}
MOSCOW = {"lat": 55.75, "lon": 37.62}
MESSAGE = "The point is outside the station's service area."
# A square around the centre of Saint Petersburg, [lat, lon] corners.
SQUARE = [[59.90, 30.25], [59.90, 30.40], [59.97, 30.40], [59.97, 30.25]]


def test_circle_and_polygon_contain_what_they_should() -> None:
    circle = ServiceArea(center_lat=59.9343, center_lon=30.3351, radius_km=10)
    assert circle.contains(59.93, 30.33)
    assert circle.contains(60.0, 30.3351)  # 7.3 km north
    assert not circle.contains(60.05, 30.3351)  # 12.9 km north
    square = ServiceArea(polygon=SQUARE)
    assert square.contains(59.93, 30.33)
    assert not square.contains(59.98, 30.33)
    assert not square.contains(59.93, 30.41)
    assert ServiceArea().contains(0, 0)  # nothing configured: no restriction


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"polygon": [[59.9, 30.2], [59.95, 30.3]]}, "polygon"),
        ({"polygon": [[59.9, 30.2], [59.95, 30.3], [95, 30.3]]}, "polygon"),
        ({"center_lat": 59.9, "center_lon": 30.3}, "radius_km"),
    ],
)
def test_an_area_needs_a_polygon_or_a_full_circle(fields: dict[str, Any], error_field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ServiceArea(**fields).clean()
    assert list(caught.value.message_dict) == [error_field]


def test_dispatcher_intake_outside_the_area_is_400_naming_the_fields(
    station: Any, dispatcher: Any
) -> None:
    ServiceAreaFactory(station=station)
    response = client_for(dispatcher).post(f"{API}/calls/", {**BODY, **MOSCOW}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"] == {"lat": [MESSAGE], "lon": [MESSAGE]}
    assert Call.objects.count() == 0
    assert CallTransition.objects.count() == 0
    assert AuditEvent.objects.filter(action="ambulance.call_created").count() == 0
    inside = client_for(dispatcher).post(f"{API}/calls/", BODY, format="json")
    assert inside.status_code == 201
    assert Call.objects.count() == 1


def test_intake_api_outside_a_polygon_is_400_and_stores_nothing(station: Any) -> None:
    ServiceAreaFactory(station=station, center_lat=None, center_lon=None, radius_km=None,
                       polygon=SQUARE)  # fmt: skip
    _key, raw = intake_key_create(actor=None, organization=station, name="PBX")
    client = client_for(None)
    outside = client.post(
        f"{API}/intake/calls/", {**BODY, "lat": 59.98}, format="json", HTTP_X_API_KEY=raw
    )
    assert outside.status_code == 400
    assert sorted(outside.json()["errors"]) == ["lat", "lon"]
    assert Call.objects.count() == 0
    inside = client.post(f"{API}/intake/calls/", BODY, format="json", HTTP_X_API_KEY=raw)
    assert inside.status_code == 201


def test_another_stations_area_does_not_apply(station: Any, dispatcher: Any) -> None:
    ServiceAreaFactory()  # another station's, around Saint Petersburg
    response = client_for(dispatcher).post(f"{API}/calls/", {**BODY, **MOSCOW}, format="json")
    assert response.status_code == 201


def test_console_form_outside_the_area_says_so_and_stores_nothing(
    station: Any, dispatcher: Any
) -> None:
    ServiceAreaFactory(station=station)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(dispatcher)
    response = client.post(
        "/ambulance/calls/new/",
        {**BODY, "lat": "55.75", "lon": "37.62", "patient_sex": "unknown"},
        follow=True,
    )
    assert MESSAGE in html.unescape(response.content.decode())
    assert Call.objects.count() == 0


def test_an_escalated_sos_outside_the_area_is_still_a_call() -> None:
    link = SosLinkFactory()
    ServiceAreaFactory(station=link.station)
    call = call_create_from_sos(
        sos_event_id=uuid.uuid4(), sos_service_id=link.sos_service_id, **MOSCOW
    )
    assert call is not None
    assert (call.organization_id, call.lat, call.lon) == (link.station_id, 55.75, 37.62)
