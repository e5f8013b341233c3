"""Permission matrices the endpoint tests leave open (operator, master, manager, director,
another company, anonymous), and the reference's holes of spec 3.7 not proven closed
elsewhere: CSRF enforced, a stable list order, no copied v2, no anonymous staff list."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lifeline.fieldservice.enums import RequestStatus
from lifeline.fieldservice.models import City, ServiceRequest, Transaction
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import (
    CallbackTaskFactory,
    CallFactory,
    ServiceRequestFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/fieldservice/"


def _user(world: Any, who: str) -> Any:
    return None if who == "anonymous" else getattr(world, who)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("operator", 403),
        ("master", 403),
        ("manager", 200),
        ("director", 200),
        ("other_director", 200),  # their own company's report: nothing of ours
        ("anonymous", 401),
    ],
)
@pytest.mark.parametrize("report", ["callcentre", "masters"])
def test_report_matrix(world: Any, who: str, expected: int, report: str) -> None:
    ServiceRequestFactory(
        city=world.moscow, master=world.master, status=RequestStatus.DONE,
        master_handover=Decimal("1000.00"),
    )  # fmt: skip
    response = client_for(_user(world, who)).get(f"{API}reports/{report}/")
    assert response.status_code == expected
    if expected != 200:
        return
    body = response.json()
    ours = who in ("manager", "director")
    if report == "callcentre":
        assert body["requests_created"] == (1 if ours else 0)
    else:
        assert [row["master_id"] for row in body] == ([str(world.master.pk)] if ours else [])


@pytest.mark.parametrize(
    ("who", "sees", "take"),
    [
        ("operator", 1, 200),
        ("master", 0, 404),
        ("manager", 1, 200),
        ("director", 1, 200),
        ("other_director", 0, 404),
        ("anonymous", None, 401),
    ],
)
def test_callback_matrix(world: Any, who: str, sees: int | None, take: int) -> None:
    call = CallFactory(organization=world.company, city=world.moscow, campaign=world.campaign)
    callback = CallbackTaskFactory(
        organization=world.company, city=world.moscow, call=call,
        due_at=timezone.now() + timedelta(minutes=15),
    )  # fmt: skip
    client = client_for(_user(world, who))
    listed = client.get(f"{API}callbacks/")
    assert listed.status_code == (401 if sees is None else 200)
    if sees is not None:
        assert listed.json()["count"] == sees
    assert client.post(f"{API}callbacks/{callback.pk}/take/").status_code == take
    callback.refresh_from_db()
    if take == 200:
        assert (callback.status, callback.taken_by_id) == ("taken", _user(world, who).pk)
    else:
        assert (callback.status, callback.taken_by_id) == ("open", None)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("operator", 403),
        ("master", 403),
        ("manager", 201),
        ("director", 201),
        ("other_director", 400),  # our city is not one of their company's
        ("anonymous", 401),
    ],
)
def test_transaction_create_matrix(world: Any, who: str, expected: int) -> None:
    types = client_for(world.manager).get(f"{API}transaction-types/").json()
    kinds = {row["name"]: row["id"] for row in types}
    body = {
        "transaction_type": kinds["Расход"],
        "amount": "150.00",
        "city": world.moscow.pk,
        "specified_date": "2026-12-01",
        "payment_reason": "Реклама",
    }
    response = client_for(_user(world, who)).post(f"{API}transactions/", body, format="json")
    assert response.status_code == expected, response.content
    assert Transaction.objects.count() == (1 if expected == 201 else 0)


def test_anonymous_reads_no_list_and_no_staff(world: Any) -> None:
    """The reference's `/requests/masters/` answered anyone with phones and logins."""
    client = client_for(None)
    for path in ("requests/", "staff/", "transactions/", "callbacks/", "cities/", "campaigns/"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 401, path
        assert "+7" not in response.content.decode()


def test_reference_delete_by_anonymous_is_401_and_keeps_the_row(world: Any) -> None:
    response = client_for(None).delete(f"{API}cities/{world.kazan.pk}/")
    assert response.status_code == 401
    assert City.objects.filter(pk=world.kazan.pk).exists()


def test_session_writes_need_the_csrf_token(world: Any) -> None:
    """The reference issued CSRF tokens with the middleware switched off."""
    row = ServiceRequestFactory(
        city=world.moscow, master=world.master, status=RequestStatus.AWAITING_ACCEPTANCE
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.master)
    page = client.post(f"/fieldservice/requests/{row.pk}/status/", {"status": "accepted"})
    api = client.post(
        f"{API}requests/{row.pk}/status/", {"status": "accepted"}, content_type="application/json"
    )
    assert (page.status_code, api.status_code) == (403, 403)
    row.refresh_from_db()
    assert row.status == RequestStatus.AWAITING_ACCEPTANCE


def test_the_list_order_is_stable_across_pages(world: Any) -> None:
    """The reference's list had no ORDER BY: rows created in the same instant come newest
    id first, and paging neither repeats nor skips one."""
    rows = [ServiceRequestFactory(city=world.moscow) for _ in range(7)]
    same = timezone.now()
    ServiceRequest.objects.filter(pk__in=[r.pk for r in rows]).update(created_at=same)
    expected = sorted((str(r.pk) for r in rows), reverse=True)
    client = client_for(world.manager)
    pages = [
        [
            r["id"]
            for r in client.get(f"{API}requests/", {"limit": 3, "offset": o}).json()["results"]
        ]
        for o in (0, 3, 6)
    ]
    assert [pk for page in pages for pk in page] == expected


def test_there_is_no_second_api_version(world: Any) -> None:
    """The reference's v2 was a copy of v1."""
    assert client_for(world.manager).get("/api/v2/fieldservice/requests/").status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("operator", 403),
        ("master", 403),
        ("manager", 200),
        ("director", 200),
        ("other_director", 404),
        ("anonymous", 401),
    ],
)
def test_reference_update_matrix(world: Any, who: str, expected: int) -> None:
    """The reference's masters could edit and delete reference data."""
    response = client_for(_user(world, who)).patch(
        f"{API}cities/{world.moscow.pk}/", {"name": "Москва-2"}, format="json"
    )
    assert response.status_code == expected
    world.moscow.refresh_from_db()
    assert world.moscow.name == ("Москва-2" if expected == 200 else "Москва")
