"""Reads of the sos module, scoped by the actor (`<noun>_get_for` raises NotFound outside the
scope, `<noun>_list_for` returns only what the actor may see), plus the unscoped reads the
services and tasks need (settings, the nearest-helper search, notification relevance)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.permissions import is_platform_admin
from lifeline.access.selectors import memberships_of, user_ids_with_role
from lifeline.core.selectors import get_or_not_found
from lifeline.sos import conf, geo, nearest
from lifeline.sos.enums import DISPATCH_KINDS, OPEN_STATUSES, EventStatus
from lifeline.sos.models import (
    Device,
    EmergencyContact,
    HelperAlert,
    HelperProfile,
    OrganizationSosSettings,
    SosEvent,
    TimelineEntry,
    WearerProfile,
)
from lifeline.sos.permissions import sos_admin_organization_ids

if TYPE_CHECKING:
    from lifeline.access.models import Organization
    from lifeline.accounts.models import User

_EVENT_RELATED = ("user", "device", "accepted_by", "resolved_by", "organization")


# --- devices ------------------------------------------------------------------------------
def device_list_for(*, actor: Any) -> QuerySet[Device]:
    """Devices the actor owns, and (SOS admins) the devices of their organizations."""
    if not getattr(actor, "is_authenticated", False):
        return Device.objects.none()
    if is_platform_admin(actor):
        return Device.objects.all()
    scope = Q(owner=actor)
    admin_orgs = sos_admin_organization_ids(actor)
    if admin_orgs:
        scope |= Q(organization_id__in=admin_orgs)
    return Device.objects.filter(scope)


def device_get_for(*, actor: Any, device_uid: str) -> Device:
    return get_or_not_found(
        device_list_for(actor=actor).select_related("owner"), device_uid=device_uid
    )


def owned_device_list_for(*, actor: Any) -> QuerySet[Device]:
    """The devices the actor owns, oldest first (the wearer's page)."""
    if not getattr(actor, "is_authenticated", False):
        return Device.objects.none()
    return Device.objects.filter(owner=actor).order_by("created_at")


def owned_device_get_for(*, actor: Any, device_uid: str) -> Device:
    """A device the actor owns (SOS is triggered only by the owner or the device itself)."""
    if not getattr(actor, "is_authenticated", False):
        return get_or_not_found(Device.objects.none(), device_uid=device_uid)
    return get_or_not_found(
        Device.objects.filter(owner=actor).select_related("owner"), device_uid=device_uid
    )


def token_device_get_for(*, device: Device, device_uid: str) -> Device:
    """The device in a URL for a request authenticated by `device`'s token: only that device
    (another device's path is 404)."""
    qs = Device.objects.filter(pk=device.pk).select_related("owner")
    return get_or_not_found(qs, device_uid=device_uid)


def device_get_by_token(token: str) -> Device | None:
    """The device whose token this is (owner loaded), or None."""
    if not token or len(token) > 200:
        return None
    return (
        Device.objects.select_related("owner").filter(token_hash=Device.token_digest(token)).first()
    )


def map_device_list_for(*, actor: Any) -> QuerySet[Device]:
    """The devices with a known position that the actor may see (the live map; at most 500)."""
    return device_list_for(actor=actor).filter(last_lat__isnull=False)[:500]


# --- events -------------------------------------------------------------------------------
def event_list_for(*, actor: Any, active: bool = False) -> QuerySet[SosEvent]:
    """Events the actor may see: their own, those they were alerted about, their orgs' (admins).

    `active`: open events (not resolved or cancelled) of the last 24 hours (the seed's rule).
    """
    if not getattr(actor, "is_authenticated", False):
        return SosEvent.objects.none()
    events = SosEvent.objects.all()
    if not is_platform_admin(actor):
        scope = Q(user=actor) | Q(
            Exists(HelperAlert.objects.filter(event=OuterRef("pk"), helper=actor))
        )
        admin_orgs = sos_admin_organization_ids(actor)
        if admin_orgs:
            scope |= Q(organization_id__in=admin_orgs)
        events = events.filter(scope)
    if active:
        events = events.filter(
            status__in=OPEN_STATUSES, created_at__gte=timezone.now() - timedelta(hours=24)
        )
    return events.select_related(*_EVENT_RELATED)


def event_get_for(*, actor: Any, event_uid: Any) -> SosEvent:
    return get_or_not_found(event_list_for(actor=actor), pk=event_uid)


def own_open_event_list_for(*, actor: Any, limit: int = 5) -> QuerySet[SosEvent]:
    """The actor's own open SOS events (as the wearer), newest first."""
    return (
        event_list_for(actor=actor)
        .filter(user=actor, status__in=OPEN_STATUSES)
        .order_by("-created_at")[:limit]
    )


def map_event_list_for(*, actor: Any) -> QuerySet[SosEvent]:
    """Open events of the last 24 h that the actor may see (the live map; at most 200)."""
    return event_list_for(actor=actor, active=True).order_by("-created_at")[:200]


def timeline_list_for(*, event: SosEvent) -> QuerySet[Any]:
    """The timeline of an event already loaded through `event_get_for`."""
    return event.timeline.select_related("actor").order_by("at", "id")


def dispatch_timeline_list(*, event_id: Any) -> QuerySet[TimelineEntry]:
    """The timeline of an event handed to ambulance dispatch, for the dispatcher's call card.

    Unscoped by design: the caller is ambulance (through `flows`), which loaded the call of
    this event through its own scoped selector; no actors are read (no helpers' names)."""
    return TimelineEntry.objects.filter(event_id=event_id).order_by("at", "id")


def dispatch_status_of(*, events: list[SosEvent]) -> dict[Any, TimelineEntry]:
    """The latest ambulance step of each of `events` (already loaded by a scoped selector),
    by event id, in one query: the wearer's "My SOS" card says what the ambulance does."""
    latest: dict[Any, TimelineEntry] = {}
    entries = TimelineEntry.objects.filter(
        event__in=[e.pk for e in events], kind__in=DISPATCH_KINDS
    ).order_by("at", "id")
    for entry in entries:
        latest[entry.event_id] = entry
    return latest


# --- helper alerts and profiles ------------------------------------------------------------
def alert_list_for(*, actor: Any, open_only: bool = True) -> QuerySet[HelperAlert]:
    """The actor's own helper alerts, newest first (of open events with `open_only`)."""
    alerts = HelperAlert.objects.filter(helper=actor).select_related("event", "event__user")
    if open_only:
        alerts = alerts.filter(event__status__in=OPEN_STATUSES)
    return alerts.order_by("-created_at")


def alert_get_for(*, actor: Any, event: SosEvent) -> HelperAlert | None:
    """The actor's alert about an event already loaded through `event_get_for`, or None."""
    return HelperAlert.objects.filter(event=event, helper=actor).first()


def event_alert_list(*, event: SosEvent) -> QuerySet[HelperAlert]:
    """Every helper alert of an event, nearest first (for its admins: check `can_admin_event`)."""
    return event.alerts.select_related("helper").order_by("distance_m")


def helper_profile_get_for(*, actor: Any) -> HelperProfile | None:
    """The actor's own helper profile, or None before they first set it."""
    return HelperProfile.objects.filter(user=actor).first()


def map_helper_list_for(*, actor: Any) -> QuerySet[HelperProfile]:
    """Helpers on duty with a fresh location in the organizations the actor administers
    (the live map; at most 500)."""
    org_ids = sos_admin_organization_ids(actor)
    fresh = timezone.now() - timedelta(seconds=int(conf.get("HELPER_FRESH_SECONDS")))
    return HelperProfile.objects.filter(
        on_duty=True, opted_in=True, location_at__gte=fresh, lat__isnull=False,
        user__memberships__organization_id__in=org_ids, user__memberships__role=Role.HELPER,
    ).distinct()[:500]  # fmt: skip


# --- emergency contacts --------------------------------------------------------------------
def wearer_profile_get_for(*, actor: Any) -> WearerProfile | None:
    """The actor's own wearer profile, or None before they first save it (no one else's:
    the caller audits the read)."""
    return WearerProfile.objects.filter(user=actor).first()


def contact_list_for(*, actor: Any) -> QuerySet[EmergencyContact]:
    """The actor's own emergency contacts."""
    return EmergencyContact.objects.filter(owner=actor)


def contact_get_for(*, actor: Any, contact_id: Any) -> EmergencyContact:
    return get_or_not_found(contact_list_for(actor=actor), pk=contact_id)


# --- people (for the services) -------------------------------------------------------------
def sos_service_id_of(*, user: User) -> Any:
    """The id of the first (oldest) active SOS-service organization `user` belongs to, or None."""
    membership = (
        memberships_of(user=user)
        .filter(organization__kind=OrganizationKind.SOS_SERVICE)
        .order_by("created_at")
        .first()
    )
    return membership.organization_id if membership else None


def sos_admin_list_of(*, organization_id: Any) -> list[Any]:
    """The active SOS admins of an organization (none without one)."""
    if not organization_id:
        return []
    return list(
        get_user_model()
        .objects.filter(
            memberships__organization_id=organization_id,
            memberships__role=Role.SOS_ADMIN,
            memberships__is_active=True,
        )
        .distinct()
    )


def user_map(*, user_ids: list[Any]) -> dict[Any, Any]:
    """Users by id (one query)."""
    return get_user_model().objects.in_bulk(user_ids)


# --- settings -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SosSettings:
    radius_steps_m: list[int]
    helper_cap: int
    min_helpers_k: int
    accept_wait_seconds: int
    escalation_seconds: int
    helper_cooldown_seconds: int


def settings_for(organization: Organization | None) -> SosSettings:
    row = None
    if organization is not None:
        row = OrganizationSosSettings.objects.filter(organization=organization).first()
    if row is None:
        return SosSettings(
            radius_steps_m=[int(r) for r in conf.get("RADIUS_STEPS_M")],
            helper_cap=int(conf.get("HELPER_CAP")),
            min_helpers_k=int(conf.get("MIN_HELPERS_K")),
            accept_wait_seconds=int(conf.get("ACCEPT_WAIT_SECONDS")),
            escalation_seconds=int(conf.get("ESCALATION_SECONDS")),
            helper_cooldown_seconds=int(conf.get("HELPER_COOLDOWN_SECONDS")),
        )
    return SosSettings(
        radius_steps_m=[int(r) for r in row.radius_steps_m] or [int(conf.get("RADIUS_M"))],
        helper_cap=row.helper_cap,
        min_helpers_k=row.min_helpers_k,
        accept_wait_seconds=row.accept_wait_seconds,
        escalation_seconds=row.escalation_seconds,
        helper_cooldown_seconds=row.helper_cooldown_seconds,
    )


# --- nearest helpers ----------------------------------------------------------------------
@dataclass(frozen=True)
class NearbyHelper:
    user_id: Any
    distance_m: float


def nearest_helpers(
    *,
    lat: float,
    lon: float,
    radius_m: float,
    limit: int,
    exclude_user_ids: set[Any] | frozenset[Any] = frozenset(),
    organization_id: Any = None,
    now: datetime | None = None,
    cooldown_seconds: int = 0,
    check_role: bool = True,
) -> list[NearbyHelper]:
    """Available helpers within `radius_m` of (lat, lon), nearest first, at most `limit`.

    Available: opted in, on duty, location fresher than HELPER_FRESH_SECONDS, not alerted in
    the last `cooldown_seconds`, holding the helper role in an active organization (in
    `organization_id` when given), not in `exclude_user_ids`. One row per person
    (HelperProfile is one-to-one with the user); ties in distance are ordered by user id.

    Every helper inside the bounding box of the circle is read (grid cells on the partial
    `(grid_cell, location_at)` index, or the `(lat, lon)` index when the box covers too many
    cells), then ranked by exact haversine in Python: nothing inside the radius can be missed,
    because nothing is cut in SQL before the exact distance is known. On PostgreSQL and
    SQLite this is one raw statement built once per process (`nearest.py`); other backends
    use the ORM (`_nearest_orm`), same semantics.
    """
    now = now or timezone.now()
    box = geo.bounding_box(lat, lon, radius_m)
    fresh_since = now - timedelta(seconds=int(conf.get("HELPER_FRESH_SECONDS")))
    cooled_before = now - timedelta(seconds=cooldown_seconds) if cooldown_seconds else None
    rows = nearest.candidates(
        box=box,
        fresh_since=fresh_since,
        cooled_before=cooled_before,
        organization_id=organization_id,
        check_role=check_role,
    )
    if rows is None:
        rows = _nearest_orm(
            box=box,
            fresh_since=fresh_since,
            cooled_before=cooled_before,
            organization_id=organization_id,
            check_role=check_role,
        )
    excluded = {pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk)) for pk in exclude_user_ids}
    ranked = geo.nearest_within(lat, lon, rows, radius_m, limit, excluded)
    return [NearbyHelper(user_id=user_id, distance_m=d) for d, user_id in ranked]


def _nearest_orm(
    *,
    box: tuple[float, float, float, float],
    fresh_since: datetime,
    cooled_before: datetime | None,
    organization_id: Any,
    check_role: bool,
) -> list[tuple[Any, float, float]]:
    """The candidates of `nearest_helpers` through the ORM (backends without a raw statement)."""
    min_lat, max_lat, min_lon, max_lon = box
    profiles = HelperProfile.objects.filter(on_duty=True, opted_in=True)
    cells = geo.grid_cells(*box)
    if cells is not None:
        profiles = profiles.filter(grid_cell__in=cells)
    profiles = profiles.filter(
        lat__gte=min_lat,
        lat__lte=max_lat,
        lon__gte=min_lon,
        lon__lte=max_lon,
        location_at__gte=fresh_since,
    )
    if cooled_before is not None:
        profiles = profiles.filter(
            Q(last_alerted_at__isnull=True) | Q(last_alerted_at__lt=cooled_before)
        )
    rows: list[tuple[Any, float, float]] = list(
        profiles.values_list("user_id", "lat", "lon")  # type: ignore[arg-type]
    )
    if check_role and rows:
        helpers = user_ids_with_role(
            user_ids=[row[0] for row in rows], role=Role.HELPER, organization_id=organization_id
        )
        rows = [row for row in rows if row[0] in helpers]
    return rows


# --- statistics ---------------------------------------------------------------------------
def event_statistics(*, actor: Any, days: int = 30) -> dict[str, Any]:
    """Events per day, time to first accept, time to resolve, share escalated."""
    since = timezone.now() - timedelta(days=days)
    rows = list(
        event_list_for(actor=actor)
        .filter(created_at__gte=since)
        .values_list("created_at", "first_accepted_at", "resolved_at", "status", "escalated_at")
    )
    per_day: dict[str, int] = {}
    to_accept: list[float] = []
    to_resolve: list[float] = []
    escalated = 0
    for created_at, accepted_at, resolved_at, status, escalated_at in rows:
        day = timezone.localtime(created_at).date().isoformat()
        per_day[day] = per_day.get(day, 0) + 1
        if accepted_at:
            to_accept.append((accepted_at - created_at).total_seconds())
        if resolved_at and status == EventStatus.RESOLVED:
            to_resolve.append((resolved_at - created_at).total_seconds())
        if escalated_at:
            escalated += 1
    return {
        "total": len(rows),
        "per_day": dict(sorted(per_day.items())),
        "time_to_accept_s": sorted(to_accept),
        "time_to_resolve_s": sorted(to_resolve),
        "escalated_share": (escalated / len(rows)) if rows else 0.0,
    }


# --- notification relevance (registered on the sos topics in apps.py) ----------------------
def _event_status(data: Any) -> str | None:
    try:
        event_id = uuid.UUID(str(data.get("event_uid")))
    except (AttributeError, TypeError, ValueError):
        return None
    return SosEvent.objects.filter(pk=event_id).values_list("status", flat=True).first()


def event_awaits_helper(data: Any) -> bool:
    """Whether the SOS of a helper alert still waits for a helper (NEW or ESCALATED)."""
    return _event_status(data) in (EventStatus.NEW, EventStatus.ESCALATED)


def event_escalated(data: Any) -> bool:
    """Whether an escalated SOS is still escalated (not accepted or closed since)."""
    return _event_status(data) == EventStatus.ESCALATED
