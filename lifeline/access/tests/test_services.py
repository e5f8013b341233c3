from datetime import UTC, datetime

import pytest
import time_machine

from lifeline.access.enums import ROLES_BY_KIND, OrganizationKind, Role
from lifeline.access.exceptions import (
    AccessForbidden,
    InvitationRequired,
    LastAdmin,
    MembershipExists,
    MembershipRevoked,
    RoleNotAllowed,
    SelfGrantForbidden,
)
from lifeline.access.models import Membership
from lifeline.access.services import (
    membership_admit,
    membership_approve,
    membership_grant,
    membership_request,
    membership_revoke,
    organization_save,
)
from lifeline.access.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    user_with_role,
)
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_grant_creates_an_approved_membership_and_audits_it():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    doctor = MembershipFactory(organization=clinic, role=Role.PATIENT).user

    membership = membership_grant(actor=admin, organization=clinic, user=doctor, role=Role.DOCTOR)

    assert (membership.is_active, membership.approved_at, membership.revoked_at) == (
        True,
        NOW,
        None,
    )
    event = AuditEvent.objects.get(action="access.membership_granted")
    assert event.actor_id == str(admin.pk)
    assert event.target_type == "access.membership"
    assert event.target_id == str(membership.pk)
    assert event.organization_id == str(clinic.pk)
    assert event.changes == {
        "before": {},
        "after": {
            "user_id": str(doctor.pk),
            "organization_id": str(clinic.pk),
            "role": "doctor",
            "is_active": True,
            "approved_at": "2026-03-01T12:00:00Z",
            "revoked_at": None,
        },
    }


def test_grant_of_a_held_role_is_refused():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    existing = MembershipFactory(organization=clinic, role=Role.DOCTOR)

    with pytest.raises(MembershipExists) as excinfo:
        membership_grant(actor=admin, organization=clinic, user=existing.user, role=Role.DOCTOR)

    assert excinfo.value.code == "access.membership_exists"
    assert Membership.objects.filter(user=existing.user).count() == 1
    assert not AuditEvent.objects.exists()


def test_grant_reinstates_a_revoked_membership():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    revoked = MembershipFactory(organization=clinic, role=Role.DOCTOR, revoked=True)

    membership = membership_grant(
        actor=admin, organization=clinic, user=revoked.user, role=Role.DOCTOR
    )

    assert membership.pk == revoked.pk
    assert (membership.is_active, membership.revoked_at) == (True, None)
    event = AuditEvent.objects.get()
    assert (event.changes["before"]["is_active"], event.changes["after"]["is_active"]) == (
        False,
        True,
    )


@pytest.mark.parametrize("role", [Role.DOCTOR, Role.PLATFORM_ADMIN])
def test_grant_by_an_admin_of_another_organization_is_refused(role):
    clinic = OrganizationFactory()
    outsider = user_with_role(Role.CLINIC_ADMIN)
    user = UserFactory()

    with pytest.raises(AccessForbidden):
        membership_grant(actor=outsider, organization=clinic, user=user, role=role)

    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.exists()


def test_an_organization_admin_cannot_grant_platform_admin():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)

    with pytest.raises(AccessForbidden):
        membership_grant(
            actor=admin, organization=clinic, user=UserFactory(), role=Role.PLATFORM_ADMIN
        )


def test_platform_admin_role_exists_only_in_platform_organizations():
    root = user_with_role(Role.PLATFORM_ADMIN)
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)

    with pytest.raises(RoleNotAllowed) as excinfo:
        membership_grant(
            actor=root, organization=clinic, user=UserFactory(), role=Role.PLATFORM_ADMIN
        )

    assert excinfo.value.code == "access.role_not_allowed"
    assert not AuditEvent.objects.exists()


def test_platform_admin_grants_platform_admin():
    root = user_with_role(Role.PLATFORM_ADMIN)
    platform = root.memberships.get().organization
    newcomer = UserFactory()

    membership_grant(actor=root, organization=platform, user=newcomer, role=Role.PLATFORM_ADMIN)

    assert newcomer.memberships.get().role == Role.PLATFORM_ADMIN


def test_request_creates_one_pending_membership_and_audits_it_once():
    clinic = OrganizationFactory()
    doctor = UserFactory()

    first = membership_request(user=doctor, organization=clinic, role=Role.DOCTOR)
    second = membership_request(user=doctor, organization=clinic, role=Role.DOCTOR)

    assert first.pk == second.pk
    assert (first.is_active, first.approved_at, first.role) == (False, None, Role.DOCTOR)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id) == ("access.membership_requested", str(doctor.pk))


@time_machine.travel(NOW, tick=False)
def test_approve_activates_a_pending_membership_once():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    pending = MembershipFactory(organization=clinic, role=Role.DOCTOR, pending=True)

    first = membership_approve(actor=admin, membership=pending)
    second = membership_approve(actor=admin, membership=pending)

    assert (first.is_active, first.approved_at) == (True, NOW)
    assert second.approved_at == NOW
    assert AuditEvent.objects.filter(action="access.membership_approved").count() == 1


def test_approve_of_a_revoked_membership_is_refused():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    revoked = MembershipFactory(organization=clinic, revoked=True)

    with pytest.raises(MembershipRevoked):
        membership_approve(actor=admin, membership=revoked)

    revoked.refresh_from_db()
    assert revoked.is_active is False


@time_machine.travel(NOW, tick=False)
def test_revoke_deactivates_once_and_keeps_the_row():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    doctor = MembershipFactory(organization=clinic, role=Role.DOCTOR)

    membership_revoke(actor=admin, membership=doctor)
    membership_revoke(actor=admin, membership=doctor)

    doctor.refresh_from_db()
    assert (doctor.is_active, doctor.revoked_at) == (False, NOW)
    event = AuditEvent.objects.get()
    assert event.action == "access.membership_revoked"
    assert event.changes["after"]["revoked_at"] == "2026-03-01T12:00:00Z"


def test_revoke_by_a_plain_member_is_refused():
    clinic = OrganizationFactory()
    doctor = user_with_role(Role.DOCTOR, clinic)
    patient = MembershipFactory(organization=clinic, role=Role.PATIENT)

    with pytest.raises(AccessForbidden):
        membership_revoke(actor=doctor, membership=patient)

    patient.refresh_from_db()
    assert patient.is_active is True


def test_organization_admin_cannot_revoke_a_platform_admin():
    platform = OrganizationFactory(kind=OrganizationKind.PLATFORM)
    director = user_with_role(Role.DIRECTOR, platform)
    root = MembershipFactory(organization=platform, role=Role.PLATFORM_ADMIN)

    with pytest.raises(AccessForbidden):
        membership_revoke(actor=director, membership=root)


def test_organization_save_audits_changed_fields():
    root = user_with_role(Role.PLATFORM_ADMIN)
    clinic = OrganizationFactory(name="Old name")
    clinic.name = "New name"

    organization_save(actor=root, organization=clinic)

    event = AuditEvent.objects.get()
    assert event.action == "access.organization_updated"
    assert event.organization_id == str(clinic.pk)
    assert (event.changes["before"]["name"], event.changes["after"]["name"]) == (
        "Old name",
        "New name",
    )


def test_organization_save_by_an_organization_admin_is_refused():
    clinic = OrganizationFactory(name="Old name")
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    clinic.name = "New name"

    with pytest.raises(AccessForbidden):
        organization_save(actor=admin, organization=clinic)

    clinic.refresh_from_db()
    assert clinic.name == "Old name"


def test_admit_activates_a_membership_that_the_module_authorized():
    organization = OrganizationFactory(kind=OrganizationKind.CLINIC)
    inviter, invitee = UserFactory(), UserFactory()

    membership = membership_admit(
        user=invitee, organization=organization, role=Role.PATIENT, granted_by=inviter, via="test"
    )
    again = membership_admit(
        user=invitee, organization=organization, role=Role.PATIENT, granted_by=inviter, via="test"
    )

    assert again.pk == membership.pk
    assert (membership.is_active, membership.approved_at is not None) == (True, True)
    events = AuditEvent.objects.filter(action="access.membership_granted")
    assert [(e.actor_id, e.metadata["via"]) for e in events] == [(str(inviter.pk), "test")]


def test_admit_reactivates_a_revoked_membership():
    membership = MembershipFactory(role=Role.PATIENT, is_active=False)

    admitted = membership_admit(
        user=membership.user,
        organization=membership.organization,
        role=Role.PATIENT,
        granted_by=UserFactory(),
        via="test",
    )

    assert admitted.pk == membership.pk
    membership.refresh_from_db()
    assert (membership.is_active, membership.revoked_at) == (True, None)


@pytest.mark.parametrize("role", [Role.CLINIC_ADMIN, Role.PLATFORM_ADMIN, "nonsense"])
def test_admit_never_gives_administrative_roles(role):
    organization = OrganizationFactory()
    user = UserFactory()

    with pytest.raises(RoleNotAllowed):
        membership_admit(
            user=user, organization=organization, role=role, granted_by=UserFactory(), via="test"
        )

    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (kind, role)
        for kind in ROLES_BY_KIND
        for role in sorted(set(Role.values) - ROLES_BY_KIND[kind] - {Role.PLATFORM_ADMIN})
    ][::5],
)
def test_a_role_of_another_kind_is_refused_even_to_a_platform_admin(kind, role):
    organization = OrganizationFactory(kind=kind)
    user = UserFactory()

    with pytest.raises(RoleNotAllowed):
        membership_grant(
            actor=user_with_role(Role.PLATFORM_ADMIN),
            organization=organization,
            user=user,
            role=role,
        )

    assert not user.memberships.exists()
    assert not AuditEvent.objects.exists()


def test_every_role_belongs_to_exactly_one_organization_kind():
    kinds = [kind for roles in ROLES_BY_KIND.values() for kind in roles]

    assert sorted(kinds) == sorted(Role.values)
    assert set(ROLES_BY_KIND) == set(OrganizationKind.values)


def test_an_organization_admin_grants_only_to_its_members():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    outsider = user_with_role(Role.DOCTOR, OrganizationFactory())

    with pytest.raises(InvitationRequired) as excinfo:
        membership_grant(actor=admin, organization=clinic, user=outsider, role=Role.DOCTOR)

    assert (excinfo.value.code, excinfo.value.http_status) == ("access.invitation_required", 400)
    assert not Membership.objects.filter(organization=clinic, user=outsider).exists()
    assert not AuditEvent.objects.exists()


def test_an_organization_admin_cannot_grant_itself_another_role():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)

    with pytest.raises(SelfGrantForbidden):
        membership_grant(actor=admin, organization=clinic, user=admin, role=Role.DOCTOR)

    assert list(admin.memberships.values_list("role", flat=True)) == [Role.CLINIC_ADMIN]


def test_admit_refuses_a_role_of_another_kind():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    user = UserFactory()

    with pytest.raises(RoleNotAllowed):
        membership_admit(
            user=user, organization=clinic, role=Role.HELPER, granted_by=UserFactory(), via="test"
        )

    assert not user.memberships.exists()


def test_the_last_admin_cannot_be_revoked_but_a_pending_admin_request_can():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    last = admin.memberships.get()
    request = MembershipFactory(organization=clinic, role=Role.CLINIC_ADMIN, pending=True)

    with pytest.raises(LastAdmin) as excinfo:
        membership_revoke(actor=user_with_role(Role.PLATFORM_ADMIN), membership=last)
    membership_revoke(actor=admin, membership=request)

    assert (excinfo.value.code, excinfo.value.http_status) == ("access.last_admin", 409)
    last.refresh_from_db()
    request.refresh_from_db()
    assert (last.is_active, last.revoked_at) == (True, None)
    assert request.revoked_at is not None
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "access.membership_revoked"
    ]
