"""Helpers: the helper profile (opt-in, duty, location) and the helper rounds of an SOS.

A round alerts the nearest available helpers of an event still waiting for one, widening the
radius while too few were alerted; the next round is a deadline on the event (`next_round_at`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from lifeline.notifications.services import notify_many
from lifeline.realtime.events import publish_on_commit
from lifeline.sos import events, metrics, selectors
from lifeline.sos.enums import EventStatus, TimelineKind
from lifeline.sos.exceptions import NotAHelper
from lifeline.sos.models import HelperAlert, HelperProfile, SosEvent
from lifeline.sos.permissions import is_helper
from lifeline.sos.services.devices import UNSET
from lifeline.sos.services.organizations import helper_role_request
from lifeline.sos.services.timeline import timeline_add

if TYPE_CHECKING:
    from lifeline.accounts.models import User


def helper_profile_update(
    *,
    user: User,
    opted_in: Any = UNSET,
    on_duty: Any = UNSET,
    lat: Any = UNSET,
    lon: Any = UNSET,
    now: datetime | None = None,
) -> HelperProfile:
    """Opt in/out, go on/off duty, report the helper's location. Needs the helper role.

    A person who holds it nowhere and opts in asks to join the default SOS service as a
    helper (`HelperApprovalPending`): its SOS admins approve the request (access API)."""
    if not is_helper(user):
        if opted_in is not UNSET and bool(opted_in):
            helper_role_request(user=user)
        raise NotAHelper()
    now = now or timezone.now()
    profile, _created = HelperProfile.objects.get_or_create(user=user)
    if opted_in is not UNSET:
        profile.opted_in = bool(opted_in)
        if not profile.opted_in:
            profile.on_duty = False
    if on_duty is not UNSET:
        profile.on_duty = bool(on_duty) and profile.opted_in
    if lat is not UNSET and lon is not UNSET and lat is not None and lon is not None:
        profile.lat, profile.lon, profile.location_at = lat, lon, now
    profile.save()
    return profile


def demo_helpers_keep_fresh(*, now: datetime | None = None) -> int:
    """Mark the last location of the demo's on-duty helpers as just reported (demo data only:
    users flagged `is_demo`). `serve --demo` runs it periodically, so the demo helper stays
    alertable however long the demo runs (HELPER_FRESH_SECONDS). Returns how many."""
    now = now or timezone.now()
    return HelperProfile.objects.filter(
        user__is_demo=True, opted_in=True, on_duty=True, lat__isnull=False, lon__isnull=False
    ).update(location_at=now, updated_at=now)


def helpers_alert_round(
    *,
    event_id: Any,
    round_no: int | None = None,
    step: int | None = None,
    now: datetime | None = None,
) -> list[HelperAlert]:
    """Alert the nearest available helpers of an event still waiting for one (status NEW).

    Starts at the radius step of the pending round (or `step`), widens at once while fewer
    than k helpers were alerted in total, alerts at most the cap per round, records the round
    and sets the next one (one step wider, after t seconds) as the event's deadline.

    With `round_no` (the task and the sweep pass it) the round runs only if it is still the
    pending round of that number: a duplicate message, a redelivery after a worker died, or
    the sweep racing the fast path find it recorded and do nothing. Each helper is alerted at
    most once per event (a unique row), so a round is idempotent per helper.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = (
            SosEvent.objects.select_for_update(of=("self",))
            .select_related("user", "device", "organization")
            .filter(pk=event_id)
            .first()
        )
        if event is None or event.status != EventStatus.NEW:
            return []  # accepted, closed or escalated: an escalated event stops searching
        if round_no is not None and (event.round_no != round_no or event.next_round_at is None):
            return []  # that round is already recorded
        settings = selectors.settings_for(event.organization)
        steps = settings.radius_steps_m
        if step is not None:
            current = step
        elif event.next_round_at is not None:
            current = event.next_round_step
        else:
            current = event.radius_step
        current = min(current, len(steps) - 1)
        already = set(event.alerts.values_list("helper_id", flat=True))
        exclude = already | {event.user_id}
        while True:
            radius = steps[current]
            found = selectors.nearest_helpers(
                lat=event.lat,
                lon=event.lon,
                radius_m=radius,
                limit=settings.helper_cap,
                exclude_user_ids=exclude,
                organization_id=event.organization_id,
                now=now,
                cooldown_seconds=settings.helper_cooldown_seconds,
            )
            if len(found) + len(already) >= settings.min_helpers_k or current >= len(steps) - 1:
                break
            current += 1
        widened = current != event.radius_step or event.radius_m == 0
        event.radius_step, event.radius_m = current, radius
        event.round_no += 1
        if current < len(steps) - 1:
            # Nobody accepts within t seconds: the next round searches one step further.
            event.next_round_at = now + timedelta(seconds=settings.accept_wait_seconds)
            event.next_round_step = current + 1
        else:
            event.next_round_at = None
        event.save(
            update_fields=[
                "radius_step",
                "radius_m",
                "round_no",
                "next_round_at",
                "next_round_step",
                "updated_at",
            ]
        )
        if widened and current > 0:
            timeline_add(event, TimelineKind.RADIUS_WIDENED, data={"radius_m": radius})
        alerts = HelperAlert.objects.bulk_create(
            [
                HelperAlert(
                    event=event,
                    helper_id=h.user_id,
                    distance_m=round(h.distance_m),
                    radius_m=radius,
                )
                for h in found
            ]
        )
        if found:
            HelperProfile.objects.filter(user_id__in=[h.user_id for h in found]).update(
                last_alerted_at=now
            )
        timeline_add(
            event,
            TimelineKind.HELPERS_ALERTED,
            data={"count": len(found), "radius_m": radius},
        )
        helpers = selectors.user_map(user_ids=[h.user_id for h in found])
        # One batch, nearest first: the first helper's push is enqueued first.
        notify_many(
            [helpers[nearby.user_id] for nearby in found],
            "sos.helper_alert",
            [{"event_uid": str(event.pk), "distance_m": round(h.distance_m)} for h in found],
            critical=True,
        )
        if found:
            transaction.on_commit(lambda: metrics.alerts_sent.inc(len(found)))
            publish_on_commit(
                events.sos_event(event, "created"),
                groups=[events.helper_group(h.user_id) for h in found],
            )
    return alerts
