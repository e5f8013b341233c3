"""Factories other apps' tests may import: organizations, memberships, users with a role."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from lifeline.access.enums import ROLE_KIND, OrganizationKind, Role
from lifeline.access.models import Membership, Organization
from lifeline.accounts.models import User
from lifeline.accounts.tests.factories import UserFactory

__all__ = ["MembershipFactory", "OrganizationFactory", "UserFactory", "user_with_role"]


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    kind = OrganizationKind.CLINIC


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active, approved membership; `pending=True` makes a request awaiting approval."""

    class Meta:
        model = Membership

    class Params:
        pending = factory.Trait(is_active=False, approved_at=None)
        revoked = factory.Trait(is_active=False, revoked_at=factory.LazyFunction(timezone.now))

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.DOCTOR
    is_active = True
    approved_at = factory.LazyFunction(timezone.now)


def user_with_role(role: str, organization: Organization | None = None, **user_fields: Any) -> User:
    """A new user holding `role` in `organization` (a new one of the role's kind if None)."""
    if organization is None:
        organization = OrganizationFactory(kind=ROLE_KIND.get(role, OrganizationKind.CLINIC))
    user: User = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=organization, role=role)
    return user
