"""The Django admin: platform administrators only, themed, with a searchable audit log."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import user_with_role
from lifeline.accounts.tests.factories import TOTPDeviceFactory, UserFactory
from lifeline.audit import services as audit
from lifeline.web.tests.conftest import SessionClient

pytestmark = pytest.mark.django_db


def _staff_platform_admin():
    user = user_with_role(Role.PLATFORM_ADMIN)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def _superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def _staff_only():
    return UserFactory(is_staff=True)


def _client() -> SessionClient:
    return SessionClient()


def test_only_platform_administrators_get_in():
    cases = []
    for url in ["/admin/", "/admin/audit/auditevent/", "/admin/accounts/user/"]:
        cases += [
            Case("anonymous", "get", url, 302),
            Case("no_role", "get", url, 404),
            Case("staff_only", "get", url, 404),
            Case(Role.DOCTOR, "get", url, 404),
            Case(Role.CLINIC_ADMIN, "get", url, 404),
            Case(Role.PLATFORM_ADMIN, "get", url, 404),  # not staff
            Case("staff_platform_admin", "get", url, 200),
            Case("superuser", "get", url, 200),
        ]
    assert_permission_matrix(
        cases,
        actors={
            "staff_platform_admin": _staff_platform_admin,
            "superuser": _superuser,
            "staff_only": _staff_only,
        },
        client_factory=_client,
    )


def test_anonymous_visitors_go_to_the_platform_sign_in(client: Client):
    first = client.get("/admin/audit/auditevent/")
    second = client.get(first["Location"])

    assert first["Location"] == "/admin/login/?next=/admin/audit/auditevent/"
    assert second["Location"] == "/login/?next=/admin/audit/auditevent/"


def test_an_admin_with_2fa_needs_a_verified_session(client: Client):
    superuser = _superuser()
    TOTPDeviceFactory(user=superuser)
    client.force_login(superuser)  # no second factor in this session

    assert client.get("/admin/").status_code == 404


def test_the_admin_is_themed(client: Client):
    client.force_login(_superuser())

    html = client.get("/admin/").content.decode()

    assert admin.site.site_header == "Lifeline administration"
    assert "Lifeline administration" in html
    assert "<title>Platform administration | Lifeline admin</title>" in html


def _web_templates_win() -> bool:
    apps = list(settings.INSTALLED_APPS)
    return apps.index("lifeline.web") < apps.index("django.contrib.admin")


@pytest.mark.skipif(
    not _web_templates_win(),
    reason="needs lifeline.web listed before django.contrib.admin in INSTALLED_APPS",
)
def test_the_admin_loads_the_theme_css(client: Client):
    client.force_login(_superuser())

    assert "/static/web/admin.css" in client.get("/admin/").content.decode()


def test_admin_sign_out_ends_the_recorded_session(client: Client):
    client.force_login(_superuser())

    response = client.post("/admin/logout/")

    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert client.get("/admin/").status_code == 302


def test_the_audit_log_is_searchable_by_actor_and_action(client: Client):
    admin_user = _superuser()
    actor = UserFactory(full_name="Searchable Person")
    audit.record(actor=actor, action="accounts.password_changed", target=actor)
    audit.record(actor=admin_user, action="access.role_granted", target=admin_user)
    client.force_login(admin_user)

    by_action = client.get("/admin/audit/auditevent/", {"q": "accounts.password"})
    by_actor = client.get("/admin/audit/auditevent/", {"q": str(actor.pk)})
    filtered = client.get("/admin/audit/auditevent/", {"result__exact": "success"})

    assert [e.action for e in by_action.context["cl"].result_list] == ["accounts.password_changed"]
    assert [e.action for e in by_actor.context["cl"].result_list] == ["accounts.password_changed"]
    assert filtered.status_code == 200
    assert len(filtered.context["cl"].result_list) == 2


def test_the_audit_log_is_read_only(client: Client):
    admin_user = _superuser()
    event = audit.record(actor=admin_user, action="x.y", target=admin_user)
    client.force_login(admin_user)

    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
