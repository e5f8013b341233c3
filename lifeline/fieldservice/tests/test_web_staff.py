"""Staff pages: linked from the manager's home, one-time password shown once, scoped."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.models import Membership
from lifeline.accounts.models import User
from lifeline.fieldservice.models import StaffProfile

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_managers_home_links_the_staff_page_and_others_do_not(world: Any) -> None:
    assert "/fieldservice/staff/" in _client(world.manager).get("/fieldservice/").content.decode()
    assert (
        "/fieldservice/staff/" not in _client(world.operator).get("/fieldservice/").content.decode()
    )
    assert _client(world.operator).get("/fieldservice/staff/").status_code == 404
    assert _client(world.master).get("/fieldservice/staff/").status_code == 404


def test_manager_creates_an_operator_and_sees_the_password_once(world: Any) -> None:
    client = _client(world.manager)
    page = client.get("/fieldservice/staff/").content.decode()
    assert world.master.display_name in page
    assert world.other_director.display_name not in page
    assert 'value="manager"' not in page  # a manager adds operators and masters only
    response = client.post(
        "/fieldservice/staff/",
        {
            "role": "operator",
            "full_name": "Ольга Операторова",
            "email": "olga@example.com",
            "phone_number": "",
            "cities": [world.moscow.pk, world.kazan.pk],
            "status": "active",
            "extension": "102",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    user = User.objects.get(email="olga@example.com")
    password = response.context["password"]
    assert password in response.content.decode()
    assert user.check_password(password)
    assert user.must_change_password is True
    assert user.password not in response.content.decode()
    profile = StaffProfile.objects.get(user=user)
    assert (profile.extension, sorted(c.pk for c in profile.cities.all())) == (
        "102",
        sorted([world.moscow.pk, world.kazan.pk]),
    )
    # The list never shows it again.
    assert password not in client.get("/fieldservice/staff/").content.decode()
    assert password not in client.get(f"/fieldservice/staff/{profile.pk}/").content.decode()


def test_manager_fires_a_master_from_the_edit_page(world: Any) -> None:
    profile = StaffProfile.objects.get(user=world.master)
    response = _client(world.manager).post(
        f"/fieldservice/staff/{profile.pk}/",
        {
            "form": "edit",
            "full_name": "Мастер Уволенный",
            "phone_number": "+79160001122",
            "cities": [world.moscow.pk],
            "status": "fired",
            "extension": "",
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.status == "fired"
    assert User.objects.get(pk=world.master.pk).full_name == "Мастер Уволенный"
    assert Membership.objects.get(user=world.master, role=Role.MASTER).is_active is False


def test_another_companys_director_gets_404_and_nothing_changes(world: Any) -> None:
    profile = StaffProfile.objects.get(user=world.master)
    client = _client(world.other_director)
    assert client.get(f"/fieldservice/staff/{profile.pk}/").status_code == 404
    response = client.post(
        f"/fieldservice/staff/{profile.pk}/",
        {"form": "edit", "full_name": "X", "status": "fired", "cities": []},
    )
    assert response.status_code == 404
    assert (
        client.post(f"/fieldservice/staff/{profile.pk}/", {"form": "password"}).status_code == 404
    )
    profile.refresh_from_db()
    assert profile.status == "active"
    assert [c.pk for c in profile.cities.all()] == [world.moscow.pk]
    assert User.objects.get(pk=world.master.pk).must_change_password is False
