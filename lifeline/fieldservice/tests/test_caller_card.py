"""The caller's card: a Mango call ringing on an operator's extension sends that operator
`fieldservice.call_ringing`; the card shows the number, the last 5 requests, the open ones
and «New request» pre-filled with the phone."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.test import Client, TestCase, override_settings
from django.utils import timezone

from lifeline.fieldservice import events
from lifeline.fieldservice.consumers import CallCentreConsumer
from lifeline.fieldservice.enums import RequestStatus
from lifeline.fieldservice.integrations.signing import mango_sign
from lifeline.fieldservice.models import Call, StaffProfile
from lifeline.fieldservice.selectors import caller_card_for
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

KEY, SALT = "demo-key", "demo-salt"
PHONE = "+79161234567"


def _ring(extension: str, *, entry: str = "entry-r", seq: int = 1) -> Any:
    payload = {
        "entry_id": entry,
        "call_id": f"{entry}-leg",
        "timestamp": int(timezone.now().timestamp()),
        "seq": seq,
        "call_state": "Appeared",
        "location": "abonent",
        "from": {"number": "79161234567"},
        "to": {"number": "74950000001", "line_number": "74950000001", "extension": extension},
    }
    raw = json.dumps(payload, separators=(",", ":"))
    form = {
        "vpbx_api_key": KEY,
        "sign": mango_sign(api_key=KEY, payload=raw, api_salt=SALT),
        "json": raw,
    }
    published: list[tuple[str, dict[str, Any], list[str]]] = []

    def record(event: Any, groups: Any, **kwargs: Any) -> None:
        published.append((event.type, dict(event.data), list(groups)))

    with (
        override_settings(FIELDSERVICE_MANGO_API_KEY=KEY, FIELDSERVICE_MANGO_API_SALT=SALT),
        mock.patch("lifeline.fieldservice.services.telephony.publish_on_commit", record),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        response = client_for(None).post(
            "/api/v1/fieldservice/mango/events/call",
            urlencode(form),
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 200
    return published


def test_a_call_ringing_on_an_operators_extension_sends_them_the_card_event(world: Any) -> None:
    published = _ring("101")
    call = Call.objects.get()
    data = {"call_id": str(call.pk), "city_id": world.moscow.pk}
    assert published == [
        ("fieldservice.call_started", data, [events.callcentre_group(world.company.pk)]),
        ("fieldservice.call_ringing", data, [events.operator_group(world.operator.pk)]),
    ]
    # The same leg ringing again (a replayed webhook) sends nothing more.
    assert _ring("101") == []


def test_no_card_event_for_an_unknown_or_fired_extension(world: Any) -> None:
    assert [t for t, _, _ in _ring("999")] == ["fieldservice.call_started"]
    StaffProfile.objects.filter(user=world.operator).update(status="fired")
    assert [t for t, _, _ in _ring("101", entry="entry-2")] == ["fieldservice.call_started"]


def test_operators_and_managers_listen_on_their_own_line_masters_do_not(world: Any) -> None:
    consumer = CallCentreConsumer()
    assert events.operator_group(world.operator.pk) in consumer.groups_for(world.operator)
    assert events.operator_group(world.manager.pk) in consumer.groups_for(world.manager)
    assert events.operator_group(world.master.pk) not in consumer.groups_for(world.master)


def _history(world: Any) -> tuple[list[Any], list[Any]]:
    rows = [
        ServiceRequestFactory(city=world.moscow, client_phone=PHONE, status=RequestStatus.DONE)
        for _ in range(5)
    ]
    rows += [ServiceRequestFactory(city=world.moscow, client_phone=PHONE) for _ in range(2)]
    ServiceRequestFactory(city=world.kazan, client_phone=PHONE)  # not the operator's city
    ServiceRequestFactory(city=world.moscow, client_phone="+79160000000")
    return rows, rows[-2:]


def test_the_card_selector_is_scoped_and_constant_in_queries(
    world: Any, django_assert_num_queries: Any
) -> None:
    rows, open_rows = _history(world)
    call = Call.objects.create(
        organization=world.company,
        entry_id="e1",
        from_number=PHONE,
        city=world.moscow,
        campaign=world.campaign,
    )
    # roles, granted cities, the call, recent, open, total
    with django_assert_num_queries(6):
        card = caller_card_for(actor=world.operator, call_id=call.pk)
    newest_first = sorted(rows, key=lambda r: (r.created_at, r.pk), reverse=True)
    assert [r.pk for r in card.recent] == [r.pk for r in newest_first[:5]]
    assert {r.pk for r in card.open} == {r.pk for r in open_rows}
    assert card.total == 7
    assert caller_card_for(actor=world.manager, call_id=call.pk).total == 8


def test_the_card_page_offers_a_prefilled_new_request(world: Any) -> None:
    _history(world)
    call = Call.objects.create(
        organization=world.company,
        entry_id="e1",
        from_number=PHONE,
        city=world.moscow,
        campaign=world.campaign,
    )
    client = Client()
    client.force_login(world.operator)
    page = client.get(f"/fieldservice/calls/{call.pk}/card/").content.decode()
    assert PHONE in page
    assert 'data-testid="caller-new-request"' in page
    link = f"/fieldservice/requests/new/?call={call.pk}&amp;phone=%2B79161234567"
    assert link in page
    form = client.get(f"/fieldservice/requests/new/?call={call.pk}&phone=%2B79161234567")
    initial = form.context["form"].initial
    assert initial == {
        "client_phone": PHONE,
        "city": world.moscow.pk,
        "campaign": world.campaign.pk,
    }
    other = Client()
    other.force_login(world.other_operator)
    assert other.get(f"/fieldservice/calls/{call.pk}/card/").status_code == 404
    # Another company's call id prefills nothing but the phone typed in the URL.
    assert other.get(f"/fieldservice/requests/new/?call={call.pk}").context["form"].initial == {}
    master = Client()
    master.force_login(world.master)
    assert master.get(f"/fieldservice/calls/{call.pk}/card/").status_code == 404
