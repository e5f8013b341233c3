"""The role-aware home page links to the modules the user has (when they are mounted)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.accounts.tests.factories import UserFactory
from lifeline.web import modules

pytestmark = pytest.mark.django_db


@pytest.fixture
def mounted(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Pretend every module page exists (they are being built in parallel)."""
    urls = {
        "clinic-web:home": "/clinic/",
        "chat-web:home": "/chat/",
        "sos-web:home": "/sos/",
        "ambulance-web:home": "/ambulance/",
        "freelance-web:home": "/freelance/",
        "fieldservice-web:home": "/fieldservice/",
        "market-web:home": "/market/",
        "content-web:home": "/channels/",
    }
    monkeypatch.setattr(modules, "reverse", lambda name: urls[name])
    return urls


def _links(client: Client) -> list[str]:
    return [link.url for link in client.get("/").context["modules"]]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.PATIENT, ["/clinic/", "/chat/", "/channels/"]),
        (Role.DOCTOR, ["/clinic/", "/chat/", "/channels/"]),
        (Role.DEVICE_OWNER, ["/sos/", "/channels/"]),
        (Role.HELPER, ["/sos/", "/channels/"]),
        (Role.BUYER, ["/freelance/", "/market/", "/channels/"]),
        # An ambulance dispatcher has nothing to do on the wearer's SOS page (it offered them
        # "Add device"); escalated SOS events reach them as ambulance calls.
        (Role.DISPATCHER, ["/ambulance/", "/channels/"]),
        (Role.CREW, ["/ambulance/", "/channels/"]),
        (Role.OPERATOR, ["/fieldservice/", "/channels/"]),
        (Role.MASTER, ["/fieldservice/", "/channels/"]),
        (
            Role.PLATFORM_ADMIN,
            [
                "/clinic/",
                "/chat/",
                "/sos/",
                "/ambulance/",
                "/freelance/",
                "/fieldservice/",
                "/market/",
                "/channels/",
            ],
        ),
    ],
)
def test_home_links_the_modules_of_the_users_roles(client: Client, mounted, role, expected):
    user = user_with_role(role)
    client.force_login(user)

    assert _links(client) == expected


def test_a_module_that_is_not_mounted_is_left_out(client: Client, monkeypatch):
    def reverse(name: str) -> str:
        if name in ("sos-web:home", "content-web:home"):
            raise NoReverseMatch(name)
        return "/clinic/"

    monkeypatch.setattr(modules, "reverse", reverse)
    client.force_login(user_with_role(Role.DEVICE_OWNER))

    assert _links(client) == []


def test_a_user_without_roles_is_told_how_to_get_one(client: Client, mounted):
    client.force_login(UserFactory())

    response = client.get("/")

    assert response.context["modules"] == []
    assert "You have no module yet." in response.content.decode()
    assert "/admin/" not in response.content.decode()


def test_platform_administrators_get_links_to_the_admin_and_the_audit_log(client: Client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)

    html = client.get("/").content.decode()

    assert 'href="/admin/"' in html
    assert 'href="/admin/audit/auditevent/"' in html
