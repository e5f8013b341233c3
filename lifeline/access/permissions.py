"""`can_<verb>_<noun>` predicates about organizations, memberships and the audit trail.

Who is a platform administrator: a user with an active `platform_admin` membership in an
active organization of kind `platform`, or a Django superuser. A `platform_admin` membership
in any other kind of organization grants nothing beyond that organization (and the services
refuse to create one), so a clinic administrator can never mint a platform administrator.

Predicates answer for an authenticated user; anonymous users are refused everything here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lifeline.access.enums import ADMIN_ROLES, OrganizationKind, Role
from lifeline.access.models import Membership, Organization


def memberships_of(*, user: Any) -> QuerySet[Membership]:
    # The same rule as selectors.memberships_of; repeated because selectors import this module.
    return Membership.objects.filter(user=user, is_active=True, organization__is_active=True)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


_PLATFORM_ADMIN = Q(role=Role.PLATFORM_ADMIN, organization__kind=OrganizationKind.PLATFORM)


def _is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def is_platform_admin(user: Any) -> bool:
    if not _authenticated(user):
        return False
    if _is_superuser(user):
        return True
    return memberships_of(user=user).filter(_PLATFORM_ADMIN).exists()


def is_organization_admin(user: Any, organization: Organization) -> bool:
    """True when `user` holds an administrator role (ADMIN_ROLES) in `organization` itself."""
    if not _authenticated(user):
        return False
    return (
        memberships_of(user=user)
        .filter(organization=organization, role__in=list(ADMIN_ROLES))
        .exists()
    )


def is_member(user: Any, organization: Organization) -> bool:
    if not _authenticated(user):
        return False
    return memberships_of(user=user).filter(organization=organization).exists()


def can_view_organization(user: Any, organization: Organization) -> bool:
    if not _authenticated(user):
        return False
    if _is_superuser(user):
        return True
    return memberships_of(user=user).filter(_PLATFORM_ADMIN | Q(organization=organization)).exists()


def can_manage_members(user: Any, organization: Organization) -> bool:
    """See, grant, approve and revoke memberships of `organization`."""
    if not _authenticated(user):
        return False
    if _is_superuser(user):
        return True
    in_organization = Q(organization=organization, role__in=list(ADMIN_ROLES))
    return memberships_of(user=user).filter(_PLATFORM_ADMIN | in_organization).exists()


def can_grant_role(user: Any, organization: Organization, role: str) -> bool:
    """Grant (or approve, or revoke) `role` in `organization`.

    Only platform administrators touch `platform_admin` memberships.
    """
    if role == Role.PLATFORM_ADMIN:
        return is_platform_admin(user)
    return can_manage_members(user, organization)


def can_unlock_accounts(user: Any) -> bool:
    """Clear an account's sign-in lockout: a `platform_admin` membership (accounts.roles)."""
    if not _authenticated(user):
        return False
    return memberships_of(user=user).filter(role=Role.PLATFORM_ADMIN).exists()


def can_view_audit(user: Any, organization: Organization | None = None) -> bool:
    """Read the audit trail: of `organization`, or (None) of any organization the user admins.

    Platform administrators read everything.
    """
    if organization is not None:
        return can_manage_members(user, organization)
    if not _authenticated(user):
        return False
    if _is_superuser(user):
        return True
    return memberships_of(user=user).filter(role__in=list(ADMIN_ROLES)).exists()
