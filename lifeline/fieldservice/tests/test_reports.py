from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lifeline.fieldservice.enums import RequestStatus
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import ServiceRequestFactory

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
