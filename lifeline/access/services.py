"""Writes about organizations and memberships. Every change is audited with before/after.

The services check authorization themselves (defence in depth: the API, the admin and
management commands all come through here); callers that show 404 for out-of-scope
objects must load them through the selectors first.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lifeline.access.enums import ADMIN_ROLES, OrganizationKind, Role
from lifeline.access.exceptions import (
    AccessForbidden,
    MembershipExists,
    MembershipRevoked,
    RoleNotAllowed,
)
from lifeline.access.models import Membership, Organization
from lifeline.access.permissions import can_grant_role, is_platform_admin
from lifeline.accounts.models import User
from lifeline.audit import services as audit

ORGANIZATION_AUDITED_FIELDS = ("name", "slug", "kind", "is_active", "is_demo")


def _membership_state(membership: Membership | None) -> dict[str, Any]:
    if membership is None:
        return {}
    return {
        "user_id": str(membership.user_id),
        "organization_id": str(membership.organization_id),
        "role": membership.role,
        "is_active": membership.is_active,
        "approved_at": membership.approved_at,
        "revoked_at": membership.revoked_at,
    }


def _ensure_may_grant(*, actor: Any, organization: Organization, role: str) -> None:
    if not can_grant_role(actor, organization, role):
        raise AccessForbidden()


def _locked_membership(*, user: User, organization: Organization, role: str) -> Membership | None:
    return (
        Membership.objects.select_for_update()
        .filter(user=user, organization=organization, role=role)
        .first()
    )


def _activate(
    membership: Membership | None,
    *,
    user: User,
    organization: Organization,
    role: str,
    actor: Any,
    request: HttpRequest | None,
    metadata: dict[str, Any] | None = None,
) -> Membership:
    """Create the membership active and approved, or activate the pending/revoked one;
    audited as `access.membership_granted`."""
    now = timezone.now()
    before = _membership_state(membership)
    if membership is None:
        membership = Membership.objects.create(
            user=user, organization=organization, role=role, is_active=True, approved_at=now
        )
    else:
        membership.is_active = True
        membership.approved_at = now
        membership.revoked_at = None
        membership.save(update_fields=["is_active", "approved_at", "revoked_at", "updated_at"])
    audit.record(
        actor=actor,
        action="access.membership_granted",
        target=membership,
        organization=organization,
        request=request,
        before=before,
        after=_membership_state(membership),
        metadata=metadata,
    )
    return membership


@transaction.atomic
def membership_grant(
    *,
    actor: Any,
    organization: Organization,
    user: User,
    role: str,
    request: HttpRequest | None = None,
) -> Membership:
    """Give `user` the `role` in `organization`, active and approved at once.

    A pending request for the same role is approved and a revoked one reinstated. Raises
    MembershipExists if the user already holds the role, AccessForbidden if `actor`
    may not grant it, RoleNotAllowed for an unknown role or a `platform_admin` outside a
    platform organization.
    """
    if role not in Role.values:
        raise RoleNotAllowed(errors={"role": [str(RoleNotAllowed.title)]})
    _ensure_may_grant(actor=actor, organization=organization, role=role)
    if role == Role.PLATFORM_ADMIN and organization.kind != OrganizationKind.PLATFORM:
        raise RoleNotAllowed(errors={"role": [str(RoleNotAllowed.title)]})

    membership = _locked_membership(user=user, organization=organization, role=role)
    if membership is not None and membership.is_active:
        raise MembershipExists()
    # A pending request is approved, a revoked membership reinstated.
    return _activate(
        membership,
        user=user,
        organization=organization,
        role=role,
        actor=actor,
        request=request,
    )


@transaction.atomic
def membership_admit(
    *,
    user: User,
    organization: Organization,
    role: str,
    granted_by: Any,
    via: str,
    request: HttpRequest | None = None,
) -> Membership:
    """Make `user` an active member in `role` through a flow that its module has already
    authorized (e.g. a clinic invitation a doctor issued and the invitee accepted): no admin
    check here, the caller answers for it, and the audit names `granted_by` and `via`.
    Idempotent: an active membership is returned unchanged; a pending or revoked one is
    activated. Never used for administrative roles or `platform_admin`.
    """
    if role not in Role.values or role == Role.PLATFORM_ADMIN or role in ADMIN_ROLES:
        raise RoleNotAllowed(errors={"role": [str(RoleNotAllowed.title)]})
    membership = _locked_membership(user=user, organization=organization, role=role)
    if membership is not None and membership.is_active:
        return membership
    return _activate(
        membership,
        user=user,
        organization=organization,
        role=role,
        actor=granted_by,
        request=request,
        metadata={"via": via, "member_id": str(user.pk)},
    )


@transaction.atomic
def membership_request(
    *, user: User, organization: Organization, role: str, request: HttpRequest | None = None
) -> Membership:
    """The user asks to join `organization` in `role`: a pending (inactive) membership that an
    organization admin approves with `membership_approve`. Idempotent: an existing membership
    of that role is returned unchanged.
    """
    membership, created = Membership.objects.get_or_create(
        user=user,
        organization=organization,
        role=role,
        defaults={"is_active": False, "approved_at": None},
    )
    if created:
        audit.record(
            actor=user,
            action="access.membership_requested",
            target=membership,
            organization=organization,
            request=request,
            after=_membership_state(membership),
        )
    return membership


@transaction.atomic
def membership_approve(
    *, actor: Any, membership: Membership, request: HttpRequest | None = None
) -> Membership:
    """Approve a pending membership (sets `approved_at`, activates it). Idempotent.

    Raises MembershipRevoked for a revoked membership (grant it again instead).
    """
    _ensure_may_grant(actor=actor, organization=membership.organization, role=membership.role)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.revoked_at is not None:
        raise MembershipRevoked()
    if membership.is_active:
        return membership
    before = _membership_state(membership)
    membership.approved_at = timezone.now()
    membership.is_active = True
    membership.save(update_fields=["approved_at", "is_active", "updated_at"])
    audit.record(
        actor=actor,
        action="access.membership_approved",
        target=membership,
        organization=membership.organization_id,
        request=request,
        before=before,
        after=_membership_state(membership),
    )
    return membership


@transaction.atomic
def membership_revoke(
    *, actor: Any, membership: Membership, request: HttpRequest | None = None
) -> Membership:
    """Deactivate a membership; a pending request is thereby refused. Idempotent.

    The row is kept, so the audit trail and `approved_at` history stay meaningful.
    """
    _ensure_may_grant(actor=actor, organization=membership.organization, role=membership.role)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.revoked_at is not None:
        return membership
    before = _membership_state(membership)
    membership.is_active = False
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["is_active", "revoked_at", "updated_at"])
    audit.record(
        actor=actor,
        action="access.membership_revoked",
        target=membership,
        organization=membership.organization_id,
        request=request,
        before=before,
        after=_membership_state(membership),
    )
    return membership


def _organization_state(organization: Organization | None) -> dict[str, Any]:
    if organization is None:
        return {}
    return {field: getattr(organization, field) for field in ORGANIZATION_AUDITED_FIELDS}


@transaction.atomic
def organization_save(
    *, actor: Any, organization: Organization, request: HttpRequest | None = None
) -> Organization:
    """Create or update `organization` as given (admin forms). Platform admins only."""
    if not is_platform_admin(actor):
        raise AccessForbidden()
    previous = (
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if not organization._state.adding
        else None
    )
    organization.save()
    audit.record(
        actor=actor,
        action="access.organization_updated" if previous else "access.organization_created",
        target=organization,
        organization=organization,
        request=request,
        before=_organization_state(previous),
        after=_organization_state(organization),
    )
    return organization
