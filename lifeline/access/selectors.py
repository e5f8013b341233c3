"""Reads about organizations and memberships, always scoped by the actor."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from lifeline.access.enums import ADMIN_ROLES
from lifeline.access.models import Membership, Organization
from lifeline.access.permissions import can_manage_members, is_platform_admin
from lifeline.accounts.enums import UserStatus
from lifeline.accounts.models import User
from lifeline.core.selectors import get_or_not_found


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return memberships_in_active_organizations().filter(user=user)


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


# --- Reads other apps need about organizations and members (they never query access's
# models themselves: the "Only access imports access.models" contract). ---


def organization_list(
    *, kind: str | None = None, active: bool | None = True, include_demo: bool = True
) -> QuerySet[Organization]:
    """Organizations of one kind (a public directory such as the clinics a doctor may join)."""
    organizations = Organization.objects.all()
    if kind is not None:
        organizations = organizations.filter(kind=kind)
    if active is not None:
        organizations = organizations.filter(is_active=active)
    if not include_demo:
        organizations = organizations.filter(is_demo=False)
    return organizations


def organization_get(
    *, organization_id: Any, kind: str | None = None, active: bool | None = None
) -> Organization | None:
    """One organization by id, or None (also for an id that is not a valid key)."""
    try:
        return organization_list(kind=kind, active=active).filter(pk=organization_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def member_user_ids(*, organization_id: Any, roles: Iterable[str]) -> QuerySet[Membership, Any]:
    """Ids (`user_id` values, a subquery) of the active users holding any of `roles` in an
    active organization (the clinic's doctors, the station's dispatchers)."""
    return (
        memberships_in_active_organizations()
        .filter(
            organization_id=organization_id, role__in=list(roles), user__status=UserStatus.ACTIVE
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def active_member_exists_sql(
    *,
    quote_name: Callable[[str], str],
    user: str,
    role: str,
    organization: str | None = None,
    kind: str | None = None,
) -> str:
    """An SQL `EXISTS (...)` for hand-written statements on hot paths (nearest helpers, the
    messenger's care-team check): `user` holds an active membership with `role` in an active
    organization (of `kind`, and `organization`, when given). The arguments are SQL
    expressions of the caller's statement (a column or a placeholder such as `%(role)s`);
    the table and column names are access's own, taken from its models.
    """

    def col(model: Any, alias: str, name: str) -> str:
        return f"{alias}.{quote_name(model._meta.get_field(name).column)}"

    conditions = [
        f"{col(Membership, 'am', 'user')} = {user}",
        f"{col(Membership, 'am', 'role')} = {role}",
        col(Membership, "am", "is_active"),
        col(Organization, "ao", "is_active"),
    ]
    if organization is not None:
        conditions.append(f"{col(Membership, 'am', 'organization')} = {organization}")
    if kind is not None:
        conditions.append(f"{col(Organization, 'ao', 'kind')} = {kind}")
    org_pk = quote_name(Organization._meta.pk.column)  # type: ignore[union-attr]
    return (
        f"EXISTS (SELECT 1 FROM {quote_name(Membership._meta.db_table)} am "  # noqa: S608 - names from the models
        f"INNER JOIN {quote_name(Organization._meta.db_table)} ao "
        f"ON ao.{org_pk} = {col(Membership, 'am', 'organization')} "
        f"WHERE {' AND '.join(conditions)})"
    )


def organization_pk_db_value(organization_id: Any, connection: Any) -> Any:
    """An organization id adapted for a hand-written statement's parameter."""
    pk = Organization._meta.pk
    return pk.get_db_prep_value(pk.to_python(organization_id), connection)  # type: ignore[union-attr]


def user_ids_with_role(
    *, user_ids: Iterable[Any], role: str, organization_id: Any = None
) -> set[Any]:
    """Which of `user_ids` hold an active `role` membership in an active organization
    (in `organization_id` when given): one query."""
    memberships = memberships_in_active_organizations().filter(
        user_id__in=list(user_ids), role=role
    )
    if organization_id is not None:
        memberships = memberships.filter(organization_id=organization_id)
    return set(memberships.values_list("user_id", flat=True))


def memberships_in_active_organizations() -> QuerySet[Membership]:
    """Active memberships of active organizations (filter further by user, role, kind)."""
    return Membership.objects.filter(is_active=True, organization__is_active=True)
