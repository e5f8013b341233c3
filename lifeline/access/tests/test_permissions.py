import pytest
from django.contrib.auth.models import AnonymousUser

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.permissions import (
    can_grant_role,
    can_manage_members,
    can_view_audit,
    can_view_organization,
    is_platform_admin,
)
from lifeline.access.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.CLINIC_ADMIN, True),
        (Role.DIRECTOR, True),
        (Role.DOCTOR, False),
        (Role.PATIENT, False),
    ],
)
def test_only_admin_roles_manage_members(role, expected):
    clinic = OrganizationFactory()
    user = user_with_role(role, clinic)

    assert can_manage_members(user, clinic) is expected
    assert can_view_organization(user, clinic) is True
    assert can_view_audit(user, clinic) is expected
    assert can_view_audit(user) is expected


def test_an_admin_manages_only_their_own_organization():
    clinic, other = OrganizationFactory(), OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)

    assert can_manage_members(admin, other) is False
    assert can_view_organization(admin, other) is False
    assert can_view_audit(admin, other) is False


def test_platform_admin_may_do_everything_everywhere():
    admin = user_with_role(Role.PLATFORM_ADMIN)
    clinic = OrganizationFactory()

    assert is_platform_admin(admin) is True
    assert can_manage_members(admin, clinic) is True
    assert can_grant_role(admin, clinic, Role.PLATFORM_ADMIN) is True
    assert can_view_audit(admin) is True


def test_only_platform_admins_grant_platform_admin():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)

    assert can_grant_role(admin, clinic, Role.DOCTOR) is True
    assert can_grant_role(admin, clinic, Role.PLATFORM_ADMIN) is False


def test_inactive_memberships_and_organizations_grant_nothing():
    platform = OrganizationFactory(kind=OrganizationKind.PLATFORM, is_active=False)
    user = UserFactory()
    MembershipFactory(user=user, organization=platform, role=Role.PLATFORM_ADMIN)
    clinic = OrganizationFactory()
    MembershipFactory(user=user, organization=clinic, role=Role.CLINIC_ADMIN, pending=True)

    assert is_platform_admin(user) is False
    assert can_manage_members(user, clinic) is False
    assert can_view_organization(user, clinic) is False


def test_superuser_is_platform_admin():
    assert is_platform_admin(UserFactory(is_superuser=True)) is True


def test_anonymous_may_do_nothing():
    clinic = OrganizationFactory()

    assert is_platform_admin(AnonymousUser()) is False
    assert can_view_organization(AnonymousUser(), clinic) is False
    assert can_view_audit(AnonymousUser()) is False
