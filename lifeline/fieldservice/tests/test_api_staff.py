"""Staff management: managers and directors create and edit operators, masters (and
directors managers), grant cities, fire without deleting; initial passwords shown once."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import identify_hasher

from lifeline.access.enums import Role
from lifeline.access.models import Membership
from lifeline.accounts.models import User
from lifeline.audit.models import AuditEvent
from lifeline.fieldservice.models import StaffProfile
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/fieldservice/staff/"


def _payload(world: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "role": "master",
        "full_name": "Пётр Мастеров",
        "email": "petr@example.com",
        "phone_number": "8 (916) 555-11-22",
        "cities": [world.moscow.pk],
        "extension": "",
    }
    data.update(extra)
    return data


def _snapshot() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        StaffProfile.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.filter(action__startswith="fieldservice.staff").count(),
    )


def test_manager_creates_a_master_with_a_one_time_password(world: Any) -> None:
    response = client_for(world.manager).post(BASE, _payload(world), format="json")
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    password = body.pop("initial_password")
    user = User.objects.get(email="petr@example.com")
    profile = StaffProfile.objects.get(user=user)
    assert body == {
        "id": profile.pk,
        "user_id": str(user.pk),
        "full_name": "Пётр Мастеров",
        "email": "petr@example.com",
        "login_phone": "+79165551122",
        "role": "master",
        "phone_number": "+79165551122",
        "status": "active",
        "extension": "",
        "cities": [world.moscow.pk],
        "must_change_password": True,
    }
    assert len(password) == 16
    assert user.check_password(password)
    assert user.must_change_password is True
    assert identify_hasher(user.password)  # stored hashed…
    assert user.password not in response.content.decode()  # …and never sent
    assert Membership.objects.filter(
        user=user, organization=world.company, role=Role.MASTER, is_active=True
    ).exists()
    event = AuditEvent.objects.get(action="fieldservice.staff_created")
    assert password not in str(event.changes)
    assert "password" not in str(event.changes)
    # The detail never carries the password again.
    detail = client_for(world.manager).get(f"{BASE}{profile.pk}/").json()
    assert "initial_password" not in detail
    assert "password" not in detail


@pytest.mark.parametrize(
    ("who", "role", "expected"),
    [
        ("manager", "operator", 201),
        ("manager", "master", 201),
        ("manager", "manager", 403),
        ("director", "manager", 201),
        ("director", "director", 400),
        ("operator", "master", 403),
        ("master", "master", 403),
        ("other_director", "master", 400),
        ("anonymous", "master", 401),
    ],
)
def test_who_creates_whom(world: Any, who: str, role: str, expected: int) -> None:
    user = None if who == "anonymous" else getattr(world, who)
    before = _snapshot()
    response = client_for(user).post(BASE, _payload(world, role=role), format="json")
    assert response.status_code == expected, response.content
    after = _snapshot()
    if expected == 201:
        assert after == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1)
    else:
        assert after == before
        assert "initial_password" not in response.content.decode()


def test_another_companys_city_is_refused_and_nothing_is_stored(world: Any) -> None:
    before = _snapshot()
    response = client_for(world.manager).post(
        BASE, _payload(world, cities=[world.other_city.pk]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "fieldservice.city_not_granted"
    assert _snapshot() == before


def test_an_existing_account_is_409_and_nothing_is_stored(world: Any) -> None:
    before = _snapshot()
    response = client_for(world.manager).post(
        BASE, _payload(world, email=world.operator.email.upper()), format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "fieldservice.account_exists"
    assert _snapshot() == before


def test_list_is_the_company_only_and_constant_in_queries(
    world: Any, django_assert_num_queries: Any
) -> None:
    client = client_for(world.manager)
    rows = client.get(BASE).json()["results"]
    assert {(row["role"], row["status"]) for row in rows} == {
        ("operator", "active"),
        ("master", "active"),
        ("manager", "active"),
        ("director", "active"),
    }
    assert len(rows) == 5  # operator, two masters, manager, director
    assert all("password" not in key for row in rows for key in set(row) - {"must_change_password"})
    for n in range(3):
        client.post(BASE, _payload(world, email=f"m{n}@example.com", phone_number=""))
    fresh = client_for(User.objects.get(pk=world.manager.pk))
    # roles, count, page, cities, roles of the page
    with django_assert_num_queries(5):
        assert len(fresh.get(BASE).json()["results"]) == 8
    assert client_for(world.operator).get(BASE).status_code == 403
    other = client_for(world.other_director).get(BASE).json()["results"]
    assert sorted(row["user_id"] for row in other) == sorted(
        [str(world.other_director.pk), str(world.other_operator.pk)]
    )


def _master_profile(world: Any) -> StaffProfile:
    return StaffProfile.objects.get(user=world.master, organization=world.company)


@pytest.mark.parametrize("who", ["other_director", "operator", "master2"])
def test_outsiders_and_non_managers_get_404_and_nothing_changes(world: Any, who: str) -> None:
    profile = _master_profile(world)
    client = client_for(getattr(world, who))
    assert client.get(f"{BASE}{profile.pk}/").status_code == 404
    response = client.patch(f"{BASE}{profile.pk}/", {"status": "fired"}, format="json")
    assert response.status_code == 404
    assert client.post(f"{BASE}{profile.pk}/password/").status_code == 404
    profile.refresh_from_db()
    assert profile.status == "active"
    assert Membership.objects.get(user=world.master, role=Role.MASTER).is_active is True
    assert User.objects.get(pk=world.master.pk).must_change_password is False


def test_firing_revokes_access_keeps_the_row_and_rehiring_restores_it(world: Any) -> None:
    profile = _master_profile(world)
    request = ServiceRequestFactory(city=world.moscow, master=world.master)
    url = f"/api/v1/fieldservice/requests/{request.pk}/"
    assert client_for(world.master).get(url).status_code == 200
    response = client_for(world.manager).patch(
        f"{BASE}{profile.pk}/",
        {"status": "fired", "cities": [world.moscow.pk, world.kazan.pk]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "fired"
    assert response.json()["cities"] == sorted([world.moscow.pk, world.kazan.pk])
    membership = Membership.objects.get(user=world.master, role=Role.MASTER)
    assert (membership.is_active, membership.revoked_at is not None) == (False, True)
    assert User.objects.filter(pk=world.master.pk).exists()
    fired = User.objects.get(pk=world.master.pk)
    assert client_for(fired).get(url).status_code == 404
    # Still listed for the manager, with its role.
    row = client_for(world.manager).get(f"{BASE}{profile.pk}/").json()
    assert (row["role"], row["status"]) == ("master", "fired")
    back = client_for(world.manager).patch(f"{BASE}{profile.pk}/", {"status": "on_leave"})
    assert back.status_code == 200
    membership.refresh_from_db()
    assert (membership.is_active, membership.revoked_at) == (True, None)


def test_a_manager_cannot_edit_a_manager_nor_change_their_own_status(world: Any) -> None:
    manager_profile = StaffProfile.objects.get(user=world.manager)
    client = client_for(world.manager)
    response = client.patch(f"{BASE}{manager_profile.pk}/", {"status": "fired"}, format="json")
    assert response.status_code == 403
    director_profile = StaffProfile.objects.get(user=world.director)
    response = client_for(world.director).patch(
        f"{BASE}{director_profile.pk}/", {"status": "fired"}, format="json"
    )
    assert response.status_code == 403
    assert StaffProfile.objects.get(pk=manager_profile.pk).status == "active"
    assert StaffProfile.objects.get(pk=director_profile.pk).status == "active"
    # A director edits a manager.
    response = client_for(world.director).patch(
        f"{BASE}{manager_profile.pk}/", {"status": "on_leave", "full_name": "Анна"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["full_name"]) == ("on_leave", "Анна")


def test_password_reset_issues_a_new_one_time_password(world: Any) -> None:
    profile = _master_profile(world)
    old_hash = User.objects.get(pk=world.master.pk).password
    response = client_for(world.manager).post(f"{BASE}{profile.pk}/password/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.json()["initial_password"]
    user = User.objects.get(pk=world.master.pk)
    assert user.password != old_hash
    assert user.check_password(password)
    assert user.must_change_password is True
    assert list(response.json()) == ["initial_password"]
