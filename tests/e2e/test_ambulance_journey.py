"""Ambulance journey, in Russian and English: a call filed by telephony (intake API key)
appears on the dispatcher's console without a reload; the dispatcher assigns the suggested
team; the crew's card shows the call without a reload; the crew goes en route and shares its
position (the console's map moves the team live), goes on scene and completes; the console
shows the call done and the team free again, all without a reload."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.ambulance.models import Call
from lifeline.ambulance.services.intake import intake_key_create
from lifeline.ambulance.tests.factories import StationFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "en": {
        "assign": "Assign",
        "assigned": "Assigned",
        "en_route": "En route",
        "on_scene": "On scene",
        "completed": "Completed",
        "share": "Share our position",
        "free": "free",
    },
    "ru": {
        "assign": "Назначить",
        "assigned": "Назначен",
        "en_route": "В пути",
        "on_scene": "На месте",
        "completed": "Выполнен",
        "share": "Передавать наше местоположение",
        "free": "свободна",
    },
}


def signed_in_by_cookie(
    browser: Browser, base: str, user: Any, language: str = "en", **context_args: Any
) -> Page:
    """Dispatchers must enrol 2FA at their first sign-in: the session is made directly."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    locale = {"ru": "ru-RU", "en": "en-US"}[language]
    context = browser.new_context(locale=locale, timezone_id="UTC", **context_args)
    context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base},
            {"name": "django_language", "value": language, "url": base},
        ]
    )
    page = context.new_page()
    errors: list[str] = []  # script errors (tiles may fail offline: not counted)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    return page


@pytest.mark.parametrize("language", ["ru", "en"])
def test_intake_call_is_assigned_live_and_the_crew_moves_it(
    browser: Browser, asgi_live_server: Any, settings: Any, language: str
) -> None:
    settings.LIFELINE_MAP_TILES_URL = ""  # no tile server is reachable from CI
    base = asgi_live_server.url
    text = TEXT[language]
    station = StationFactory()
    team = TeamFactory(organization=station, name="Team Alpha", lat=59.935, lon=30.336)
    dispatcher = user_with_role(Role.DISPATCHER, station, email="dispatcher@example.test")
    _key, raw_key = intake_key_create(actor=None, organization=station, name="PBX")

    console = signed_in_by_cookie(browser, base, dispatcher, language)
    console.goto(f"{base}/ambulance/console/")
    expect(console.locator("[data-ws-state]")).to_have_attribute("data-connected", "1")

    crew = signed_in_by_cookie(
        browser,
        base,
        team.lead,
        language,
        viewport={"width": 390, "height": 844},
        permissions=["geolocation"],
        geolocation={"latitude": 59.9401, "longitude": 30.3222},
    )
    crew.goto(f"{base}/ambulance/crew/")
    expect(crew.locator("[data-ws-state]")).to_have_attribute("data-connected", "1")
    expect(crew.locator("[data-current-call]")).to_have_count(0)

    # Telephony files a call with the station's key.
    response = console.request.post(
        f"{base}/api/v1/ambulance/intake/calls/",
        headers={"X-Api-Key": raw_key},
        data={
            "reason": "Chest pain",
            "address": "Nevsky prospekt 28",
            "lat": 59.9343,
            "lon": 30.3351,
            "criticality": "critical",
            "patient_name": "Ivan Petrov",
        },
    )
    assert response.status == 201
    call_id = response.json()["id"]
    row = console.locator(f'[data-call-id="{call_id}"]')
    expect(row).to_contain_text("Chest pain")

    # The dispatcher opens the card and assigns the suggested (only free) team.
    row.locator("a").click()
    expect(console.locator("input[name='team']:checked")).to_have_value(str(team.pk))
    console.get_by_role("button", name=text["assign"], exact=True).click()
    console.wait_for_url(f"{base}/ambulance/console/")
    expect(console.locator(f'[data-call-status="{call_id}"]')).to_have_text(text["assigned"])

    # The crew's card shows the call without a reload, and the crew goes en route.
    card = crew.locator(f'[data-current-call="{call_id}"]')
    expect(card).to_contain_text("Ivan Petrov")
    crew.get_by_role("button", name=text["en_route"]).click()
    expect(crew.locator(f'[data-call-status="{call_id}"]')).to_have_text(text["en_route"])

    # The console follows without a reload.
    expect(console.locator(f'[data-call-status="{call_id}"]')).to_have_text(text["en_route"])
    # The map shows the call and the team on both screens.
    expect(console.locator(f'[data-map-call="{call_id}"]')).to_have_count(1)
    expect(crew.locator(f'[data-map-team="{team.pk}"]')).to_have_count(1)

    # On the way the crew shares the phone's position: the console's map moves the team.
    crew.get_by_role("button", name=text["share"]).click()
    console.wait_for_function(
        """(id) => JSON.parse(document.getElementById("amb-map-data").textContent).teams
            .some((t) => t.id === id && t.lat === 59.9401 && t.lon === 30.3222)""",
        arg=str(team.pk),
    )
    expect(console.locator(f'[data-map-team="{team.pk}"]')).to_have_count(1)

    # On scene, then treated on scene: the card empties, the console shows the team free.
    crew.get_by_role("button", name=text["on_scene"]).click()
    expect(crew.locator(f'[data-call-status="{call_id}"]')).to_have_text(text["on_scene"])
    crew.get_by_role("button", name=text["completed"]).click()
    expect(crew.locator("[data-current-call]")).to_have_count(0)
    expect(console.locator(f'[data-call-status="{call_id}"]')).to_have_count(0)
    expect(console.locator(f'[data-team-id="{team.pk}"] .amb-team--free')).to_have_text(
        text["free"]
    )
    assert console.errors == []  # type: ignore[attr-defined]
    assert crew.errors == []  # type: ignore[attr-defined]
    call = Call.objects.get(pk=call_id)
    assert (call.status, call.team_id) == ("COMPLETED", team.pk)
    assert call.en_route_at is not None
    assert call.on_scene_at is not None
    assert call.completed_at is not None
    team.refresh_from_db()
    assert (team.lat, team.lon) == (59.9401, 30.3222)
