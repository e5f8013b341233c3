"""Reads about organizations and memberships, always scoped by the actor."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from lifeline.access.models import Membership, Organization
from lifeline.accounts.models import User


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True, organization__is_active=True)


def roles_of(*, user: User, organization: Organization | None = None) -> set[str]:
    memberships = memberships_of(user=user)
    if organization is not None:
        memberships = memberships.filter(organization=organization)
    return set(memberships.values_list("role", flat=True))


def user_has_any_role(*, user: User, roles: Iterable[str]) -> bool:
    if not user.is_authenticated:
        return False
    return memberships_of(user=user).filter(role__in=list(roles)).exists()


def organizations_of(*, user: User, roles: Iterable[str] | None = None) -> QuerySet[Organization]:
    memberships = memberships_of(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Organization.objects.filter(pk__in=memberships.values("organization_id"))
