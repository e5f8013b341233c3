"""The station administrator's service area page: circle, polygon or none; field errors store
nothing; another station's administrator gets 404 and changes nothing."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.models import ServiceArea
from lifeline.ambulance.services.areas import service_area_set
from lifeline.ambulance.tests.factories import ServiceAreaFactory, StationFactory
from lifeline.audit.models import AuditEvent
from lifeline.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db

URL = "/ambulance/fleet/area/"


def _client(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _area_row(station: Any) -> tuple[Any, ...] | None:
    area = ServiceArea.objects.filter(station=station).first()
    if area is None:
        return None
    return (area.center_lat, area.center_lon, area.radius_km, area.polygon)


def test_fleet_page_links_to_the_area_page(station: Any, admin: Any) -> None:
    body = _client(admin).get("/ambulance/fleet/").content.decode()
    assert f'href="{URL}?station={station.pk}" data-area-link' in body
    page = _client(admin).get(f"{URL}?station={station.pk}")
    assert page.status_code == 200
    assert "No area is set: calls are taken from any point." in page.content.decode()


def test_admin_sets_a_circle_and_it_is_audited(station: Any, admin: Any) -> None:
    response = _client(admin).post(
        f"{URL}?station={station.pk}",
        {"kind": "circle", "center_lat": "59.9343", "center_lon": "30.3351", "radius_km": "12.5"},
    )
    assert (response.status_code, response["Location"]) == (302, f"{URL}?station={station.pk}")
    assert _area_row(station) == (59.9343, 30.3351, 12.5, [])
    event = AuditEvent.objects.get(action="ambulance.service_area_set")
    assert (event.actor_id, event.organization_id) == (str(admin.pk), str(station.pk))
    page = _client(admin).get(f"{URL}?station={station.pk}").content.decode()
    assert "Now: a circle of 12.5 km around 59.9343, 30.3351." in page


def test_admin_sets_a_polygon_from_lines_and_it_replaces_the_circle(
    station: Any, admin: Any
) -> None:
    ServiceAreaFactory(station=station)
    text = "59.90, 30.25\n[59.90, 30.40]\n\n59.97;30.40\n59.97 30.25\n"
    response = _client(admin).post(
        f"{URL}?station={station.pk}", {"kind": "polygon", "polygon": text}
    )
    assert response.status_code == 302
    assert _area_row(station) == (
        None,
        None,
        None,
        [[59.9, 30.25], [59.9, 30.4], [59.97, 30.4], [59.97, 30.25]],
    )
    area = ServiceArea.objects.get(station=station)
    assert area.contains(59.93, 30.33)
    assert not area.contains(59.98, 30.33)
    page = _client(admin).get(f"{URL}?station={station.pk}").content.decode()
    assert "Now: a polygon of 4 points." in page
    assert "59.97, 30.25" in page  # the form shows the points to edit


def test_choosing_no_area_removes_it(station: Any, admin: Any) -> None:
    ServiceAreaFactory(station=station)
    response = _client(admin).post(f"{URL}?station={station.pk}", {"kind": "none"})
    assert response.status_code == 302
    assert ServiceArea.objects.filter(station=station).count() == 0
    assert AuditEvent.objects.filter(action="ambulance.service_area_cleared").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "circle", "center_lat": "59.9", "center_lon": "30.3"}, "radius_km",
         "Required for a circle."),
        ({"kind": "circle", "center_lat": "95", "center_lon": "30.3", "radius_km": "5"},
         "center_lat", "Ensure this value is less than or equal to 90."),
        ({"kind": "circle", "center_lat": "59.9", "center_lon": "30.3", "radius_km": "0"},
         "radius_km", "Ensure this value is greater than or equal to 0.1."),
        ({"kind": "polygon", "polygon": "59.9, 30.2\n59.95, 30.3"}, "polygon",
         "Give at least three points."),
        ({"kind": "polygon", "polygon": "59.9, 30.2\nnorth, 30.3\n59.9, 30.4"}, "polygon",
         "Line 2: write a latitude and a longitude, e.g. 59.93, 30.33."),
        ({"kind": "polygon", "polygon": "59.9, 30.2\n59.95, 190\n59.9, 30.4"}, "polygon",
         "Line 2: latitude is -90..90 and longitude -180..180."),
        ({"kind": "polygon", "polygon": "59.9, 30.2\n59.9, 30.2\n59.95, 30.3"}, "polygon",
         "The polygon needs at least three distinct points."),
        ({"kind": "square"}, "kind",
         "Select a valid choice. square is not one of the available choices."),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_changes_nothing(
    station: Any, admin: Any, data: dict[str, str], field: str, message: str
) -> None:
    ServiceAreaFactory(station=station)
    before = _area_row(station)
    response = _client(admin).post(f"{URL}?station={station.pk}", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [message]
    assert message in html.unescape(response.content.decode())
    assert _area_row(station) == before
    assert AuditEvent.objects.filter(action__startswith="ambulance.service_area").count() == 0


def test_service_refuses_bad_areas_naming_the_field(station: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        service_area_set(actor=None, station=station, center_lat=59.9, radius_km=5)
    assert caught.value.errors == {"center_lon": ["Required for a circle."]}
    with pytest.raises(InvalidInput) as caught:
        service_area_set(actor=None, station=station, polygon=[[59.9, 30.2], [True, 30.3], [1, 2]])
    assert list(caught.value.errors or {}) == ["polygon"]
    assert ServiceArea.objects.count() == 0


def test_another_stations_admin_gets_404_and_nothing_changes(station: Any, admin: Any) -> None:
    ServiceAreaFactory(station=station)
    before = _area_row(station)
    stranger = user_with_role(Role.AMBULANCE_ADMIN, StationFactory())
    client = _client(stranger)
    assert client.get(f"{URL}?station={station.pk}").status_code == 404
    for data in ({"kind": "none"}, {"kind": "circle", "center_lat": "1", "center_lon": "1",
                                    "radius_km": "1"}):  # fmt: skip
        assert client.post(f"{URL}?station={station.pk}", data).status_code == 404
    assert _area_row(station) == before
    assert ServiceArea.objects.count() == 1
    # Their own page is their own station's.
    own = client.get(URL)
    assert own.status_code == 200
    assert own.context["station"].pk != station.pk


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.CREW])
def test_other_roles_of_the_station_get_403(station: Any, role: str) -> None:
    client = _client(user_with_role(role, station))
    assert client.get(f"{URL}?station={station.pk}").status_code == 403
    assert client.post(f"{URL}?station={station.pk}", {"kind": "none"}).status_code == 403


def test_anonymous_is_sent_to_sign_in(station: Any) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "/accounts/" in response["Location"]


def test_page_is_in_russian(station: Any, admin: Any) -> None:
    admin.language = "ru"
    admin.save()
    body = _client(admin, "ru").get(f"{URL}?station={station.pk}").content.decode()
    assert "Зона обслуживания" in body
    assert "Зона не задана: вызовы принимаются из любой точки." in body
