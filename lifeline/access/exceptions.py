"""Refusals raised by the access services (stable codes, see docs/architecture.md)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from lifeline.core.exceptions import Conflict, DomainError, InvalidInput


class AccessForbidden(DomainError):
    code = "access.forbidden"
    title = gettext_noop("You may not perform this operation")
    http_status = 403


class MembershipExists(Conflict):
    code = "access.membership_exists"
    title = gettext_noop("This user already holds this role in this organization")


class MembershipRevoked(Conflict):
    code = "access.membership_revoked"
    title = gettext_noop("This membership was revoked; grant it again instead")


class RoleNotAllowed(InvalidInput):
    code = "access.role_not_allowed"
    title = gettext_noop("This role cannot be granted in this organization")


class InvitationRequired(InvalidInput):
    """The person is not (and never asked to be) a member of this organization.

    Answered alike for an unknown user id, so a user id never reveals whether it exists.
    """

    code = "access.invitation_required"
    title = gettext_noop(
        "Only members of this organization can be given a role; others join by invitation"
    )


class LastAdmin(Conflict):
    code = "access.last_admin"
    title = gettext_noop("The last administrator of an organization cannot be removed")


class SelfGrantForbidden(AccessForbidden):
    code = "access.self_grant_forbidden"
    title = gettext_noop("You may not grant or approve a role for yourself")
