from __future__ import annotations

from typing import Any

import pytest

from lifeline.fieldservice.models import City, Direction
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import DirectionFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/fieldservice/"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("operator", 403), ("master", 403), ("manager", 201), ("director", 201), ("anonymous", 401)],
)
def test_only_managers_and_above_create_reference_data(world: Any, who: str, expected: int) -> None:
    user = None if who == "anonymous" else getattr(world, who)
    before = Direction.objects.count()
    response = client_for(user).post(f"{BASE}directions/", {"name": "Плиты"}, format="json")
    assert response.status_code == expected
    assert Direction.objects.count() == before + (1 if expected == 201 else 0)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("operator", 403),
        ("master", 403),
        ("manager", 403),
        ("director", 204),
        ("other_director", 404),
    ],
)
def test_only_directors_delete_reference_data(world: Any, who: str, expected: int) -> None:
    direction = DirectionFactory(organization=world.company)
    response = client_for(getattr(world, who)).delete(f"{BASE}directions/{direction.pk}/")
    assert response.status_code == expected
    assert Direction.objects.filter(pk=direction.pk).exists() is (expected != 204)


def test_a_city_in_use_is_never_deleted(world: Any) -> None:
    ServiceRequestFactory(city=world.kazan)
    response = client_for(world.director).delete(f"{BASE}cities/{world.kazan.pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "fieldservice.reference_in_use"
    assert City.objects.filter(pk=world.kazan.pk).exists()


def test_seeded_request_types_are_listed_and_protected(world: Any) -> None:
    data = client_for(world.operator).get(f"{BASE}request-types/").json()
    assert [(row["name"], row["code"]) for row in data] == [
        ("Впервые", "first"),
        ("Повтор", "repeat"),
    ]
    first = data[0]["id"]
    assert client_for(world.director).delete(f"{BASE}request-types/{first}/").status_code == 409


def test_operator_sees_only_granted_cities(world: Any) -> None:
    names = [row["name"] for row in client_for(world.operator).get(f"{BASE}cities/").json()]
    assert names == ["Москва"]
    names = [row["name"] for row in client_for(world.manager).get(f"{BASE}cities/").json()]
    assert names == ["Казань", "Москва"]
    assert client_for(world.other_director).get(f"{BASE}cities/").json() == [
        {"id": world.other_city.pk, "name": "Тверь"}
    ]


def test_duplicate_name_is_409(world: Any) -> None:
    response = client_for(world.manager).post(f"{BASE}cities/", {"name": "Москва"}, format="json")
    assert response.status_code == 409
    assert City.objects.filter(organization=world.company).count() == 2


def test_transactions_managers_create_masters_see_their_handovers(world: Any) -> None:
    income_type = client_for(world.manager).get(f"{BASE}transaction-types/").json()
    kinds = {row["name"]: row["id"] for row in income_type}
    body = {
        "transaction_type": kinds["Расход"],
        "amount": "150.00",
        "city": world.moscow.pk,
        "specified_date": "2026-12-01",
        "payment_reason": "Реклама",
    }
    assert (
        client_for(world.master).post(f"{BASE}transactions/", body, format="json").status_code
        == 403
    )
    assert (
        client_for(world.operator).post(f"{BASE}transactions/", body, format="json").status_code
        == 403
    )
    created = client_for(world.manager).post(f"{BASE}transactions/", body, format="json")
    assert created.status_code == 201
    assert created.json()["amount"] == "150.00"
    assert client_for(world.master).get(f"{BASE}transactions/").json()["count"] == 0
    assert client_for(world.director).get(f"{BASE}transactions/").json()["count"] == 1
    assert client_for(world.other_director).get(f"{BASE}transactions/").json()["count"] == 0
