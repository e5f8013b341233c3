"""`can_*` predicates of the sos module, shared by the API, the pages and the consumer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lifeline.access.enums import Role
from lifeline.access.permissions import is_platform_admin, memberships_of
from lifeline.sos.models import SosEvent

if TYPE_CHECKING:
    from lifeline.access.models import Organization


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def sos_admin_organization_ids(user: Any) -> list[Any]:
    """Organizations in which `user` is an SOS administrator."""
    if not _authenticated(user):
        return []
    return list(
        memberships_of(user=user)
        .filter(role=Role.SOS_ADMIN)
        .values_list("organization_id", flat=True)
    )


def is_sos_admin(user: Any, organization: Organization | None = None) -> bool:
    if not _authenticated(user):
        return False
    if is_platform_admin(user):
        return True
    qs = memberships_of(user=user).filter(role=Role.SOS_ADMIN)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.exists()


def is_helper(user: Any) -> bool:
    if not _authenticated(user):
        return False
    return memberships_of(user=user).filter(role=Role.HELPER).exists()


def can_admin_event(user: Any, event: SosEvent) -> bool:
    """Resolve, escalate, see everything of `event`: its organization's SOS admins."""
    if not _authenticated(user):
        return False
    if is_platform_admin(user):
        return True
    if event.organization_id is None:
        return False
    return (
        memberships_of(user=user)
        .filter(role=Role.SOS_ADMIN, organization_id=event.organization_id)
        .exists()
    )


def can_respond_to_event(user: Any, event: SosEvent) -> bool:
    """Accept/decline: a helper alerted about `event`, or its admins; never the wearer."""
    if not _authenticated(user) or event.user_id == user.pk:
        return False
    return event.alerts.filter(helper=user).exists() or can_admin_event(user, event)
