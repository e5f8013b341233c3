"""Reads of ambulance data, scoped by the actor: outside their station (or team) is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from lifeline.access.enums import Role
from lifeline.access.selectors import membership_list_for, memberships_of
from lifeline.accounts.enums import UserStatus
from lifeline.accounts.models import User
from lifeline.ambulance import conf, geo
from lifeline.ambulance.enums import IN_PROGRESS_STATUSES, OPEN_STATUSES, CallStatus
from lifeline.ambulance.integrations import osrm
from lifeline.ambulance.models import Call, Car, ServiceArea, SosLink, Team, TeamMember
from lifeline.ambulance.permissions import CALL_READERS, FLEET_READERS, stations_of
from lifeline.core.exceptions import NotFound
from lifeline.core.selectors import get_or_not_found


def _crew_team_ids(actor: Any) -> QuerySet[Any, Any]:
    """Ids of the active teams `actor` is a crew member of (a subquery)."""
    crew_stations = stations_of(actor, (Role.CREW,))
    return TeamMember.objects.filter(
        user_id=actor.pk, is_active=True, team__organization__in=crew_stations
    ).values("team_id")


def _members_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "members",
        queryset=TeamMember.objects.filter(is_active=True).select_related("user").order_by("id"),
        to_attr="active_members",
    )


QUEUE_ORDER = ("criticality_rank", "-requeued", "received_at", "id")


# --- staff (station administrators) -------------------------------------------------------
STAFF_ROLES = (Role.DISPATCHER, Role.CREW, Role.AMBULANCE_ADMIN)


@dataclass
class StaffMember:
    """A person of a station: their account, active roles here and active team."""

    user: User
    station: Any
    roles: list[str]
    team: Team | None = None

    @property
    def is_active(self) -> bool:
        return bool(self.roles) and self.user.status == UserStatus.ACTIVE

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles]


def _staff_of(*, actor: Any, station: Any, user_id: Any = None) -> list[StaffMember]:
    """The station's people (every membership state) with their active team: 2 queries."""
    memberships = membership_list_for(actor=actor, organization=station).filter(
        role__in=list(STAFF_ROLES)
    )
    if user_id is not None:
        memberships = memberships.filter(user_id=user_id)
    people: dict[Any, StaffMember] = {}
    for membership in memberships:
        person = people.setdefault(
            membership.user_id, StaffMember(user=membership.user, station=station, roles=[])
        )
        if membership.is_active:
            person.roles.append(membership.role)
    if people:
        for member in TeamMember.objects.filter(
            user_id__in=list(people), is_active=True, team__organization_id=station.pk
        ).select_related("team"):
            people[member.user_id].team = member.team
    for person in people.values():
        person.roles.sort(key=[str(r) for r in STAFF_ROLES].index)
    return sorted(
        people.values(),
        key=lambda p: (
            not p.is_active,
            p.user.last_name.casefold(),
            p.user.first_name.casefold(),
            p.user.display_name.casefold(),
        ),
    )


def staff_list_for(*, actor: Any, station: Any) -> list[StaffMember]:
    """People of `station`, active first, by surname; the caller checked `actor` is its
    administrator (`permissions.can_manage_staff`)."""
    return _staff_of(actor=actor, station=station)


def staff_get_for(*, actor: Any, user_id: UUID | str) -> StaffMember:
    """One person of a station `actor` administers; anyone else's is NotFound."""
    for station in stations_of(actor, (Role.AMBULANCE_ADMIN,)).order_by("name"):
        found = _staff_of(actor=actor, station=station, user_id=user_id)
        if found:
            return found[0]
    raise NotFound()


def staff_active_elsewhere(*, user: Any, station: Any) -> bool:
    """Whether `user` holds an active role in any organization but `station`."""
    return memberships_of(user=user).exclude(organization_id=station.pk).exists()


def staff_active_roles(*, actor: Any, station: Any, user: Any) -> list[Any]:
    """The person's active memberships at `station` (for a role change or deactivation)."""
    return list(
        membership_list_for(actor=actor, organization=station).filter(
            user_id=user.pk, is_active=True, role__in=list(STAFF_ROLES)
        )
    )


def staff_teams(*, user: Any, station: Any) -> list[Team]:
    """The person's active teams at `station`."""
    return list(
        Team.objects.filter(
            organization_id=station.pk,
            dissolved_at__isnull=True,
            members__user_id=user.pk,
            members__is_active=True,
        ).distinct()
    )


def team_has_call_in_progress(*, team: Team) -> Call | None:
    return Call.objects.filter(team=team, status__in=IN_PROGRESS_STATUSES).first()


# --- calls --------------------------------------------------------------------------------
def call_list_for(*, actor: Any, status: str | None = None) -> QuerySet[Call]:
    """Calls `actor` may see: the station's for dispatchers and admins, the own team's for
    crew members. Queue order: criticality, crew-returned first, then oldest first."""
    if not getattr(actor, "is_authenticated", False):
        return Call.objects.none()
    calls = Call.objects.filter(
        Q(organization__in=stations_of(actor, CALL_READERS)) | Q(team_id__in=_crew_team_ids(actor))
    )
    if status:
        calls = calls.filter(status=status)
    return calls.select_related("team", "team__car").order_by(*QUEUE_ORDER)


def call_queue_for(*, actor: Any) -> QuerySet[Call]:
    """NEW calls of the actor's stations, in queue order (dispatchers and admins)."""
    return (
        Call.objects.filter(
            organization__in=stations_of(actor, CALL_READERS), status=CallStatus.NEW
        )
        .select_related("team")
        .order_by(*QUEUE_ORDER)
    )


def call_active_for(*, actor: Any) -> QuerySet[Call]:
    """Calls of the actor's stations with a team working on them."""
    return (
        Call.objects.filter(
            organization__in=stations_of(actor, CALL_READERS), status__in=IN_PROGRESS_STATUSES
        )
        .select_related("team", "team__car")
        .order_by("assigned_at", "id")
    )


def call_get_for(*, actor: Any, call_id: UUID | str) -> Call:
    return get_or_not_found(
        call_list_for(actor=actor).select_related("organization", "team__car"), pk=call_id
    )


def call_current_for_crew(*, actor: Any) -> Call | None:
    """The call the actor's team is working on, if any."""
    return (
        Call.objects.filter(team_id__in=_crew_team_ids(actor), status__in=IN_PROGRESS_STATUSES)
        .select_related("team", "team__car")
        .order_by("assigned_at")
        .first()
    )


def call_possible_duplicates(*, call: Call) -> list[Call]:
    """Open calls of the same station with the same phone or within the duplicate distance,
    received in the duplicate window before this one."""
    since = call.received_at - timedelta(minutes=conf.get("DUPLICATE_WINDOW_MINUTES"))
    candidates = Call.objects.filter(
        organization_id=call.organization_id,
        status__in=OPEN_STATUSES,
        received_at__gte=since,
        received_at__lte=call.received_at,
    ).exclude(pk=call.pk)
    limit = conf.get("DUPLICATE_DISTANCE_M")
    # A bounding box in SQL (1 degree of latitude ~ 111 km), the exact distance in Python.
    delta = limit / 111_000 * 2
    near = Q(lat__range=(call.lat - delta, call.lat + delta)) & Q(
        lon__range=(call.lon - delta * 4, call.lon + delta * 4)
    )
    same_phone = Q(caller_phone=call.caller_phone) if call.caller_phone else Q(pk__in=[])
    found = []
    for other in candidates.filter(near | same_phone).order_by("received_at")[:20]:
        close = geo.distance_m(call.lat, call.lon, other.lat, other.lon) <= limit
        if close or (call.caller_phone and other.caller_phone == call.caller_phone):
            found.append(other)
    return found


# --- teams --------------------------------------------------------------------------------
def _busy() -> Exists:
    return Exists(Call.objects.filter(team_id=OuterRef("pk"), status__in=IN_PROGRESS_STATUSES))


def team_list_for(*, actor: Any) -> QuerySet[Team]:
    """Active teams: the station's for dispatchers and admins, the own team for crew."""
    if not getattr(actor, "is_authenticated", False):
        return Team.objects.none()
    return (
        Team.objects.filter(dissolved_at__isnull=True)
        .filter(
            Q(organization__in=stations_of(actor, FLEET_READERS)) | Q(pk__in=_crew_team_ids(actor))
        )
        .annotate(is_busy=_busy())
        .select_related("car", "lead")
        .prefetch_related(_members_prefetch())
        .order_by("name", "id")
    )


def team_get_for(*, actor: Any, team_id: UUID | str) -> Team:
    return get_or_not_found(team_list_for(actor=actor), pk=team_id)


# What the console's team list and map read of a team (no members, no lead: 500 teams would
# load 1,500 members and their accounts for nothing).
_BOARD_FIELDS = (
    "id",
    "organization_id",
    "name",
    "on_shift",
    "lat",
    "lon",
    "position_at",
    "car_id",
    "car__plate",
    "car__is_serviceable",
)


def team_board_for(*, actor: Any) -> QuerySet[Team]:
    """`team_list_for` for the dispatcher console: busy flag and car, nothing else."""
    return (
        team_list_for(actor=actor)
        .prefetch_related(None)
        .select_related(None)
        .select_related("car")
        .only(*_BOARD_FIELDS)
    )


_POSITION_FIELDS = ("id", "organization_id", "name", "on_shift", "lat", "lon", "position_at")


def team_brief_get_for(*, actor: Any, team_id: UUID | str) -> Team:
    """One team in the actor's scope (404 outside it) without members: a position report
    needs only its id, station, name and shift."""
    return get_or_not_found(
        team_list_for(actor=actor)
        .prefetch_related(None)
        .select_related(None)
        .only(*_POSITION_FIELDS),
        pk=team_id,
    )


def team_reporting_position(*, actor: Any, team_id: UUID | str) -> Team | None:
    """The active team `team_id` if `actor` is one of its crew (the one who reports its
    position), else None: one plain query for the most frequent request of the module
    (every crew phone every few seconds). Building `team_list_for`'s scope for it was 60 %
    of a position report's CPU (cProfile)."""
    return (
        Team.objects.filter(pk=team_id, dissolved_at__isnull=True, pk__in=_crew_team_ids(actor))
        .only(*_POSITION_FIELDS)
        .first()
    )


def team_current_for_crew(*, actor: Any) -> Team | None:
    return team_list_for(actor=actor).filter(pk__in=_crew_team_ids(actor)).first()


def team_free_list(*, organization_id: Any) -> QuerySet[Team]:
    """Teams that can take a call: active, on shift, serviceable car, no call in progress."""
    return (
        Team.objects.filter(
            organization_id=organization_id,
            dissolved_at__isnull=True,
            on_shift=True,
            car__is_serviceable=True,
            car__deleted_at__isnull=True,
        )
        .annotate(is_busy=_busy())
        .filter(is_busy=False)
        .select_related("car", "lead")
        .order_by("name", "id")
    )


ROAD = "road"
GREAT_CIRCLE = "great_circle"


@dataclass(frozen=True)
class SuggestedTeam:
    """What a suggestion shows of a free team: read-only values, not a model instance
    (building 500 Team and Car instances was three quarters of a suggestion's time)."""

    id: UUID
    name: str
    car_plate: str
    lat: float | None
    lon: float | None

    @property
    def pk(self) -> UUID:
        return self.id


@dataclass(frozen=True)
class Suggestion:
    team: SuggestedTeam
    distance_m: int | None
    eta_seconds: int | None
    # "road" (OSRM table) or "great_circle" (straight distance at ETA_SPEED_KMH); "" unknown.
    eta_source: str = ""

    @property
    def eta_minutes(self) -> int | None:
        return None if self.eta_seconds is None else -(-self.eta_seconds // 60)


def call_suggestions(*, call: Call) -> list[Suggestion]:
    """Free teams of the call's station ranked by ETA (unknown position last).

    Great-circle at `ETA_SPEED_KMH` for every team with a position. With `OSRM_URL` set, the
    `ROAD_ETA_CANDIDATES` nearest of them get road ETAs from one OSRM `table` request and
    rank first (by road ETA); the rest follow by great-circle. If OSRM fails (timeout, error,
    bad answer), every team keeps its great-circle ETA: logged, never an error.
    """
    speed = conf.get("ETA_SPEED_KMH")
    located: list[Suggestion] = []
    unknown: list[Suggestion] = []
    rows = team_free_list(organization_id=call.organization_id).values_list(
        "id", "name", "car__plate", "lat", "lon"
    )
    for team_id, name, plate, lat, lon in rows:
        team = SuggestedTeam(id=team_id, name=name, car_plate=plate, lat=lat, lon=lon)
        if lat is None or lon is None:
            unknown.append(Suggestion(team=team, distance_m=None, eta_seconds=None))
            continue
        distance = geo.distance_m(lat, lon, call.lat, call.lon)
        located.append(
            Suggestion(
                team=team,
                distance_m=round(distance),
                eta_seconds=geo.eta_seconds(distance, speed),
                eta_source=GREAT_CIRCLE,
            )
        )
    located.sort(key=lambda s: (s.eta_seconds or 0, s.team.name))
    router = osrm.client()
    if router is not None and located:
        nearest = located[: max(1, int(conf.get("ROAD_ETA_CANDIDATES")))]
        try:
            legs = router.table_to(
                sources=[(s.team.lat, s.team.lon) for s in nearest],  # type: ignore[misc]
                destination=(call.lat, call.lon),
            )
        except osrm.RoutingUnavailable:
            legs = []
        if legs:
            road = []
            for suggestion, leg in zip(nearest, legs, strict=True):
                if leg is None:  # no road route found: keep the straight estimate
                    road.append(suggestion)
                    continue
                road.append(
                    Suggestion(
                        team=suggestion.team,
                        distance_m=round(leg.distance_m)
                        if leg.distance_m >= 0
                        else suggestion.distance_m,
                        eta_seconds=round(leg.duration_seconds),
                        eta_source=ROAD,
                    )
                )
            road.sort(key=lambda s: (s.eta_source != ROAD, s.eta_seconds or 0, s.team.name))
            located = road + located[len(nearest) :]
    unknown.sort(key=lambda s: s.team.name)
    return located + unknown


@dataclass(frozen=True)
class RouteLine:
    """The line from a team to its call for the crew map: OSRM's road route, or a straight
    line (`source` "straight") without OSRM or when it fails."""

    points: list[tuple[float, float]]
    source: str
    distance_m: int
    duration_seconds: int | None

    @property
    def distance_km(self) -> float:
        return self.distance_m / 1000

    @property
    def duration_minutes(self) -> int | None:
        return None if self.duration_seconds is None else -(-self.duration_seconds // 60)


def team_route_to_call(*, team: Team, call: Call) -> RouteLine | None:
    if team.lat is None or team.lon is None:
        return None
    router = osrm.client()
    if router is not None:
        try:
            route = router.route(start=(team.lat, team.lon), end=(call.lat, call.lon))
        except osrm.RoutingUnavailable:
            pass
        else:
            return RouteLine(
                points=route.line,
                source=ROAD,
                distance_m=round(route.distance_m),
                duration_seconds=round(route.duration_seconds),
            )
    return RouteLine(
        points=[(team.lat, team.lon), (call.lat, call.lon)],
        source="straight",
        distance_m=round(geo.distance_m(team.lat, team.lon, call.lat, call.lon)),
        duration_seconds=None,
    )


# --- cars ---------------------------------------------------------------------------------
def car_list_for(*, actor: Any) -> QuerySet[Car]:
    if not getattr(actor, "is_authenticated", False):
        return Car.objects.none()
    active_team = Team.objects.filter(car_id=OuterRef("pk"), dissolved_at__isnull=True)
    return (
        Car.objects.filter(
            organization__in=stations_of(actor, FLEET_READERS), deleted_at__isnull=True
        )
        .annotate(in_team=Exists(active_team))
        .order_by("plate", "id")
    )


def car_get_for(*, actor: Any, car_id: UUID | str) -> Car:
    return get_or_not_found(car_list_for(actor=actor), pk=car_id)


def crew_candidates(*, organization_id: Any) -> QuerySet[Any]:
    """Crew members of the station who are in no active team (for the team form)."""
    busy = TeamMember.objects.filter(user_id=OuterRef("pk"), is_active=True)
    return (
        User.objects.filter(
            memberships__organization_id=organization_id,
            memberships__role=Role.CREW,
            memberships__is_active=True,
            status=UserStatus.ACTIVE,
        )
        .exclude(Exists(busy))
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


def service_area_of(*, station_id: Any) -> ServiceArea | None:
    """The station's service area, or None (intake from any valid point)."""
    return ServiceArea.objects.filter(station_id=station_id).first()


def station_for_sos_service(*, sos_service_id: Any) -> Any:
    """The ambulance station linked to an SOS service, or None."""
    link = SosLink.objects.filter(sos_service_id=sos_service_id).select_related("station").first()
    return link.station if link else None


def team_of_station(*, station_id: Any, team_id: Any) -> Team:
    """A team of the station, dissolved ones included (reports cover history)."""
    return get_or_not_found(Team.objects.filter(organization_id=station_id), pk=team_id)
