from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lifeline.accounts.models import User
from lifeline.fieldservice.enums import RequestStatus
from lifeline.fieldservice.models import ServiceRequest
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/fieldservice/requests/"


def _user(world: Any, who: str) -> Any:
    return None if who == "anonymous" else getattr(world, who)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("operator", ["moscow_other", "moscow_own"]),
        ("master", ["moscow_own"]),
        ("master2", ["moscow_other"]),
        ("manager", ["kazan", "moscow_other", "moscow_own"]),
        ("director", ["kazan", "moscow_other", "moscow_own"]),
        ("other_director", []),
        ("other_operator", []),
    ],
)
def test_list_is_scoped_by_role_and_city(world: Any, who: str, sees: list[str]) -> None:
    rows = {
        "moscow_own": ServiceRequestFactory(
            city=world.moscow, master=world.master, client_name="moscow_own"
        ),
        "moscow_other": ServiceRequestFactory(
            city=world.moscow, master=world.master2, client_name="moscow_other"
        ),
        "kazan": ServiceRequestFactory(city=world.kazan, client_name="kazan"),
    }
    response = client_for(_user(world, who)).get(BASE)
    assert response.status_code == 200
    assert sorted(r["client_name"] for r in response.json()["results"]) == sees
    for name, row in rows.items():
        detail = client_for(_user(world, who)).get(f"{BASE}{row.pk}/")
        assert detail.status_code == (200 if name in sees else 404)


def test_anonymous_is_refused(world: Any) -> None:
    row = ServiceRequestFactory(city=world.moscow)
    assert client_for(None).get(BASE).status_code == 401
    assert client_for(None).get(f"{BASE}{row.pk}/").status_code == 401
    assert (
        client_for(None).post(f"{BASE}{row.pk}/status/", {"status": "waiting"}).status_code == 401
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("operator", 201),
        ("manager", 201),
        ("director", 201),
        ("master", 403),
        ("other_director", 400),
        ("anonymous", 401),
    ],
)
def test_create_matrix(world: Any, who: str, expected: int) -> None:
    body = {
        "city": world.moscow.pk,
        "client_phone": "8 (916) 123-45-67",
        "client_name": "Пётр",
        "net_amount": "999999.00",
        "master_handover": "1.00",
    }
    response = client_for(_user(world, who)).post(BASE, body, format="json")
    assert response.status_code == expected, response.json()
    if expected == 201:
        data = response.json()
        assert data["client_phone"] == "+79161234567"
        assert data["status"] == "new"
        assert data["net_amount"] is None
        assert data["master_handover"] is None
        assert ServiceRequest.objects.get().organization_id == world.company.pk
    else:
        assert ServiceRequest.objects.count() == 0


def test_client_money_is_ignored_and_server_computes_it(world: Any) -> None:
    row = ServiceRequestFactory(
        city=world.moscow, master=world.master, status=RequestStatus.IN_PROGRESS
    )
    response = client_for(world.master).patch(
        f"{BASE}{row.pk}/",
        {
            "result": "5000.00",
            "expenses": "1000.00",
            "net_amount": "1.00",
            "master_handover": "0.00",
        },
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["net_amount"], response.json()["master_handover"]) == (
        "4000.00",
        "2000.00",
    )


def test_a_master_touching_another_masters_request_gets_404(world: Any) -> None:
    row = ServiceRequestFactory(
        city=world.moscow, master=world.master, status=RequestStatus.AWAITING_ACCEPTANCE
    )
    client = client_for(world.master2)
    assert client.post(f"{BASE}{row.pk}/status/", {"status": "accepted"}).status_code == 404
    assert client.patch(f"{BASE}{row.pk}/", {"master_notes": "x"}, format="json").status_code == 404
    row.refresh_from_db()
    assert (row.status, row.master_notes) == ("awaiting_acceptance", "")


def test_forbidden_move_is_409_naming_the_allowed_ones(world: Any) -> None:
    row = ServiceRequestFactory(city=world.moscow, status=RequestStatus.NEW)
    response = client_for(world.operator).post(f"{BASE}{row.pk}/status/", {"status": "done"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "fieldservice.transition_not_allowed"
    assert body["allowed"] == [
        "waiting",
        "awaiting_acceptance",
        "refused",
        "not_ordered",
        "call_back",
    ]
    # `status` stays the HTTP status of the problem; the request's own is `current_status`.
    assert (body["status"], body["current_status"]) == (409, "new")
    row.refresh_from_db()
    assert row.status == "new"


def test_detail_shows_client_history_and_allowed_moves(world: Any) -> None:
    old = ServiceRequestFactory(
        city=world.moscow, client_phone="+79160000001", status=RequestStatus.DONE
    )
    row = ServiceRequestFactory(city=world.moscow, client_phone="+79160000001")
    ServiceRequestFactory(city=world.kazan, client_phone="+79160000001")  # not the operator's city
    data = client_for(world.operator).get(f"{BASE}{row.pk}/").json()
    assert [r["id"] for r in data["client_requests"]] == [str(old.pk)]
    assert data["allowed_statuses"] == [
        "waiting",
        "awaiting_acceptance",
        "refused",
        "not_ordered",
        "call_back",
    ]


def test_filters_and_search(world: Any) -> None:
    a = ServiceRequestFactory(city=world.moscow, client_phone="+79161112233", address="Тверская 5")
    ServiceRequestFactory(city=world.moscow, client_phone="+79169998877", client_name="Анна")
    client = client_for(world.manager)
    assert [r["id"] for r in client.get(BASE, {"phone": "2233"}).json()["results"]] == [str(a.pk)]
    assert [r["id"] for r in client.get(BASE, {"q": "Тверская"}).json()["results"]] == [str(a.pk)]
    assert client.get(BASE, {"city": world.kazan.pk}).json()["count"] == 0


@pytest.mark.parametrize(("who", "queries"), [("operator", 4), ("master", 3), ("manager", 3)])
def test_list_query_count_is_constant(world: Any, who: str, queries: int) -> None:
    def count() -> int:
        # A fresh user object per request, as the authentication gives each request.
        client = client_for(User.objects.get(pk=getattr(world, who).pk))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(BASE).status_code == 200
        return len(ctx.captured_queries)

    ServiceRequestFactory(city=world.moscow, master=world.master)
    few = count()
    for _ in range(8):
        ServiceRequestFactory(city=world.moscow, master=world.master)
    assert count() == few == queries


def test_each_filter_narrows_to_exactly_its_rows(world: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    old = ServiceRequestFactory(city=world.moscow, status=RequestStatus.DONE, master=world.master)
    ServiceRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    waiting = ServiceRequestFactory(
        city=world.moscow, status=RequestStatus.WAITING, campaign=world.campaign
    )
    kazan = ServiceRequestFactory(city=world.kazan, master=world.master2)
    today = timezone.localdate()
    client = client_for(world.manager)
    cases = [
        ({"status": "done"}, [old]),
        ({"status": "waiting", "city": world.moscow.pk}, [waiting]),
        ({"master": str(world.master2.pk)}, [kazan]),
        ({"campaign": world.campaign.pk}, [waiting]),
        ({"created_from": str(today)}, [kazan, waiting]),
        ({"created_to": str(today - timedelta(days=1))}, [old]),
        ({"city": "", "status": "", "q": ""}, [kazan, waiting, old]),  # empty: no filter
    ]
    for params, expected in cases:
        body = client.get(BASE, params).json()
        assert [r["id"] for r in body["results"]] == [str(r.pk) for r in expected], params
        assert body["count"] == len(expected)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"city": "moscow"}, "city"),
        ({"status": "closed"}, "status"),
        ({"master": "not-a-uuid"}, "master"),
        ({"campaign": "0"}, "campaign"),
        ({"created_from": "2026-13-01"}, "created_from"),
        ({"created_from": "2026-12-02", "created_to": "2026-12-01"}, "created_to"),
        ({"q": "x" * 201}, "q"),
        ({"phone": "1" * 33}, "phone"),
    ],
)
def test_a_bad_filter_is_400_naming_it(world: Any, params: dict[str, str], field: str) -> None:
    ServiceRequestFactory(city=world.moscow)
    response = client_for(world.manager).get(BASE, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
