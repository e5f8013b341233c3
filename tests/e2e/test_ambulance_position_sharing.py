"""The crew card's position sharing when the server says "too many" (429): the card says it
paused, waits the Retry-After the server sent, then sends the position again — with no
script error and nothing thrown into the console (the browser's own line about the 429
response is all)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Browser, Route, expect

from lifeline.ambulance.models import Team
from lifeline.ambulance.tests.factories import StationFactory, TeamFactory
from tests.e2e.people import Person

pytestmark = pytest.mark.django_db(transaction=True)

HERE = {"latitude": 59.9386, "longitude": 30.3141}
TEXT = {
    "en": {
        "share": "Share our position",
        "paused": "Sharing paused, retrying…",
        "sharing": "Sharing the position",
    },
    "ru": {
        "share": "Передавать наше местоположение",
        "paused": "Передача приостановлена, повторяем…",
        "sharing": "Местоположение передаётся",
    },
}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_429_pauses_sharing_until_retry_after_then_the_position_is_sent(
    browser: Browser, asgi_live_server: Any, settings: Any, language: str
) -> None:
    settings.LIFELINE_MAP_TILES_URL = ""  # no tile server is reachable from CI
    base = asgi_live_server.url
    text = TEXT[language]
    team = TeamFactory(organization=StationFactory(), lat=None, lon=None, position_at=None)
    crew = Person(
        browser, base, team.lead, language, "phone", geolocation=HERE, permissions=["geolocation"]
    )
    posts: list[float] = []

    def answer(route: Route) -> None:
        posts.append(time.monotonic())
        if len(posts) == 1:  # the team's budget is spent (another phone of the crew)
            route.fulfill(
                status=429,
                headers={"Retry-After": "2"},
                content_type="application/json",
                body='{"code": "throttled"}',
            )
        else:
            route.continue_()

    crew.page.route("**/ambulance/crew/position/", answer)
    crew.visit("/ambulance/crew/")
    crew.page.get_by_role("button", name=text["share"]).click()

    state = crew.page.locator("[data-share-state]")
    expect(state).to_have_text(text["paused"])
    assert Team.objects.get(pk=team.pk).lat is None  # the refused report stored nothing
    expect(state).to_have_text(text["sharing"], timeout=15_000)

    assert len(posts) == 2
    assert posts[1] - posts[0] >= 1.9  # Retry-After: 2 was waited for
    fresh = Team.objects.get(pk=team.pk)
    assert (fresh.lat, fresh.lon) == (HERE["latitude"], HERE["longitude"])
    # Only the browser's own report of the 429 answer; no script error, nothing unhandled.
    assert [p for p in crew.problems if "429" not in p] == []
    assert crew.page.evaluate("() => window.__problems") == []
    crew.context.close()
