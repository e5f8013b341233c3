"""SOS journey: a watch's SOS posted over the API appears on the admin's live map; a helper
accepts it from their page; the wearer's page shows it without a reload."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from rest_framework_simplejwt.tokens import AccessToken

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.accounts.tests.factories import DEFAULT_PASSWORD
from lifeline.sos.models import HelperProfile, SosEvent
from lifeline.sos.tests.factories import DeviceFactory
from tests.e2e.people import WIDTHS, Person

pytestmark = pytest.mark.django_db(transaction=True)

TASHKENT = (41.311081, 69.240562)


def sign_in(browser: Browser, base: str, email: str) -> Page:
    context = browser.new_context(locale="en-US", timezone_id="UTC")
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.locator("input[name='identifier'], input[name='username']").first.fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("form[method='post'] button[type='submit']").first.click()
    page.wait_for_url(f"{base}/")
    return page


def signed_in_by_cookie(browser: Browser, base: str, user: Any) -> Page:
    """SOS admins must enrol 2FA at their first sign-in: the admin's session is made directly."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    context = browser.new_context(locale="en-US", timezone_id="UTC")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return context.new_page()


def test_sos_from_the_api_reaches_the_map_a_helper_accepts_the_wearer_sees_it(
    browser: Browser, asgi_live_server: Any
) -> None:
    base = asgi_live_server.url
    org = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    wearer = user_with_role(
        Role.DEVICE_OWNER, org, email="wearer@example.test", phone_number="+998901234567"
    )
    DeviceFactory(owner=wearer, organization=org, device_uid="watch_unique_serial_001")
    admin = user_with_role(Role.SOS_ADMIN, org, email="admin@example.test")
    helper = user_with_role(
        Role.HELPER, org, email="helper@example.test", full_name="Helper Nodira"
    )
    HelperProfile.objects.create(
        user=helper, opted_in=True, on_duty=True, lat=TASHKENT[0] + 0.003, lon=TASHKENT[1],
        location_at=timezone.now(),
    )  # fmt: skip

    # The admin watches the live map.
    admin_page = signed_in_by_cookie(browser, base, admin)
    admin_page.goto(f"{base}/sos/admin/map/")
    expect(admin_page.locator("[data-ws-state]")).to_have_attribute("data-connected", "1")

    # The watch posts an SOS over the mobile API.
    response = admin_page.request.post(
        f"{base}/api/v1/sos/trigger/",
        headers={"Authorization": f"Bearer {AccessToken.for_user(wearer)}"},
        data={
            "device_uid": "watch_unique_serial_001",
            "lat": TASHKENT[0],
            "lon": TASHKENT[1],
            "detected_type": "FALL_DETECTED",
            "severity": 4,
            "timestamp": timezone.now().isoformat(),
        },
    )
    assert response.status == 201
    event_uid = response.json()["event_uid"]
    expect(admin_page.locator(f'#sos-event-list [data-event-uid="{event_uid}"]')).to_be_visible()
    expect(admin_page.locator(f'path[data-event-uid="{event_uid}"]')).to_have_count(1)

    # The wearer opens their page: their SOS is open, nobody has accepted yet.
    wearer_page = sign_in(browser, base, wearer.email)
    wearer_page.goto(f"{base}/sos/")
    status = wearer_page.locator(f'[data-status-of="{event_uid}"]')
    expect(status).to_have_text("New")
    wearer_page.evaluate("() => { window.__sameDocument = true; }")
    wearer_page.wait_for_timeout(300)  # the page's WebSocket connects

    # The helper accepts from their page.
    helper_page = sign_in(browser, base, helper.email)
    helper_page.goto(f"{base}/sos/helper/")
    helper_page.locator(f'[data-event-uid="{event_uid}"] [data-testid="accept"]').click()
    expect(helper_page.locator(f'[data-event-uid="{event_uid}"]')).to_contain_text("Accepted")

    # The wearer's page updates in place, and so does the admin's list.
    expect(status).to_have_text("Accepted")
    expect(wearer_page.locator(f'[data-helper-of="{event_uid}"]')).to_contain_text("Helper Nodira")
    assert wearer_page.evaluate("() => window.__sameDocument === true")
    # The live map's list shows the status label, not the code (it showed "ACCEPTED").
    expect(admin_page.locator(f'[data-status-of="{event_uid}"]')).to_have_text("Accepted")
    assert SosEvent.objects.get(pk=event_uid).accepted_by == helper


# --- the wearer's page is live; the helper's stale location, and the way to the SOS ----------

TEXT = {
    "en": {"new": "New", "stale": "too old for you to be alerted", "share": "Share my location now",
           "way": "m in a straight line", "call": "Call Wearer Aziza"},
    "ru": {"new": "Новое", "stale": "слишком давно, чтобы вас оповещали",
           "share": "Поделиться местоположением сейчас", "way": "м по прямой",
           "call": "Позвонить: Wearer Aziza"},
}  # fmt: skip


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_stale_helper_shares_the_wearer_page_is_live_the_helper_sees_the_way(
    browser: Browser, asgi_live_server: Any, settings: Any, language: str, width: str
) -> None:
    settings.LIFELINE_MAP_TILES_URL = ""  # no tile server is reachable from CI
    base = asgi_live_server.url
    text = TEXT[language]
    org = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    wearer = user_with_role(
        Role.DEVICE_OWNER, org, full_name="Wearer Aziza", phone_number="+998901234567"
    )
    DeviceFactory(owner=wearer, organization=org, device_uid="watch_unique_serial_001")
    helper = user_with_role(Role.HELPER, org, full_name="Helper Nodira")
    HelperProfile.objects.create(
        user=helper, opted_in=True, on_duty=True, lat=TASHKENT[0], lon=TASHKENT[1],
        location_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    here = {"latitude": TASHKENT[0] + 0.003, "longitude": TASHKENT[1]}  # ~334 m north

    # The helper's location is an hour old: the page says so and shares it on request.
    volunteer = Person(
        browser, base, helper, language, width, geolocation=here, permissions=["geolocation"]
    )
    volunteer.visit(f"{base}/sos/helper/")
    notice = volunteer.page.locator('[data-testid="location-stale"]')
    expect(notice).to_contain_text(text["stale"])
    volunteer.assert_clean("sos-helper-stale")
    volunteer.page.get_by_role("button", name=text["share"]).click()
    expect(notice).to_have_count(0)
    profile = HelperProfile.objects.get(user=helper)
    assert (round(profile.lat, 3), round(profile.lon, 3)) == (round(TASHKENT[0] + 0.003, 3),
                                                              round(TASHKENT[1], 3))  # fmt: skip
    assert profile.location_at > timezone.now() - timedelta(minutes=1)

    # The wearer's page has no SOS; the watch sends one; it appears without a reload.
    person = Person(browser, base, wearer, language, width)
    person.visit(f"{base}/sos/")
    expect(person.page.locator('[data-testid="no-open-sos"]')).to_be_visible()
    person.page.evaluate("() => { window.__sameDocument = true; }")
    person.page.wait_for_timeout(300)  # the page's WebSocket connects
    response = person.page.request.post(
        f"{base}/api/v1/sos/trigger/",
        headers={"Authorization": f"Bearer {AccessToken.for_user(wearer)}"},
        data={"device_uid": "watch_unique_serial_001", "lat": TASHKENT[0], "lon": TASHKENT[1],
              "detected_type": "FALL_DETECTED", "severity": 4,
              "timestamp": timezone.now().isoformat()},
    )  # fmt: skip
    assert response.status == 201
    event_uid = response.json()["event_uid"]
    expect(person.page.locator(f'[data-status-of="{event_uid}"]')).to_have_text(text["new"])
    assert person.page.evaluate("() => window.__sameDocument === true")
    person.assert_clean("sos-wearer-live")

    # The helper, now fresh, is alerted, accepts and gets the way, the distance and a call.
    volunteer.visit(f"{base}/sos/helper/")
    volunteer.page.locator(f'[data-event-uid="{event_uid}"] [data-testid="accept"]').click()
    volunteer.visit(f"{base}/sos/events/{event_uid}/")
    route = volunteer.page.locator('[data-testid="route"]')
    expect(route).to_contain_text(text["way"])
    expect(route.locator("#sos-route-map path.leaflet-interactive")).to_have_count(3)
    expect(route.locator("#sos-route-map .leaflet-control-scale")).to_be_visible()
    call = route.get_by_role("link", name=text["call"])
    expect(call).to_have_attribute("href", "tel:+998901234567")
    volunteer.assert_clean("sos-event-helper")

    # The wearer's page follows the acceptance in place.
    expect(person.page.locator(f'[data-helper-of="{event_uid}"]')).to_contain_text("Helper Nodira")
    assert person.page.evaluate("() => window.__sameDocument === true")
    person.assert_clean("sos-wearer-accepted")
    volunteer.context.close()
    person.context.close()
