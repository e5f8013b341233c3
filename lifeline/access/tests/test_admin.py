import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from lifeline.access.enums import Role
from lifeline.access.models import Membership
from lifeline.access.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    user_with_role,
)
from lifeline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_membership_added_in_admin_goes_through_the_service(client, superuser):
    clinic = OrganizationFactory()
    doctor = UserFactory()

    response = client.post(
        reverse("admin:access_membership_add"),
        {"user": str(doctor.pk), "organization": str(clinic.pk), "role": Role.DOCTOR},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=doctor)
    assert (membership.is_active, membership.approved_at is not None) == (True, True)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id) == ("access.membership_granted", str(superuser.pk))


def test_staff_without_platform_rights_cannot_grant_in_admin(client):
    clinic = OrganizationFactory()
    staff = user_with_role(Role.CLINIC_ADMIN, clinic, is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__endswith="_membership"))
    client.force_login(staff)
    doctor = UserFactory()

    response = client.post(
        reverse("admin:access_membership_add"),
        {"user": str(doctor.pk), "organization": str(clinic.pk), "role": Role.PLATFORM_ADMIN},
    )

    # The admin is for platform admins only (lifeline/web/admin.py): others get 404.
    assert response.status_code == 404
    assert not Membership.objects.filter(user=doctor).exists()
    assert not AuditEvent.objects.exists()


def test_revoke_action_is_audited(client, superuser):
    membership = MembershipFactory()

    response = client.post(
        reverse("admin:access_membership_changelist"),
        {"action": "revoke_selected", "_selected_action": [membership.pk]},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False
    assert AuditEvent.objects.get().action == "access.membership_revoked"


def test_memberships_cannot_be_deleted_in_admin(client, superuser):
    membership = MembershipFactory()

    response = client.post(
        reverse("admin:access_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_organization_change_in_admin_is_audited(client, superuser):
    clinic = OrganizationFactory(name="Old", slug="old")

    response = client.post(
        reverse("admin:access_organization_change", args=[clinic.pk]),
        {"name": "New", "slug": "old", "kind": clinic.kind, "is_active": "on"},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert event.action == "access.organization_updated"
    assert (event.changes["before"]["name"], event.changes["after"]["name"]) == ("Old", "New")


def test_admin_refuses_a_role_of_another_organization_kind(client, superuser):
    clinic = OrganizationFactory()
    user = UserFactory()

    response = client.post(
        reverse("admin:access_membership_add"),
        {"user": str(user.pk), "organization": str(clinic.pk), "role": Role.SOS_ADMIN},
    )

    assert response.status_code == 200
    assert "This role cannot be granted in this organization." in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.exists()
