"""Field-service journey: a missed call (signed Mango webhooks) appears on the operators'
board live as a callback task and the operator takes it; an answered call, once Mango
reports it finished, appears on the board live as a «Новая» request; Mango posts a signed
webhook for a call ringing on an operator's extension; the caller's card pops up on the
operator's board without a reload; the operator creates the request from it and hands it
to a master; the master, on a 390 px phone, accepts it, goes, works, enters the result and
expenses, photographs the BSO and marks it done; the manager sees the money the server
computed, the income transaction and the report's revenue. In Russian and in English."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from lifeline.access.enums import Role
from lifeline.fieldservice.integrations.signing import mango_sign
from lifeline.fieldservice.models import CallbackTask, RequestFile, ServiceRequest, Transaction
from lifeline.fieldservice.services.reference import company_defaults_ensure
from lifeline.fieldservice.tests.factories import (
    CampaignFactory,
    CityFactory,
    CompanyFactory,
    staff,
)
from lifeline.files.tests.samples import png

pytestmark = pytest.mark.django_db(transaction=True)

KEY, SALT = "journey-key", "journey-salt"

TEXT = {
    "en": {"incoming": "Incoming call", "done": "Done", "new": "New request",
           "awaiting": "Awaiting acceptance", "taken": "Taken by", "status_new": "New"},
    "ru": {"incoming": "Входящий звонок", "done": "Готово", "new": "Новая заявка",
           "awaiting": "Ожидает принятия", "taken": "Взял(а)", "status_new": "Новая"},
}  # fmt: skip


def person(browser: Browser, base: str, user: Any, language: str, **context: Any) -> Page:
    from django.test import Client

    client = Client()
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    ctx = browser.new_context(
        locale={"ru": "ru-RU", "en": "en-US"}[language], timezone_id="UTC", **context
    )
    ctx.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base},
            {"name": "django_language", "value": language, "url": base},
        ]
    )
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    return page


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _mango(page: Page, base: str, path: str, event: dict[str, Any]) -> None:
    """POST one webhook signed as Mango signs it (sha256 of key + json + salt)."""
    payload = json.dumps(event, separators=(",", ":"))
    response = page.request.post(
        f"{base}/api/v1/fieldservice/mango/{path}",
        form={
            "vpbx_api_key": KEY,
            "sign": mango_sign(api_key=KEY, payload=payload, api_salt=SALT),
            "json": payload,
        },
    )
    assert response.status == 200


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_ringing_call_becomes_a_request_a_master_completes(
    browser: Browser, asgi_live_server: Any, settings: Any, language: str
) -> None:
    settings.FIELDSERVICE_MANGO_API_KEY = KEY
    settings.FIELDSERVICE_MANGO_API_SALT = SALT
    base = asgi_live_server.url
    company = CompanyFactory(name="Мастер на час")
    company_defaults_ensure(organization_id=company.pk)
    moscow = CityFactory(organization=company, name="Москва")
    CampaignFactory(organization=company, city=moscow, name="Авито", phone_number="+74950000001")
    operator = staff(Role.OPERATOR, company, [moscow], extension="101")
    master = staff(Role.MASTER, company, [moscow])
    manager = staff(Role.MANAGER, company)
    text = TEXT[language]

    board = person(browser, base, operator, language)
    board.goto(f"{base}/fieldservice/")
    expect(board.locator("body")).to_have_attribute("data-fs-connected", "1")

    # A call nobody answered: the callback task appears on the board live; the operator
    # takes it.
    now = int(timezone.now().timestamp())
    _mango(board, base, "events/call", {
        "entry_id": "journey-missed", "call_id": "journey-missed-leg", "timestamp": now,
        "seq": 1, "call_state": "Appeared", "location": "abonent",
        "from": {"number": "79167654321"},
        "to": {"number": "74950000001", "line_number": "74950000001"},
    })  # fmt: skip
    _mango(board, base, "events/summary", {
        "entry_id": "journey-missed", "call_direction": 1, "from": {"number": "79167654321"},
        "to": {"number": "74950000001"}, "line_number": "74950000001", "create_time": now,
        "forward_time": now + 1, "talk_time": 0, "end_time": now + 30, "entry_result": 0,
        "disconnect_reason": 1110,
    })  # fmt: skip
    missed = board.locator("[data-testid=callbacks] li", has_text="+79167654321")
    expect(missed).to_have_count(1)
    missed.locator("button[type=submit]").click()
    board.wait_for_url(f"{base}/fieldservice/")
    missed = board.locator("[data-testid=callbacks] li", has_text="+79167654321")
    expect(missed).to_contain_text(text["taken"])
    expect(missed.locator("button")).to_have_count(0)
    callback = CallbackTask.objects.get(phone="+79167654321")
    assert (callback.status, callback.taken_by_id) == ("taken", operator.pk)
    expect(board.locator("body")).to_have_attribute("data-fs-connected", "1")

    # An answered call from a new number: once Mango reports it finished, it is a «Новая»
    # request of the dialled line's city on the board, without a reload.
    for seq, state, extension in (
        (1, "Appeared", ""),
        (2, "Connected", "101"),
        (3, "Disconnected", ""),
    ):
        _mango(board, base, "events/call", {
            "entry_id": "journey-answered", "call_id": "journey-answered-leg",
            "timestamp": now + seq, "seq": seq, "call_state": state, "location": "abonent",
            "from": {"number": "79165550011"},
            "to": {"number": "74950000001", "line_number": "74950000001", "extension": extension},
        })  # fmt: skip
    _mango(board, base, "events/summary", {
        "entry_id": "journey-answered", "call_direction": 1, "from": {"number": "79165550011"},
        "to": {"number": "74950000001"}, "line_number": "74950000001", "create_time": now,
        "forward_time": now + 1, "talk_time": now + 5, "end_time": now + 65, "entry_result": 1,
        "disconnect_reason": 1110,
    })  # fmt: skip
    answered = board.locator("[data-testid=request-table] tr", has_text="+79165550011")
    expect(answered).to_have_count(1)
    expect(answered.locator(".fs-status")).to_have_text(text["status_new"])
    answered_request = ServiceRequest.objects.get(client_phone="+79165550011")
    assert (answered_request.status, answered_request.city_id, answered_request.operator_id) == (
        "new",
        moscow.pk,
        operator.pk,
    )

    # Mango: the call rings on the operator's extension (signed as Mango signs it).
    payload = json.dumps(
        {
            "entry_id": "journey-entry",
            "call_id": "journey-leg",
            "timestamp": int(timezone.now().timestamp()),
            "seq": 1,
            "call_state": "Appeared",
            "location": "abonent",
            "from": {"number": "79161234567"},
            "to": {"number": "74950000001", "line_number": "74950000001", "extension": "101"},
        },
        separators=(",", ":"),
    )
    response = board.request.post(
        f"{base}/api/v1/fieldservice/mango/events/call",
        form={
            "vpbx_api_key": KEY,
            "sign": mango_sign(api_key=KEY, payload=payload, api_salt=SALT),
            "json": payload,
        },
    )
    assert response.status == 200

    # The caller's card pops up without a reload.
    card = board.locator("[data-fs-caller-slot] [data-testid=caller-card]")
    expect(card).to_contain_text(text["incoming"])
    expect(card.locator("[data-testid=caller-phone]")).to_have_text("+79161234567")
    card.locator("[data-testid=caller-new-request]").click()
    expect(board.locator("h1")).to_have_text(text["new"])
    expect(board.locator("#id_client_phone")).to_have_value("+79161234567")
    board.locator("#id_client_name").fill("Ирина")
    board.locator("#id_address").fill("Москва, ул. Тверская, 1")
    board.locator("#id_master").select_option(str(master.pk))
    board.locator("form.fs-form button[type=submit]").click()
    request = ServiceRequest.objects.get(client_phone="+79161234567")
    board.wait_for_url(f"{base}/fieldservice/requests/{request.pk}/")
    # With a master chosen, the request waits for the master to accept it.
    expect(board.locator("[data-testid=status]")).to_have_text(text["awaiting"])

    # The master, on a phone, accepts, goes and works from «My requests».
    phone = person(browser, base, master, language, viewport={"width": 390, "height": 844})
    phone.goto(f"{base}/fieldservice/")
    mine = phone.locator("[data-testid=my-requests]")
    expect(mine).to_contain_text("Ирина")
    for status in ("accepted", "en_route", "in_progress"):
        mine.locator(f"button[name=status][value={status}]").click()
        phone.wait_for_url(f"{base}/fieldservice/")
    mine.get_by_role("link", name="Ирина").click()
    phone.locator("#id_result").fill("5000")
    phone.locator("#id_expenses").fill("1000")
    phone.locator("form:has(input[name=form][value=report]) button[type=submit]").click()
    expect(phone.locator("[data-testid=net]")).to_contain_text("4")
    # The BSO, photographed with the phone's camera (the input asks for it).
    phone.locator("#fs-purpose").select_option("bso")
    phone.locator("#fs-file").set_input_files(
        files=[{"name": "bso.png", "mimeType": "image/png", "buffer": png()}]
    )
    phone.locator("form:has(#fs-file) button[type=submit]").click()
    expect(phone.locator("[data-testid=files] a")).to_have_count(1)
    bso = RequestFile.objects.get(request=request)
    assert (bso.purpose, bso.file.content_type, bso.uploaded_by_id) == (
        "bso",
        "image/png",
        master.pk,
    )
    phone.locator("button[name=status][value=done]").click()
    expect(phone.locator("[data-testid=status]")).to_have_text(text["done"])
    overflow = phone.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1

    # The manager sees the money the server computed (share 0.5 of 5000 − 1000).
    office = person(browser, base, manager, language)
    office.goto(f"{base}/fieldservice/requests/{request.pk}/")
    expect(office.locator("[data-testid=status]")).to_have_text(text["done"])
    assert _digits(office.locator("[data-testid=net]").inner_text()) == "400000"
    assert _digits(office.locator("[data-testid=handover]").inner_text()) == "200000"
    request.refresh_from_db()
    assert (request.status, str(request.net_amount), str(request.master_handover)) == (
        "done",
        "4000.00",
        "2000.00",
    )
    income = Transaction.objects.get(request=request)
    assert str(income.amount) == "2000.00"
    # The income transaction and the report, reached from the manager's home.
    office.goto(f"{base}/fieldservice/")
    office.locator("a[href='/fieldservice/transactions/']").click()
    row = office.locator("[data-testid=transaction]")
    expect(row).to_have_count(1)
    assert _digits(row.locator("[data-testid=amount]").inner_text()) == "200000"
    office.goto(f"{base}/fieldservice/")
    office.locator("a[href='/fieldservice/report/']").click()
    assert _digits(office.locator("[data-testid=revenue]").inner_text()) == "200000"
    expect(office.locator("[data-testid=report-totals]")).to_be_visible()
    for page in (board, phone, office):
        assert page.errors == []  # type: ignore[attr-defined]
