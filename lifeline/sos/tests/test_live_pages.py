"""The wearer's page refetches its "My SOS" card live; the accepting helper's event page has a
map of the way, the straight-line distance and a call button for the wearer."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.sos.services.events import event_accept, event_resolve
from lifeline.sos.services.helpers import helpers_alert_round
from lifeline.sos.tests.factories import TASHKENT, SosEventFactory, helper_at, offset

pytestmark = pytest.mark.django_db


def browser(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    return client


def test_the_wearer_page_is_live_and_its_card_can_be_refetched(wearer: Any, device: Any) -> None:
    client = browser(wearer)
    page = client.get("/sos/").content.decode()
    assert 'data-refresh-url="/sos/?partial=my-sos" data-refresh-target="#sos-my-events"' in page
    assert 'data-testid="no-open-sos"' in page

    event = SosEventFactory(device=device)
    card = client.get("/sos/?partial=my-sos").content.decode()

    assert card.lstrip().startswith('<div id="sos-my-events">')
    assert f'data-status-of="{event.pk}">New<' in card
    assert "My devices" not in card  # only the card


@pytest.fixture
def accepted(org: Any, device: Any) -> tuple[Any, Any]:
    event = SosEventFactory(device=device)
    helper = helper_at(org, *offset(*TASHKENT, north_m=300), full_name="Helper Nodira")
    helpers_alert_round(event_id=event.pk)
    event_accept(event=event, actor=helper)
    return event, helper


def route_data(page: str) -> dict[str, Any]:
    match = re.search(r'<script id="sos-route-data" type="application/json">(.*?)</script>', page)
    assert match is not None
    return dict(json.loads(match.group(1)))


def test_the_accepting_helper_sees_the_way_the_distance_and_a_call_button(
    accepted: tuple[Any, Any],
) -> None:
    event, helper = accepted

    page = browser(helper).get(f"/sos/events/{event.pk}/").content.decode()

    assert 'data-testid="route"' in page
    assert "300 m in a straight line" in page
    assert 'href="tel:+998901234567" data-testid="call-wearer"' in page
    data = route_data(page)
    assert data["event"] == {"lat": TASHKENT[0], "lon": TASHKENT[1]}
    assert data["helper"] == {"lat": pytest.approx(offset(*TASHKENT, north_m=300)[0]),
                              "lon": pytest.approx(TASHKENT[1])}  # fmt: skip
    assert data["helper_label"] == "You"
    assert "leaflet/leaflet.js" in page
    assert "sos/route.js" in page


def test_the_way_in_russian(accepted: tuple[Any, Any]) -> None:
    event, helper = accepted

    page = browser(helper, "ru").get(f"/sos/events/{event.pk}/").content.decode()

    assert "300 м по прямой" in page
    assert "Позвонить:" in page
    assert "Вы в пути" in page


def test_a_far_helper_sees_kilometres(org: Any, device: Any) -> None:
    event = SosEventFactory(device=device)
    helper = helper_at(org, *offset(*TASHKENT, north_m=2500))
    helpers_alert_round(event_id=event.pk)
    event_accept(event=event, actor=helper)

    page = browser(helper).get(f"/sos/events/{event.pk}/").content.decode()

    assert "2.5 km in a straight line" in page


def test_nobody_else_gets_the_way_or_the_call_button(
    accepted: tuple[Any, Any], org: Any, wearer: Any
) -> None:
    event, helper = accepted
    admin = user_with_role(Role.SOS_ADMIN, org)

    for user in (wearer, admin):
        page = browser(user).get(f"/sos/events/{event.pk}/").content.decode()
        assert 'data-testid="route"' not in page
        assert "tel:" not in page
        assert "sos-route-data" not in page
        assert "leaflet" not in page

    event_resolve(event=event, actor=helper, outcome="ok")
    page = browser(helper).get(f"/sos/events/{event.pk}/").content.decode()
    assert 'data-testid="route"' not in page
    assert "tel:" not in page
