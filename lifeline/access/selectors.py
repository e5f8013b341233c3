"""Reads about organizations and memberships, always scoped by the actor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from lifeline.access.enums import ADMIN_ROLES
from lifeline.access.models import Membership, Organization
from lifeline.access.permissions import can_manage_members, is_platform_admin
from lifeline.accounts.enums import UserStatus
from lifeline.accounts.models import User
from lifeline.core.selectors import get_or_not_found


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True, organization__is_active=True)


def roles_of(*, user: User, organization: Organization | None = None) -> set[str]:
    memberships = memberships_of(user=user)
    if organization is not None:
        memberships = memberships.filter(organization=organization)
    return set(memberships.values_list("role", flat=True))


def user_ids_with_role(*, organization_id: Any, roles: Iterable[str]) -> QuerySet[Membership, Any]:
    """Ids (`user_id` values) of the active users holding any of `roles` in the organization
    (e.g. the station's dispatchers who take part in a call's conversation)."""
    return (
        Membership.objects.filter(
            organization_id=organization_id,
            organization__is_active=True,
            role__in=list(roles),
            is_active=True,
            user__status=UserStatus.ACTIVE,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def user_has_any_role(*, user: User, roles: Iterable[str]) -> bool:
    if not user.is_authenticated:
        return False
    return memberships_of(user=user).filter(role__in=list(roles)).exists()


def organizations_of(*, user: User, roles: Iterable[str] | None = None) -> QuerySet[Organization]:
    memberships = memberships_of(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Organization.objects.filter(pk__in=memberships.values("organization_id"))


def audit_organization_ids_for(*, actor: User | AnonymousUser) -> list[str] | None:
    """The organizations whose audit events `actor` reads: None (all) for a platform admin.

    Registered with `audit.permissions` (the trail sits below `access`). Audit rows store ids
    as text, so the scope is a list of strings, not a subquery.
    """
    if is_platform_admin(actor):
        return None
    if not actor.is_authenticated:
        return []
    return [
        str(pk)
        for pk in organizations_of(user=actor, roles=ADMIN_ROLES).values_list("pk", flat=True)
    ]


def organization_list_for(*, actor: User | AnonymousUser) -> QuerySet[Organization]:
    """Organizations `actor` may see: all of them for a platform admin, else their own."""
    if is_platform_admin(actor):
        return Organization.objects.all()
    if not actor.is_authenticated:
        return Organization.objects.none()
    return organizations_of(user=actor)


def organization_get_for(
    *, actor: User | AnonymousUser, organization_id: UUID | str
) -> Organization:
    """Return the organization if `actor` may see it; otherwise raise NotFound."""
    return get_or_not_found(organization_list_for(actor=actor), pk=organization_id)


def membership_list_for(
    *, actor: User | AnonymousUser, organization: Organization
) -> QuerySet[Membership]:
    """Memberships of `organization` visible to `actor`, newest first, users preloaded.

    Member managers (can_manage_members) see every membership, pending and revoked ones
    included; anyone else sees only their own.
    """
    memberships = Membership.objects.filter(organization=organization).select_related("user")
    if not can_manage_members(actor, organization):
        memberships = (
            memberships.filter(user_id=actor.pk) if actor.is_authenticated else memberships.none()
        )
    return memberships.order_by("-created_at", "-id")


def membership_get_for(
    *, actor: User | AnonymousUser, organization: Organization, membership_id: int | str
) -> Membership:
    """Return one membership of `organization` within `actor`'s scope; otherwise NotFound."""
    return get_or_not_found(
        membership_list_for(actor=actor, organization=organization).select_related("organization"),
        pk=membership_id,
    )
