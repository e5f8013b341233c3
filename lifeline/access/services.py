"""Writes about organizations and memberships. Every change is audited with before/after.

The services check authorization themselves (defence in depth: the API, the admin and
management commands all come through here); callers that show 404 for out-of-scope
objects must load them through the selectors first.

Rules of a direct grant (`membership_grant_check`), in this order:
- the role exists in the organization's kind (`enums.ROLES_BY_KIND`), for everyone;
- an organization admin grants only to people who already have a membership row here
  (active, pending request or revoked): a person from outside joins by an invitation they
  accept (the clinic's patient invitation, the doctor's registration request), never by an
  admin's say-so; an unknown user id is answered the same, so no id reveals an account;
- an organization admin never grants or approves a role for themselves.
Platform administrators are exempt from the last two (they set up organizations).
The last active administrator of an organization cannot be revoked (`LastAdmin`): there is
no in-place role change, so a demotion is a revoke and is refused alike.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.access.enums import ADMIN_ROLES, ROLES_BY_KIND, Role
from lifeline.access.exceptions import (
    AccessForbidden,
    InvitationRequired,
    LastAdmin,
    MembershipExists,
    MembershipRevoked,
    RoleNotAllowed,
    SelfGrantForbidden,
)
from lifeline.access.models import Membership, Organization
from lifeline.access.permissions import can_grant_role, is_platform_admin
from lifeline.accounts.enums import UserStatus
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


def _role_not_allowed() -> RoleNotAllowed:
    return RoleNotAllowed(errors={"role": [_("This role cannot be granted in this organization.")]})


def _ensure_may_activate(
    *, actor: Any, organization: Organization, user_id: Any, role: str
) -> bool:
    """The checks shared by a grant and an approval (see the module notes).

    Returns whether `actor` is a platform administrator (exempt from the member rules).
    """
    _ensure_may_grant(actor=actor, organization=organization, role=role)
    if role not in ROLES_BY_KIND.get(organization.kind, frozenset()):
        raise _role_not_allowed()
    if is_platform_admin(actor):
        return True
    if user_id is not None and user_id == getattr(actor, "pk", None):
        raise SelfGrantForbidden()
    return False


def membership_grant_check(
    *, actor: Any, organization: Organization, user: User | None, role: str
) -> None:
    """Raise the DomainError `membership_grant` would raise before writing anything.

    `user` None stands for an unknown user id: anyone but a platform admin gets the same
    `InvitationRequired` as for an existing outsider (the caller tells platform admins).
    """
    if role not in Role.values:
        raise _role_not_allowed()
    platform_admin = _ensure_may_activate(
        actor=actor, organization=organization, user_id=getattr(user, "pk", None), role=role
    )
    if platform_admin:
        return
    # Any row counts: an active member, a pending request, a revoked (suspended) member.
    known = (
        user is not None
        and Membership.objects.filter(user=user, organization=organization).exists()
    )
    if not known:
        raise InvitationRequired(
            errors={
                "user_id": [
                    _(
                        "Only members of this organization can be given a role here; "
                        "invite this person instead."
                    )
                ]
            }
        )


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
    (see `membership_grant_check` and the module notes) AccessForbidden if `actor` may not
    grant in this organization, RoleNotAllowed for a role outside the organization's kind,
    SelfGrantForbidden, InvitationRequired for a person who is not a member, and
    MembershipExists if the user already holds the role.
    """
    membership_grant_check(actor=actor, organization=organization, user=user, role=role)
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
def membership_grant_new_account(
    *,
    actor: Any,
    organization: Organization,
    user: User,
    role: str,
    via: str,
    request: HttpRequest | None = None,
) -> Membership:
    """Give `role` to an account `actor` has just created for this organization's person (e.g.
    a station administrator opening a dispatcher's account), in the caller's transaction.

    The invitation rule does not apply: the account exists only through this organization.
    Everything else of a grant does (AccessForbidden, RoleNotAllowed, SelfGrantForbidden);
    an account that already belongs anywhere or has ever signed in is InvitationRequired,
    so this never takes over somebody else's account.
    """
    if role not in Role.values:
        raise _role_not_allowed()
    _ensure_may_activate(actor=actor, organization=organization, user_id=user.pk, role=role)
    if user.last_login is not None or Membership.objects.filter(user=user).exists():
        raise InvitationRequired(
            errors={"user_id": [_("This account already exists; invite the person instead.")]}
        )
    return _activate(
        None,
        user=user,
        organization=organization,
        role=role,
        actor=actor,
        request=request,
        metadata={"via": via, "new_account": True},
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
    if role in ADMIN_ROLES or role not in ROLES_BY_KIND.get(organization.kind, frozenset()):
        raise _role_not_allowed()
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
def membership_release(
    *,
    user: User,
    organization: Organization,
    role: str,
    released_by: Any,
    via: str,
    request: HttpRequest | None = None,
) -> Membership | None:
    """The counterpart of `membership_admit`: deactivate `user`'s `role` in `organization`
    through a flow its module has already authorized (e.g. a field-service manager marking
    a master as fired). The row is kept; `membership_admit` reinstates it. Idempotent
    (None when there is no such membership). Never used for administrative roles.
    """
    if role in ADMIN_ROLES:
        raise _role_not_allowed()
    membership = _locked_membership(user=user, organization=organization, role=role)
    if membership is None or membership.revoked_at is not None:
        return membership
    before = _membership_state(membership)
    membership.is_active = False
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["is_active", "revoked_at", "updated_at"])
    audit.record(
        actor=released_by,
        action="access.membership_revoked",
        target=membership,
        organization=organization,
        request=request,
        before=before,
        after=_membership_state(membership),
        metadata={"via": via, "member_id": str(user.pk)},
    )
    return membership


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

    Raises MembershipRevoked for a revoked membership (grant it again instead), and what
    a grant of the role would raise (RoleNotAllowed, SelfGrantForbidden); the pending
    request is the member's consent, so no invitation is needed.
    """
    _ensure_may_activate(
        actor=actor,
        organization=membership.organization,
        user_id=membership.user_id,
        role=membership.role,
    )
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


def _ensure_not_last_admin(membership: Membership) -> None:
    """Refuse to revoke the last active admin membership held by an active user.

    The organization's active admin rows are locked in pk order first, so two admins revoking
    each other at once cannot both succeed. Caller holds a transaction.
    """
    admins = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(
            organization_id=membership.organization_id,
            role__in=list(ADMIN_ROLES),
            is_active=True,
        )
        .order_by("pk")
        .values_list("pk", "user__status")
    )
    if not any(status == UserStatus.ACTIVE for pk, status in admins if pk != membership.pk):
        raise LastAdmin()


@transaction.atomic
def membership_revoke(
    *, actor: Any, membership: Membership, request: HttpRequest | None = None
) -> Membership:
    """Deactivate a membership; a pending request is thereby refused. Idempotent.

    The row is kept, so the audit trail and `approved_at` history stay meaningful. Raises
    LastAdmin for the organization's last active administrator (by anyone, platform admins
    included: grant another admin first, or deactivate the organization).
    """
    _ensure_may_grant(actor=actor, organization=membership.organization, role=membership.role)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.revoked_at is not None:
        return membership
    if membership.is_active and membership.role in ADMIN_ROLES:
        _ensure_not_last_admin(membership)
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


@transaction.atomic
def organization_ensure(*, slug: str, kind: str, name: str, via: str) -> Organization:
    """Return the organization `slug`, creating it (active, of `kind`) if it does not exist.

    For organizations the deployment itself needs (e.g. the default SOS service that
    self-registered users join), created on first use by the module that needs it: no actor,
    the audit names `via`. An existing organization is returned as it is, whatever its kind
    or state; the caller checks both.
    """
    organization, created = Organization.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": kind}
    )
    if created:
        audit.record(
            actor=None,
            action="access.organization_created",
            target=organization,
            organization=organization,
            after=_organization_state(organization),
            metadata={"via": via},
        )
    return organization


def organization_lock(*, organization_id: Any) -> None:
    """Lock the organization's row until the end of the caller's transaction (SELECT … FOR
    UPDATE): the way a module serialises per-organization work, such as numbering the calls
    of an ambulance station one after another."""
    Organization.objects.select_for_update().filter(pk=organization_id).values_list("pk").first()
