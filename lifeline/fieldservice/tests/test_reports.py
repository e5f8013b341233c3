from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lifeline.access.enums import Role
from lifeline.fieldservice.enums import CallOutcome, RequestStatus
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import (
    CallbackTaskFactory,
    CallFactory,
    ServiceRequestFactory,
    staff,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/fieldservice/reports/"


def _requests_in_every_status(world: Any) -> None:
    world.campaign.monthly_cost = Decimal("12000.00")
    world.campaign.save()
    for status in RequestStatus.values:
        ServiceRequestFactory(
            city=world.moscow,
            campaign=world.campaign,
            master=world.master,
            status=status,
            master_handover=Decimal("2000.00") if status == RequestStatus.DONE else None,
        )


def test_callcentre_report_counts_every_status_and_the_cost_of_a_lead(world: Any) -> None:
    _requests_in_every_status(world)
    data = client_for(world.manager).get(f"{URL}callcentre/").json()
    assert data["requests_created"] == 12
    assert data["requests_done"] == 1
    assert data["conversion"] == 0.0833
    assert data["revenue"] == "2000.00"
    assert data["by_status"] == dict.fromkeys(RequestStatus.values, 1)
    assert data["campaigns"] == [
        {
            "campaign_id": world.campaign.pk,
            "name": "Авито",
            "requests": 12,
            "done": 1,
            "revenue": "2000.00",
            "cost_per_lead": "1000.00",
        }
    ]


def test_masters_report(world: Any) -> None:
    _requests_in_every_status(world)
    rows = client_for(world.director).get(f"{URL}masters/").json()
    assert [(r["master_id"], r["requests"], r["done"], r["handover_due"]) for r in rows] == [
        (str(world.master.pk), 12, 1, "2000.00")
    ]


@pytest.mark.parametrize(
    ("who", "expected"), [("operator", 403), ("master", 403), ("other_director", 200)]
)
def test_reports_are_for_managers_of_the_company(world: Any, who: str, expected: int) -> None:
    _requests_in_every_status(world)
    response = client_for(getattr(world, who)).get(f"{URL}callcentre/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["requests_created"] == 0


def _operators_day(world: Any) -> Any:
    """Two operators' work in Moscow: requests they took, calls they answered, callbacks
    they took (one in time, one late), a missed call nobody answered."""
    world.campaign.monthly_cost = Decimal("12000.00")
    world.campaign.save()
    second = staff(Role.OPERATOR, world.company, [world.moscow])
    for operator, status, handover in [
        (world.operator, RequestStatus.DONE, "1500.00"),
        (world.operator, RequestStatus.NEW, None),
        (world.operator, RequestStatus.REFUSED, None),
        (second, RequestStatus.DONE, "700.00"),
        (second, RequestStatus.WAITING, None),
        (None, RequestStatus.NEW, None),
    ]:
        ServiceRequestFactory(
            city=world.moscow,
            campaign=world.campaign,
            operator=operator,
            status=status,
            master_handover=Decimal(handover) if handover else None,
        )
    common = {"organization": world.company, "city": world.moscow, "campaign": world.campaign}
    for operator in (world.operator, world.operator, second):
        CallFactory(outcome=CallOutcome.ANSWERED, operator=operator, **common)
    now = timezone.now()
    for operator, taken_at in [
        (world.operator, now - timedelta(minutes=10)),
        (second, now + timedelta(minutes=10)),
    ]:
        missed = CallFactory(outcome=CallOutcome.MISSED, **common)
        CallbackTaskFactory(
            organization=world.company,
            city=world.moscow,
            call=missed,
            due_at=now,
            status="taken",
            taken_by=operator,
            taken_at=taken_at,
        )
    return second


def test_callcentre_report_of_one_operator(world: Any) -> None:
    second = _operators_day(world)
    client = client_for(world.manager)
    # when
    mine = client.get(f"{URL}callcentre/", {"operator": str(world.operator.pk)}).json()
    theirs = client.get(f"{URL}callcentre/", {"operator": str(second.pk)}).json()
    everyone = client.get(f"{URL}callcentre/").json()
    # then
    keys = (
        "calls",
        "calls_answered",
        "calls_missed",
        "callbacks",
        "callbacks_within_sla",
        "requests_created",
        "requests_done",
        "conversion",
        "revenue",
    )
    assert [mine[k] for k in keys] == [2, 2, 0, 1, 1, 3, 1, 0.3333, "1500.00"]
    assert [theirs[k] for k in keys] == [1, 1, 0, 1, 0, 2, 1, 0.5, "700.00"]
    assert [everyone[k] for k in keys] == [5, 3, 2, 2, 1, 6, 2, 0.3333, "2200.00"]
    assert mine["campaigns"] == [
        {
            "campaign_id": world.campaign.pk,
            "name": "Авито",
            "requests": 3,
            "done": 1,
            "revenue": "1500.00",
            "cost_per_lead": "4000.00",
        }
    ]
    assert mine["by_status"]["refused"] == 1
    assert theirs["by_status"]["refused"] == 0


@pytest.mark.parametrize("who", ["master", "other_operator", "not-a-uuid"])
def test_the_operator_filter_takes_only_an_operator_of_the_company(world: Any, who: str) -> None:
    value = str(getattr(world, who).pk) if hasattr(world, who) else who
    response = client_for(world.manager).get(f"{URL}callcentre/", {"operator": value})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["operator"]


def test_a_request_the_operator_creates_counts_for_them(world: Any) -> None:
    created = client_for(world.operator).post(
        "/api/v1/fieldservice/requests/",
        {"city": world.moscow.pk, "client_phone": "+79161112233"},
        format="json",
    )
    assert created.status_code == 201
    report = client_for(world.director).get(
        f"{URL}callcentre/", {"operator": str(world.operator.pk)}
    )
    assert report.json()["requests_created"] == 1


def test_report_page_and_its_exports_honour_the_operator(world: Any) -> None:
    second = _operators_day(world)
    client = Client()
    client.force_login(world.manager)
    page = client.get(
        "/fieldservice/report/", {"operator": str(second.pk)}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-testid="revenue">700.00<' in page
    assert f'<option value="{second.pk}" selected>' in page
    csv_body = client.get(
        "/fieldservice/report/", {"operator": str(world.operator.pk), "export": "csv"}
    ).content.decode()
    assert csv_body.splitlines()[1] == "Авито,3,1,1500.00,4000.00"
    xlsx = client.get(
        "/fieldservice/report/", {"operator": str(second.pk), "export": "xlsx"}
    ).content
    sheet = load_workbook(BytesIO(xlsx)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["Авито", 2, 1, 700.0, 6000.0]
