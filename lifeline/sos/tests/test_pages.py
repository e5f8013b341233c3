from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.accounts.tests.factories import UserFactory
from lifeline.sos.enums import EventStatus
from lifeline.sos.models import Device, EmergencyContact, HelperProfile, SosEvent
from lifeline.sos.services.helpers import helpers_alert_round
from lifeline.sos.tests.factories import TASHKENT, SosEventFactory, helper_at, offset

pytestmark = pytest.mark.django_db


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    return client


def test_pages_need_a_login() -> None:
    response = Client().get("/sos/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_wearer_page_lists_devices_and_triggers_an_sos(wearer: Any, device: Any) -> None:
    client = browser(wearer)
    page = client.get("/sos/")
    assert page.status_code == 200
    assert device.device_uid in page.content.decode()

    response = client.post(
        f"/sos/devices/{device.device_uid}/trigger/", {"lat": "41.3", "lon": "69.2"}
    )
    event = SosEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sos/events/{event.pk}/"
    assert (event.source, event.lat, event.lon) == ("web", 41.3, 69.2)
    assert 'data-testid="my-event-status"' in client.get("/sos/").content.decode()


def test_trigger_without_any_location_is_refused(wearer: Any, device: Any) -> None:
    response = browser(wearer).post(
        f"/sos/devices/{device.device_uid}/trigger/", {"lat": "", "lon": ""}
    )

    assert response.status_code == 302
    assert SosEvent.objects.count() == 0


def test_another_users_device_cannot_be_triggered_or_rotated(device: Any) -> None:
    client = browser(UserFactory())
    assert (
        client.post(
            f"/sos/devices/{device.device_uid}/trigger/", {"lat": "1", "lon": "1"}
        ).status_code
        == 404
    )
    assert client.post(f"/sos/devices/{device.device_uid}/token/").status_code == 404
    assert SosEvent.objects.count() == 0


def test_token_rotation_shows_the_token_once(wearer: Any, device: Any) -> None:
    client = browser(wearer)
    client.post(f"/sos/devices/{device.device_uid}/token/", {"action": "rotate"})
    first = client.get("/sos/").content.decode()
    second = client.get("/sos/").content.decode()

    assert 'data-testid="device-token"' in first
    assert 'data-testid="device-token"' not in second
    client.post(f"/sos/devices/{device.device_uid}/token/", {"action": "revoke"})
    assert Device.objects.get(pk=device.pk).token_hash is None


def test_add_device_and_contact(wearer: Any) -> None:
    client = browser(wearer)
    client.post("/sos/devices/add/", {"device_uid": "new-watch", "model": "X"})
    client.post("/sos/contacts/add/", {"name": "Dilnoza", "phone_number": "+998901112233"})
    client.post("/sos/contacts/add/", {"name": "Bad", "phone_number": "call me"})

    assert Device.objects.get(device_uid="new-watch").owner == wearer
    assert list(EmergencyContact.objects.values_list("name", flat=True)) == ["Dilnoza"]


def test_helper_page_toggles_duty_and_accepts(org: Any, device: Any) -> None:
    helper = user_with_role(Role.HELPER, org)
    client = browser(helper)
    assert client.get("/sos/helper/").status_code == 200
    client.post(
        "/sos/helper/update/",
        {"opted_in": "on", "on_duty": "on", "lat": str(TASHKENT[0]), "lon": str(TASHKENT[1])},
    )
    profile = HelperProfile.objects.get(user=helper)
    assert (profile.opted_in, profile.on_duty, profile.lat) == (True, True, TASHKENT[0])

    event = SosEventFactory(device=device)
    helpers_alert_round(event_id=event.pk)
    fragment = client.get("/sos/helper/?partial=alerts").content.decode()
    assert 'data-testid="accept"' in fragment
    assert "<html" not in fragment
    client.post(f"/sos/events/{event.pk}/accept/", {"next": "helper"})
    assert SosEvent.objects.get(pk=event.pk).accepted_by == helper


def test_helper_page_is_404_without_the_role() -> None:
    assert browser(UserFactory()).get("/sos/helper/").status_code == 404


def test_event_page_scoped_and_resolve_by_admin(device: Any, sos_admin: Any, wearer: Any) -> None:
    event = SosEventFactory(device=device)
    assert browser(UserFactory()).get(f"/sos/events/{event.pk}/").status_code == 404
    assert browser(wearer).get(f"/sos/events/{event.pk}/").status_code == 200
    page = browser(sos_admin).get(f"/sos/events/{event.pk}/").content.decode()
    assert 'data-testid="resolve"' in page
    browser(sos_admin).post(f"/sos/events/{event.pk}/resolve/", {"outcome": "Ambulance not needed"})
    event.refresh_from_db()
    assert (event.status, event.outcome) == (EventStatus.RESOLVED, "Ambulance not needed")


def test_wearer_cannot_accept_from_the_page(device: Any, wearer: Any) -> None:
    event = SosEventFactory(device=device)
    response = browser(wearer).post(f"/sos/events/{event.pk}/accept/")

    assert response.status_code == 302
    assert SosEvent.objects.get(pk=event.pk).status == EventStatus.NEW


def test_admin_map_and_statistics(org: Any, device: Any, sos_admin: Any) -> None:
    event = SosEventFactory(device=device)
    SosEventFactory(
        device=device,
        status=EventStatus.RESOLVED,
        first_accepted_at=timezone.now(),
        resolved_at=timezone.now(),
    )
    helper_at(org, *offset(*TASHKENT, north_m=100))
    client = browser(sos_admin)

    page = client.get("/sos/admin/map/").content.decode()
    assert str(event.pk) in page
    assert "leaflet/leaflet.js" in page
    assert 'id="sos-map-data"' in page
    stats = client.get("/sos/admin/statistics/")
    assert stats.status_code == 200
    assert stats.content.decode().count("<svg") == 3


def test_admin_pages_are_404_for_others(wearer: Any) -> None:
    assert browser(wearer).get("/sos/admin/map/").status_code == 404
    assert browser(wearer).get("/sos/admin/statistics/").status_code == 404


def test_demo_seeder_is_idempotent() -> None:
    from lifeline.access.enums import OrganizationKind
    from lifeline.access.tests.factories import OrganizationFactory
    from lifeline.core.demo import DemoContext
    from lifeline.sos.demo import seed

    org = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    ctx = DemoContext(
        organizations={OrganizationKind.SOS_SERVICE: org},
        users={
            Role.DEVICE_OWNER: user_with_role(Role.DEVICE_OWNER, org),
            Role.HELPER: user_with_role(Role.HELPER, org),
        },
        write=lambda _text: None,
    )
    seed(ctx)
    seed(ctx)

    assert Device.objects.filter(device_uid="DEMO-WATCH-0001").count() == 1
    assert HelperProfile.objects.count() == 1
