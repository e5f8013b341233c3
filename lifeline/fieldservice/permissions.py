"""`can_<verb>_<noun>` predicates of the fieldservice module and the roles they read.

Roles live in `access` (OPERATOR, MASTER, MANAGER, DIRECTOR in a SERVICE_COMPANY
organization). Managers and directors see their whole company; operators their granted
cities; masters their own requests. Only managers and above edit reference data and money;
only directors delete reference data.
"""

from __future__ import annotations

from typing import Any

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.permissions import memberships_of

FIELD_ROLES = (Role.OPERATOR, Role.MASTER, Role.MANAGER, Role.DIRECTOR)
MANAGER_ROLES = frozenset({Role.MANAGER, Role.DIRECTOR})
STAFF_ROLES = frozenset({Role.OPERATOR, Role.MANAGER, Role.DIRECTOR})


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def company_roles(user: Any) -> dict[Any, set[str]]:
    """{organization_id: roles} of `user`'s field-service companies (one query; cached on
    the user object for the request)."""
    if not _authenticated(user):
        return {}
    cached = getattr(user, "_fieldservice_roles", None)
    if cached is not None:
        return dict(cached)
    roles: dict[Any, set[str]] = {}
    for org_id, role in (
        memberships_of(user=user)
        .filter(role__in=FIELD_ROLES, organization__kind=OrganizationKind.SERVICE_COMPANY)
        .values_list("organization_id", "role")
    ):
        roles.setdefault(org_id, set()).add(role)
    user._fieldservice_roles = roles
    return dict(roles)


def roles_in(user: Any, organization_id: Any) -> set[str]:
    return company_roles(user).get(organization_id, set())


def is_field_user(user: Any) -> bool:
    return bool(company_roles(user))


def is_manager(user: Any, organization_id: Any) -> bool:
    return bool(roles_in(user, organization_id) & MANAGER_ROLES)


def can_edit_reference(user: Any, organization_id: Any) -> bool:
    """Create and edit cities, types, directions, campaigns, transaction types."""
    return is_manager(user, organization_id)


def can_delete_reference(user: Any, organization_id: Any) -> bool:
    return Role.DIRECTOR in roles_in(user, organization_id)


def can_create_request(user: Any, organization_id: Any) -> bool:
    return bool(roles_in(user, organization_id) & STAFF_ROLES)


def can_edit_request(user: Any, request: Any) -> bool:
    """Edit the client's and call-centre's fields (not money, not status)."""
    return bool(roles_in(user, request.organization_id) & STAFF_ROLES)


def can_edit_request_money(user: Any, request: Any) -> bool:
    """Enter result and expenses: the request's master, or a manager and above."""
    roles = roles_in(user, request.organization_id)
    if roles & MANAGER_ROLES:
        return True
    return Role.MASTER in roles and request.master_id == user.pk


def can_manage_transactions(user: Any, organization_id: Any) -> bool:
    return is_manager(user, organization_id)


def can_take_callback(user: Any, callback: Any) -> bool:
    return bool(roles_in(user, callback.organization_id) & STAFF_ROLES)


# Whom each role may create, edit and fire through the staff pages (never directors:
# those are set up by the platform administrators).
MANAGEABLE_ROLES: dict[str, frozenset[str]] = {
    Role.MANAGER: frozenset({Role.OPERATOR, Role.MASTER}),
    Role.DIRECTOR: frozenset({Role.OPERATOR, Role.MASTER, Role.MANAGER}),
}


def manageable_roles(user: Any, organization_id: Any) -> frozenset[str]:
    """The staff roles `user` may create and edit in the company (empty: none)."""
    out: frozenset[str] = frozenset()
    for role in roles_in(user, organization_id):
        out |= MANAGEABLE_ROLES.get(role, frozenset())
    return out


def can_manage_staff(user: Any, organization_id: Any, role: str) -> bool:
    return role in manageable_roles(user, organization_id)
