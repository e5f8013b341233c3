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
from lifeline.accounts.enums import UserStatus
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
    grantee = MembershipFactory(organization=clinic, role=Role.PATIENT).user
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
    assert list(grantee.memberships.values_list("role", flat=True)) == [Role.PATIENT]
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
    MembershipFactory(user=doctor, organization=clinic, role=Role.PATIENT)
    api_client.force_authenticate(admin)

    response = api_client.post(
        reverse("access:membership-list", kwargs={"organization_id": clinic.pk}),
        {"user_id": str(doctor.pk), "role": "doctor"},
        HTTP_USER_AGENT="pytest-agent",
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 201
    membership = Membership.objects.get(user=doctor, role=Role.DOCTOR)
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
    api_client.force_authenticate(user_with_role(Role.CLINIC_ADMIN, clinic))
    doctor = MembershipFactory(organization=clinic, role=Role.DOCTOR)

    response = api_client.post(
        reverse("access:membership-list", kwargs={"organization_id": clinic.pk}),
        {"user_id": str(doctor.user_id), "role": Role.DOCTOR},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "access.membership_exists"
    assert not AuditEvent.objects.exists()


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


def _grant(api_client, organization, user_id, role):
    return api_client.post(
        reverse("access:membership-list", kwargs={"organization_id": organization.pk}),
        {"user_id": str(user_id), "role": role},
    )


def _memberships():
    return sorted(Membership.objects.values_list("user_id", "organization_id", "role", "is_active"))


@pytest.mark.parametrize("role", [Role.SOS_ADMIN, Role.DEVICE_OWNER, Role.DISPATCHER])
def test_clinic_admin_cannot_grant_a_role_of_another_kind(api_client, role):
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    member = MembershipFactory(organization=clinic, role=Role.DOCTOR).user
    api_client.force_authenticate(admin)
    before = _memberships()

    to_self = _grant(api_client, clinic, admin.pk, role)
    to_member = _grant(api_client, clinic, member.pk, role)

    for response in (to_self, to_member):
        assert response.status_code == 400
        assert response.json()["code"] == "access.role_not_allowed"
        assert response.json()["errors"] == {
            "role": ["This role cannot be granted in this organization."]
        }
    assert _memberships() == before
    assert not AuditEvent.objects.exists()


def test_organization_admin_cannot_grant_itself_a_role(api_client):
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    api_client.force_authenticate(admin)
    before = _memberships()

    response = _grant(api_client, clinic, admin.pk, Role.DOCTOR)

    assert response.status_code == 403
    assert response.json()["code"] == "access.self_grant_forbidden"
    assert _memberships() == before
    assert not AuditEvent.objects.exists()


def test_outsider_is_not_made_a_member_and_the_answer_reveals_nothing(api_client):
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    other_doctor = user_with_role(Role.DOCTOR, OrganizationFactory(), email="dr@other.test")
    api_client.force_authenticate(admin)
    before = _memberships()

    existing = _grant(api_client, clinic, other_doctor.pk, Role.DOCTOR)
    unknown = _grant(api_client, clinic, uuid.uuid4(), Role.DOCTOR)

    assert existing.status_code == 400
    assert existing["Content-Type"] == "application/problem+json"
    assert existing.json() == unknown.json()
    assert existing.json()["code"] == "access.invitation_required"
    assert existing.json()["errors"] == {
        "user_id": [
            "Only members of this organization can be given a role here; "
            "invite this person instead."
        ]
    }
    assert "dr@other.test" not in existing.content.decode()
    assert _memberships() == before
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("state", ["pending", "revoked"])
def test_a_pending_or_revoked_member_can_be_granted_a_role(api_client, state):
    clinic = OrganizationFactory()
    api_client.force_authenticate(user_with_role(Role.CLINIC_ADMIN, clinic))
    previous = MembershipFactory(organization=clinic, role=Role.DOCTOR, **{state: True})

    response = _grant(api_client, clinic, previous.user_id, Role.DOCTOR)

    assert response.status_code == 201
    previous.refresh_from_db()
    assert (previous.is_active, previous.revoked_at) == (True, None)


def test_platform_admin_still_grants_to_anyone_in_the_organization_kind(api_client):
    clinic = OrganizationFactory()
    api_client.force_authenticate(user_with_role(Role.PLATFORM_ADMIN))
    newcomer = UserFactory(email="new@example.test")

    granted = _grant(api_client, clinic, newcomer.pk, Role.CLINIC_ADMIN)
    unknown = _grant(api_client, clinic, uuid.uuid4(), Role.CLINIC_ADMIN)
    wrong_kind = _grant(api_client, clinic, newcomer.pk, Role.SOS_ADMIN)

    assert granted.status_code == 201
    assert granted.json()["user"]["email"] == "new@example.test"
    assert (unknown.status_code, unknown.json()["errors"]) == (
        400,
        {"user_id": ["No such user."]},
    )
    assert (wrong_kind.status_code, wrong_kind.json()["code"]) == (
        400,
        "access.role_not_allowed",
    )
    assert list(newcomer.memberships.values_list("role", flat=True)) == [Role.CLINIC_ADMIN]


def test_admin_cannot_approve_its_own_pending_request(api_client):
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    request = MembershipFactory(user=admin, organization=clinic, role=Role.DOCTOR, pending=True)
    api_client.force_authenticate(admin)

    response = api_client.post(_urls(clinic, request)["approve"])

    assert response.status_code == 403
    assert response.json()["code"] == "access.self_grant_forbidden"
    request.refresh_from_db()
    assert (request.is_active, request.approved_at) == (False, None)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("actor", ["self", Role.PLATFORM_ADMIN])
def test_the_last_admin_cannot_be_revoked(api_client, actor):
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    # another admin whose account is deactivated does not keep the clinic administered
    MembershipFactory(organization=clinic, role=Role.CLINIC_ADMIN, user__status=UserStatus.INACTIVE)
    membership = admin.memberships.get()
    api_client.force_authenticate(admin if actor == "self" else user_with_role(actor))

    response = api_client.post(_urls(clinic, membership)["revoke"])

    assert response.status_code == 409
    assert response.json()["code"] == "access.last_admin"
    membership.refresh_from_db()
    assert (membership.is_active, membership.revoked_at) == (True, None)
    assert not AuditEvent.objects.exists()


def test_an_admin_can_step_down_while_another_remains(api_client):
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    user_with_role(Role.CLINIC_ADMIN, clinic)
    membership = admin.memberships.get()
    api_client.force_authenticate(admin)

    response = api_client.post(_urls(clinic, membership)["revoke"])

    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.is_active is False
