"""Pages that draw charts, maps and the API docs, opened under the site's strict
Content-Security-Policy in Russian and English, on a desktop and a phone width: no CSP
violation, no console error, no failed request — and the charts have their colours, the map
its scale, legend and markers without tiles, /api/docs/ its Swagger UI.

Set LIFELINE_E2E_SCREENSHOTS=<dir> to keep a full-page screenshot of every page visited."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.clinic.tests.factories import AssessmentFactory, ScoreFactory, care_team
from lifeline.sos.enums import EventStatus
from lifeline.sos.models import SosEvent
from lifeline.sos.tests.factories import TASHKENT, DeviceFactory, SosEventFactory, helper_at
from lifeline.sos.tests.factories import offset as moved
from tests.e2e.people import SHOTS, WATCH, WIDTHS

pytestmark = pytest.mark.django_db(transaction=True)


class Watched:
    """A signed-in page that collects console errors, page errors and failed requests."""

    def __init__(self, browser: Browser, base: str, user: Any, language: str) -> None:
        client = Client()
        client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
        locale = {"ru": "ru-RU", "en": "en-US"}[language]
        self.context = browser.new_context(locale=locale, timezone_id="UTC")
        self.context.add_cookies(
            [
                {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base},
                {"name": "django_language", "value": language, "url": base},
            ]
        )
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.base = base
        self.language = language
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"pageerror {error}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed {r.url}"))
        self.page.on(
            "response",
            lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console {message.text}")

    def visit(self, path: str, name: str, width: str) -> Page:
        self.problems.clear()
        self.page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None
        assert response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        self.page.wait_for_load_state("networkidle")
        return self.page

    def assert_clean(
        self, name: str, width: str, *, reflows: bool = True, full_page: bool = True
    ) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            path = f"{SHOTS}/{name}-{self.language}-{width}.png"
            self.page.screenshot(path=path, full_page=full_page)
        problems = self.problems + self.page.evaluate("() => window.__problems")
        assert problems == [], (name, self.language, width)
        overflow = self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert not reflows or overflow <= 1, (name, self.language, width, "scrolls sideways")


def _doctor_with_history() -> tuple[Any, Any]:
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    for days_ago, value, band in ((90, 8, "severe"), (60, 7, "severe"), (20, 4, "moderate")):
        assessment = AssessmentFactory(patient=patient, instruments=["nrs"], status="submitted")
        ScoreFactory(
            assessment=assessment,
            instrument="nrs",
            value=value,
            band=band,
            measured_at=timezone.now() - timedelta(days=days_ago),
        )
    return patient, doctor


def _sos_admin_with_events() -> Any:
    org = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    wearer = user_with_role(Role.DEVICE_OWNER, org, phone_number="+998901234567")
    device = DeviceFactory(owner=wearer, organization=org, device_uid="watch_unique_serial_001")
    device.last_lat, device.last_lon, device.last_seen_at = *moved(*TASHKENT, north_m=400), None
    device.save(update_fields=["last_lat", "last_lon", "last_seen_at"])
    now = timezone.now()
    for days_ago, accept_minutes, resolve_minutes in ((1, 2, 25), (3, 4, 40), (6, 9, 70)):
        created = now - timedelta(days=days_ago)
        event = SosEventFactory(
            device=device,
            status=EventStatus.RESOLVED,
            first_accepted_at=created + timedelta(minutes=accept_minutes),
            resolved_at=created + timedelta(minutes=resolve_minutes),
        )
        SosEvent.objects.filter(pk=event.pk).update(created_at=created)  # auto_now_add
    SosEventFactory(device=device)  # open: a marker on the map
    helper_at(org, *moved(*TASHKENT, north_m=150))
    return user_with_role(Role.SOS_ADMIN, org)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_charts_map_and_api_docs_render_under_the_csp(
    browser: Browser, asgi_live_server: Any, settings: Any, language: str
) -> None:
    # No tile server is reachable from CI: the map must read without a background.
    settings.LIFELINE_MAP_TILES_URL = ""
    base = asgi_live_server.url
    patient, doctor = _doctor_with_history()
    sos_admin = _sos_admin_with_events()
    dynamics = reverse("clinic-web:patient-dynamics", kwargs={"patient_id": patient.pk})

    for width in WIDTHS:
        clinician = Watched(browser, base, doctor, language)
        page = clinician.visit(f"{dynamics}?instrument=nrs", "dynamics", width)
        band = page.locator("svg path[fill='#ffc9c9']").first  # the "severe" band
        expect(band).to_be_visible()
        assert band.evaluate("(el) => getComputedStyle(el).fill") == "rgb(255, 201, 201)"
        clinician.assert_clean("dynamics", width)
        clinician.context.close()

        admin = Watched(browser, base, sos_admin, language)
        page = admin.visit("/sos/admin/statistics/", "sos-statistics", width)
        expect(page.locator("figure.sos-chart svg")).to_have_count(3)
        bar = page.locator("figure.sos-chart svg path[fill='#b00020']").first
        assert bar.evaluate("(el) => getComputedStyle(el).fill") == "rgb(176, 0, 32)"
        admin.assert_clean("sos-statistics", width)

        page = admin.visit("/sos/admin/map/", "sos-map", width)
        expect(page.locator("#sos-map .leaflet-control-scale")).to_be_visible()
        expect(page.locator("#sos-map .sos-map-legend")).to_be_visible()
        expect(page.locator("#sos-map path.leaflet-interactive")).to_have_count(3)
        expect(page.locator("#sos-map-no-tiles")).to_be_visible()
        expect(page.locator("#sos-map .leaflet-tile")).to_have_count(0)
        # The list is redrawn by map.js from the events' codes: it keeps the reader's labels.
        statuses = page.locator("#sos-event-list [data-status-of]").all_text_contents()
        assert statuses == [{"ru": "Новое", "en": "New"}[language]]
        admin.assert_clean("sos-map", width)

        page = admin.visit("/api/docs/", "api-docs", width)
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Lifeline API")
        expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
        assert re.search(r"/api/docs/\?script=", page.content())
        admin.assert_clean("api-docs", width, full_page=False)  # ten screens of operations
        admin.context.close()
