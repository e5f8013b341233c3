import uuid

import pytest

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.selectors import (
    membership_get_for,
    membership_list_for,
    organization_get_for,
    organization_list_for,
)
from lifeline.access.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    user_with_role,
)
from lifeline.core.exceptions import NotFound

pytestmark = pytest.mark.django_db


def test_organization_list_holds_only_active_memberships_organizations():
    user = UserFactory()
    mine = OrganizationFactory(name="A clinic")
    revoked = OrganizationFactory(name="B clinic")
    OrganizationFactory(name="C clinic")
    MembershipFactory(user=user, organization=mine, role=Role.DOCTOR)
    MembershipFactory(user=user, organization=revoked, role=Role.DOCTOR, revoked=True)

    assert list(organization_list_for(actor=user)) == [mine]


def test_platform_admin_lists_every_organization():
    admin = user_with_role(Role.PLATFORM_ADMIN)
    other = OrganizationFactory()

    assert set(organization_list_for(actor=admin)) == {admin.memberships.get().organization, other}


def test_platform_admin_role_outside_a_platform_organization_grants_nothing_more():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    user = user_with_role(Role.PLATFORM_ADMIN, clinic)
    OrganizationFactory()

    assert list(organization_list_for(actor=user)) == [clinic]


@pytest.mark.parametrize("organization_id", ["not-a-uuid", uuid.uuid4()])
def test_organization_get_refuses_unknown_ids(organization_id):
    user = user_with_role(Role.DOCTOR)

    with pytest.raises(NotFound):
        organization_get_for(actor=user, organization_id=organization_id)


def test_organization_get_refuses_another_organization():
    user = user_with_role(Role.CLINIC_ADMIN)
    other = OrganizationFactory()

    with pytest.raises(NotFound):
        organization_get_for(actor=user, organization_id=other.pk)


def test_members_see_only_their_own_memberships():
    clinic = OrganizationFactory()
    doctor = user_with_role(Role.DOCTOR, clinic)
    MembershipFactory(organization=clinic, role=Role.PATIENT)

    memberships = membership_list_for(actor=doctor, organization=clinic)

    assert [m.user for m in memberships] == [doctor]


def test_admins_see_every_membership_including_pending_and_revoked():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    pending = MembershipFactory(organization=clinic, pending=True)
    revoked = MembershipFactory(organization=clinic, revoked=True)
    MembershipFactory()  # another organization

    memberships = membership_list_for(actor=admin, organization=clinic)

    assert set(memberships) == {admin.memberships.get(), pending, revoked}


def test_membership_get_refuses_membership_of_another_organization():
    clinic = OrganizationFactory()
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    foreign = MembershipFactory()

    with pytest.raises(NotFound):
        membership_get_for(actor=admin, organization=clinic, membership_id=foreign.pk)
