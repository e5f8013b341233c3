"""Teams: three crew members on a serviceable car, shifts, position, dissolution."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.access.enums import Role
from lifeline.access.selectors import member_user_ids
from lifeline.ambulance import events
from lifeline.ambulance.enums import IN_PROGRESS_STATUSES
from lifeline.ambulance.exceptions import TeamCompositionInvalid, TeamHasCallInProgress
from lifeline.ambulance.models import Call, Car, Team, TeamMember
from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.realtime.events import publish_on_commit

if TYPE_CHECKING:
    from lifeline.access.models import Organization

TEAM_SIZE = 3


def _check_members(organization: Organization, member_ids: Sequence[Any], lead_id: Any) -> None:
    ids = [str(m) for m in member_ids]
    if len(ids) != TEAM_SIZE or len(set(ids)) != TEAM_SIZE:
        raise TeamCompositionInvalid(
            errors={"members": [_("A team has exactly three different crew members.")]}
        )
    crew = {
        str(u)
        for u in member_user_ids(organization_id=organization.pk, roles=[Role.CREW]).filter(
            user_id__in=ids
        )
    }
    if crew != set(ids):
        raise TeamCompositionInvalid(
            errors={"members": [_("Every member must be active crew of this station.")]}
        )
    if TeamMember.objects.filter(user_id__in=ids, is_active=True).exists():
        raise TeamCompositionInvalid(
            errors={"members": [_("A crew member is already in another active team.")]}
        )
    if str(lead_id) not in set(ids):
        raise TeamCompositionInvalid(errors={"lead": [_("The senior must be one of the three.")]})


def _check_car(organization: Organization, car: Car) -> None:
    if car.organization_id != organization.pk or car.deleted_at is not None:
        raise TeamCompositionInvalid(errors={"car": [_("Choose a car of this station.")]})
    if not car.is_serviceable:
        raise TeamCompositionInvalid(errors={"car": [_("The car is out of service.")]})
    if Team.objects.filter(car=car, dissolved_at__isnull=True).exists():
        raise TeamCompositionInvalid(errors={"car": [_("The car is in another active team.")]})


@transaction.atomic
def team_create(
    *,
    actor: Any,
    organization: Organization,
    name: str,
    car: Car,
    member_ids: Sequence[Any],
    lead_id: Any,
    on_shift: bool = False,
) -> Team:
    """Create a team. Validation errors name the field; nothing is stored on refusal."""
    name = name.strip()[:100]
    if not name:
        raise InvalidInput(errors={"name": [_("Give the team a name.")]})
    car = Car.objects.select_for_update().get(pk=car.pk)
    _check_car(organization, car)
    _check_members(organization, member_ids, lead_id)
    try:
        with transaction.atomic():
            team = Team.objects.create(
                organization=organization, name=name, car=car, lead_id=lead_id, on_shift=on_shift
            )
            TeamMember.objects.bulk_create(
                [TeamMember(team=team, user_id=member_id) for member_id in member_ids]
            )
    except IntegrityError as exc:  # a concurrent team took a member or the car
        raise TeamCompositionInvalid(
            errors={"members": [_("A crew member or the car was just taken by another team.")]}
        ) from exc
    record(
        actor=actor,
        action="ambulance.team_created",
        target=team,
        after={"car": str(car.pk), "members": [str(m) for m in member_ids], "lead": str(lead_id)},
    )
    publish_on_commit(
        events.team_event(events.TEAM_UPDATED, team), groups=[events.station_group(organization.pk)]
    )
    return team


def _has_call_in_progress(team: Team) -> bool:
    return Call.objects.filter(team=team, status__in=IN_PROGRESS_STATUSES).exists()


@transaction.atomic
def team_set_shift(*, actor: Any, team: Team, on_shift: bool) -> Team:
    """Put a team on or off shift; off shift is refused while it has a call in progress."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.dissolved_at is not None:
        raise TeamCompositionInvalid(errors={"team": [_("The team is dissolved.")]})
    if not on_shift and _has_call_in_progress(team):
        raise TeamHasCallInProgress()
    if team.on_shift == on_shift:
        return team
    team.on_shift = on_shift
    team.save(update_fields=["on_shift", "updated_at"])
    record(
        actor=actor,
        action="ambulance.team_shift_changed",
        target=team,
        after={"on_shift": on_shift},
    )
    event_type = events.TEAM_FREED if on_shift else events.TEAM_UPDATED
    publish_on_commit(
        events.team_event(event_type, team), groups=[events.station_group(team.organization_id)]
    )
    return team


@transaction.atomic
def team_dissolve(*, actor: Any, team: Team) -> Team:
    """Dissolve a team (its members and car become free); refused with a call in progress."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.dissolved_at is not None:
        return team
    if _has_call_in_progress(team):
        raise TeamHasCallInProgress()
    team.dissolved_at = timezone.now()
    team.on_shift = False
    team.save(update_fields=["dissolved_at", "on_shift", "updated_at"])
    TeamMember.objects.filter(team=team).update(is_active=False, updated_at=timezone.now())
    record(actor=actor, action="ambulance.team_dissolved", target=team)
    publish_on_commit(
        events.team_event(events.TEAM_UPDATED, team),
        groups=[events.station_group(team.organization_id)],
    )
    return team


def team_update_position(
    *, actor: Any, team: Team, lat: float, lon: float, recorded_at: datetime | None = None
) -> Team:
    """Store the team's latest position (from the crew's phone) and tell the station.

    `recorded_at`: the phone's time of the fix (now if not given). A fix older than the one
    stored (a delayed report of another phone of the crew) changes nothing."""
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        raise InvalidInput(errors={"lat": [_("Coordinates are out of range.")]})
    now = timezone.now()
    at = min(recorded_at, now) if recorded_at is not None else now
    updated = (
        Team.objects.filter(pk=team.pk)
        .filter(Q(position_at__isnull=True) | Q(position_at__lte=at))
        .update(lat=lat, lon=lon, position_at=at, updated_at=now)
    )
    if not updated:
        return team
    team.lat, team.lon, team.position_at = lat, lon, at
    publish_on_commit(
        events.team_event(events.TEAM_MOVED, team),
        groups=[events.station_group(team.organization_id), events.team_group(team.pk)],
    )
    return team
