import uuid

import pytest
from django.urls import reverse

from lifeline.access.enums import Role
from lifeline.access.models import Membership
from lifeline.access.testing import Case, assert_permission_matrix, run_permission_matrix
from lifeline.access.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    user_with_role,
)
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _urls(clinic, membership):
    kwargs = {"organization_id": clinic.pk}
    member_kwargs = {**kwargs, "membership_id": membership.pk}
    return {
        "list": reverse("access:organization-list"),
        "detail": reverse("access:organization-detail", kwargs=kwargs),
        "memberships": reverse("access:membership-list", kwargs=kwargs),
        "approve": reverse("access:membership-approve", kwargs=member_kwargs),
        "revoke": reverse("access:membership-revoke", kwargs=member_kwargs),
    }


def test_role_endpoint_matrix():
    clinic = OrganizationFactory()
    pending = MembershipFactory(organization=clinic, role=Role.DOCTOR, pending=True)
    grantee = UserFactory()
    urls = _urls(clinic, pending)
    grant = {"user_id": str(grantee.pk), "role": Role.DOCTOR}
    expectations = {
        # actor: (list, detail, memberships GET, grant POST, approve, revoke)
        "anonymous": (401, 401, 401, 401, 401, 401),
        "no_role": (200, 404, 404, 404, 404, 404),
        Role.DOCTOR: (200, 200, 403, 403, 403, 403),
        Role.PATIENT: (200, 200, 403, 403, 403, 403),
        Role.CLINIC_ADMIN: (200, 200, 200, 201, 200, 200),
        "other:clinic_admin": (200, 404, 404, 404, 404, 404),
        Role.PLATFORM_ADMIN: (200, 200, 200, 201, 200, 200),
    }
    cases = []
    for actor, (lst, detail, members, granted, approve, revoke) in expectations.items():
        cases += [
            Case(actor, "get", urls["list"], lst),
            Case(actor, "get", urls["detail"], detail),
            Case(actor, "get", urls["memberships"], members),
            Case(actor, "post", urls["memberships"], granted, body=grant),
            Case(actor, "post", urls["approve"], approve),
            Case(actor, "post", urls["revoke"], revoke),
        ]

    assert_permission_matrix(cases, organization=clinic)

    # every case ran in a rolled-back savepoint
    pending.refresh_from_db()
    assert (pending.is_active, pending.approved_at, pending.revoked_at) == (False, None, None)
    assert not grantee.memberships.exists()
    assert not AuditEvent.objects.exists()


def test_matrix_reports_every_mismatch_as_a_table():
    clinic = OrganizationFactory()
    url = reverse("access:organization-detail", kwargs={"organization_id": clinic.pk})

    with pytest.raises(AssertionError) as excinfo:
        assert_permission_matrix(
            [Case("anonymous", "get", url, 200), Case(Role.DOCTOR, "get", url, 404)],
            organization=clinic,
        )

    message = str(excinfo.value)
    assert message.startswith("2 of 2 permission cases differ:")
    assert "anonymous  GET" in message
    assert "not_authenticated" in message


def test_matrix_accepts_custom_actors():
    clinic = OrganizationFactory()
    url = reverse("access:organization-detail", kwargs={"organization_id": clinic.pk})

    outcomes = run_permission_matrix(
        [Case("superuser", "get", url, 200)],
        actors={"superuser": lambda: UserFactory(is_superuser=True)},
    )

    assert [(status, code) for _case, status, code in outcomes] == [(200, "")]


def test_admin_of_another_organization_changes_nothing(api_client):
    clinic = OrganizationFactory()
    doctor = MembershipFactory(organization=clinic, role=Role.DOCTOR)
    outsider = user_with_role(Role.CLINIC_ADMIN)
    api_client.force_authenticate(outsider)
    urls = _urls(clinic, doctor)

    revoke = api_client.post(urls["revoke"])
    grant = api_client.post(
        urls["memberships"], {"user_id": str(outsider.pk), "role": Role.CLINIC_ADMIN}
    )

    assert revoke.status_code == 404
    assert revoke["Content-Type"] == "application/problem+json"
    assert revoke.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "Not found",
        "code": "not_found",
    }
    assert grant.status_code == 404
    doctor.refresh_from_db()
    assert doctor.is_active is True
    assert not outsider.memberships.filter(organization=clinic).exists()
    assert not AuditEvent.objects.exists()


def test_membership_of_another_organization_is_not_found_through_mine(api_client):
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    foreign = MembershipFactory(role=Role.DOCTOR)
    api_client.force_authenticate(admin)
    url = reverse(
        "access:membership-revoke",
        kwargs={"organization_id": clinic.pk, "membership_id": foreign.pk},
    )

    response = api_client.post(url)

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active is True


def test_grant_returns_the_membership_and_records_the_request(api_client):
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    doctor = UserFactory(full_name="Dr Who", email="who@example.test")
    api_client.force_authenticate(admin)

    response = api_client.post(
        reverse("access:membership-list", kwargs={"organization_id": clinic.pk}),
        {"user_id": str(doctor.pk), "role": "doctor"},
        HTTP_USER_AGENT="pytest-agent",
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 201
    membership = Membership.objects.get(user=doctor)
    body = response.json()
    assert body["id"] == membership.pk
    assert body["user"] == {
        "id": str(doctor.pk),
        "display_name": "Dr Who",
        "email": "who@example.test",
    }
    assert (body["role"], body["is_active"], body["revoked_at"]) == ("doctor", True, None)
    event = AuditEvent.objects.get()
    assert (event.ip_address, event.user_agent) == ("203.0.113.7", "pytest-agent")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "doctor"}, "user_id"),
        ({"user_id": str(uuid.uuid4()), "role": "doctor"}, "user_id"),
        ({"user_id": "x", "role": "doctor"}, "user_id"),
        ({"role": "wizard"}, "role"),
    ],
)
def test_grant_with_invalid_input_is_refused(api_client, body, field):
    clinic = OrganizationFactory()
    api_client.force_authenticate(user_with_role(Role.CLINIC_ADMIN, clinic))
    body = {**body}
    if body.get("role") == "wizard":
        body["user_id"] = str(UserFactory().pk)

    response = api_client.post(
        reverse("access:membership-list", kwargs={"organization_id": clinic.pk}), body
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Membership.objects.filter(organization=clinic).count() == 1


def test_grant_of_a_held_role_is_a_conflict(api_client):
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    api_client.force_authenticate(admin)

    response = api_client.post(
        reverse("access:membership-list", kwargs={"organization_id": clinic.pk}),
        {"user_id": str(admin.pk), "role": Role.CLINIC_ADMIN},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "access.membership_exists"


def test_organization_admin_cannot_grant_platform_admin(api_client):
    clinic = OrganizationFactory()
    api_client.force_authenticate(user_with_role(Role.CLINIC_ADMIN, clinic))
    grantee = UserFactory()

    response = api_client.post(
        reverse("access:membership-list", kwargs={"organization_id": clinic.pk}),
        {"user_id": str(grantee.pk), "role": Role.PLATFORM_ADMIN},
    )

    assert response.status_code == 403
    assert response.json()["code"] == "access.forbidden"
    assert not grantee.memberships.exists()


def test_membership_list_query_budget(api_client, django_assert_num_queries):
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    MembershipFactory.create_batch(5, organization=clinic)
    api_client.force_authenticate(admin)
    url = reverse("access:membership-list", kwargs={"organization_id": clinic.pk})

    # platform-admin check, organization, manager check (view and selector), count, page
    with django_assert_num_queries(6):
        response = api_client.get(url, {"limit": 3})

    assert response.status_code == 200
    assert response.json()["count"] == 6
    assert len(response.json()["results"]) == 3


def test_organization_list_query_budget(api_client, django_assert_num_queries):
    user = UserFactory()
    for _ in range(4):
        MembershipFactory(user=user)
    api_client.force_authenticate(user)

    with django_assert_num_queries(3):
        response = api_client.get(reverse("access:organization-list"))

    assert response.json()["count"] == 4
