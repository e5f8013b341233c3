"""Who may do what in ambulance dispatch. Asks `access.selectors` only.

Dispatchers run calls; station administrators run the fleet and teams and may read calls;
crew members act only on their own team's call. Nobody acts outside their station.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from lifeline.access.enums import Role
from lifeline.access.selectors import organization_list, organizations_of, roles_of

if TYPE_CHECKING:
    from lifeline.access.models import Organization

CALL_READERS = (Role.DISPATCHER, Role.AMBULANCE_ADMIN)
FLEET_READERS = (Role.DISPATCHER, Role.AMBULANCE_ADMIN)


def stations_of(user: Any, roles: tuple[str, ...]) -> QuerySet[Organization]:
    """The stations where `user` holds any of `roles` (none for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return organization_list().none()
    return organizations_of(user=user, roles=roles)


def _has_role(user: Any, organization_id: Any, roles: tuple[str, ...]) -> bool:
    return stations_of(user, roles).filter(pk=organization_id).exists()


def is_dispatcher(user: Any, organization_id: Any) -> bool:
    return _has_role(user, organization_id, (Role.DISPATCHER,))


def is_station_admin(user: Any, organization_id: Any) -> bool:
    return _has_role(user, organization_id, (Role.AMBULANCE_ADMIN,))


def can_create_call(user: Any, organization: Organization) -> bool:
    return is_dispatcher(user, organization.pk)


def can_dispatch_call(user: Any, call: Any) -> bool:
    """Assign, reject, cancel: a dispatcher of the call's station."""
    return is_dispatcher(user, call.organization_id)


def can_advance_call(user: Any, call: Any) -> bool:
    """Move the call forward or report trouble: an active member of the assigned team."""
    if call.team_id is None or not getattr(user, "is_authenticated", False):
        return False
    return call.team.members.filter(user_id=user.pk, is_active=True).exists() and bool(
        roles_of(user=user, organization=call.organization) & {Role.CREW}
    )


def can_manage_fleet(user: Any, organization: Organization) -> bool:
    """Cars and teams: the station's administrators."""
    return is_station_admin(user, organization.pk)


def can_update_team_position(user: Any, team: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return team.members.filter(user_id=user.pk, is_active=True).exists()


def can_manage_staff(user: Any, organization: Organization) -> bool:
    """The station's people (accounts, roles, deactivation): its administrators."""
    return is_station_admin(user, organization.pk)
