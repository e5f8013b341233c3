"""Refusals raised by the access services (stable codes, see docs/architecture.md)."""

from __future__ import annotations

from lifeline.core.exceptions import Conflict, DomainError, InvalidInput


class AccessForbidden(DomainError):
    code = "access.forbidden"
    title = "You may not perform this operation"
    http_status = 403


class MembershipExists(Conflict):
    code = "access.membership_exists"
    title = "This user already holds this role in this organization"


class MembershipRevoked(Conflict):
    code = "access.membership_revoked"
    title = "This membership was revoked; grant it again instead"


class RoleNotAllowed(InvalidInput):
    code = "access.role_not_allowed"
    title = "This role cannot be granted in this organization"
