"""Second ambulance journey (issue 16, "Done when"): an SOS triggered through the seed's
endpoint and left unaccepted escalates into a critical call on the dispatcher's console
without a reload; the call card shows it came from SOS with the event's timeline; when the
dispatcher assigns a team, the wearer's page says so without a reload.

Nobody waits the five escalation minutes: the escalation is a deadline on the event's row
(`escalate_at`), and the test runs the `sos.run_due` sweep (`deadlines_run_due`) in the live
server's thread with the clock at that deadline, as the beat would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect
from rest_framework_simplejwt.tokens import AccessToken

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.ambulance.models import Call
from lifeline.ambulance.tests.factories import SosLinkFactory, StationFactory, TeamFactory
from lifeline.sos.models import SosEvent
from lifeline.sos.services.deadlines import deadlines_run_due
from lifeline.sos.tests.factories import DeviceFactory
from tests.e2e.test_sos_journey import TASHKENT, Person

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "en": {"critical": "Critical", "from_sos": "From SOS", "escalated": "Escalated",
           "filed": "Ambulance call filed", "assigned": "Ambulance team assigned",
           "assign": "Assign"},
    "ru": {"critical": "Экстренный", "from_sos": "Из SOS", "escalated": "Эскалирован",
           "filed": "Вызов скорой помощи создан", "assigned": "Назначена бригада скорой помощи",
           "assign": "Назначить"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["ru", "en"])
def test_an_unaccepted_sos_becomes_a_critical_call_on_the_console(
    browser: Browser, asgi_live_server: Any, settings: Any, language: str
) -> None:
    settings.LIFELINE_MAP_TILES_URL = ""  # no tile server is reachable from CI
    base = asgi_live_server.url
    text = TEXT[language]
    sos_service = OrganizationFactory(kind=OrganizationKind.SOS_SERVICE)
    wearer = user_with_role(
        Role.DEVICE_OWNER, sos_service, full_name="Wearer Aziza", phone_number="+998901234567"
    )
    DeviceFactory(owner=wearer, organization=sos_service, device_uid="watch_unique_serial_001")
    station = StationFactory()
    SosLinkFactory(sos_service=sos_service, station=station)
    team = TeamFactory(organization=station, name="Бригада 1", lat=TASHKENT[0], lon=TASHKENT[1])
    dispatcher = user_with_role(Role.DISPATCHER, station)

    desk = Person(browser, base, dispatcher, language, "desktop")
    desk.visit(f"{base}/ambulance/console/")
    expect(desk.page.locator("[data-ws-state]")).to_have_attribute("data-connected", "1")
    home = Person(browser, base, wearer, language, "phone")
    home.visit(f"{base}/sos/")
    expect(home.page.locator('[data-testid="no-open-sos"]')).to_be_visible()

    # The watch posts an SOS over the seed's endpoint; no helper is near to accept it.
    response = desk.page.request.post(
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
    expect(home.page.locator(f'[data-status-of="{event_uid}"]')).to_be_visible()
    assert Call.objects.count() == 0

    # The escalation time passes with the event still NEW: the sweep escalates it.
    due = SosEvent.objects.get(pk=event_uid).escalate_at
    assert due is not None
    result = asgi_live_server.call(deadlines_run_due, now=due + timedelta(seconds=1))
    assert result["escalated"] == 1

    call = Call.objects.get(sos_event_id=event_uid)
    assert (call.status, call.criticality, call.source, call.organization_id) == (
        "NEW",
        "critical",
        "sos",
        station.pk,
    )
    row = desk.page.locator(f'#amb-board [data-call-id="{call.pk}"]').first
    expect(row).to_be_visible()  # without a reload: the console's socket got `new_call`
    expect(row.locator(".amb-crit--critical")).to_have_text(text["critical"])
    desk.assert_clean("ambulance-sos-console")

    # The card says where the call came from, with the SOS event's timeline.
    row.locator("a").first.click()
    desk.page.wait_for_url(f"{base}/ambulance/calls/{call.pk}/")
    from_sos = desk.page.locator('[data-testid="from-sos"]')
    expect(from_sos.locator("h2")).to_have_text(text["from_sos"])
    expect(from_sos).to_contain_text(text["escalated"])
    expect(from_sos).to_contain_text(text["filed"])
    desk.assert_clean("ambulance-sos-card")

    # The dispatcher assigns the team; the wearer's page says so without a reload.
    home.page.evaluate("() => { window.__sameDocument = true; }")
    desk.page.get_by_role("button", name=text["assign"], exact=True).click()
    desk.page.wait_for_url(f"{base}/ambulance/console/")
    expect(home.page.locator('[data-testid="my-event-ambulance"]')).to_contain_text(
        f"{text['assigned']}: Бригада 1"
    )
    assert home.page.evaluate("() => window.__sameDocument === true")
    home.assert_clean("ambulance-sos-wearer")
    call.refresh_from_db()
    assert (call.status, call.team_id) == ("ASSIGNED", team.pk)
