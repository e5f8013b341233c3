"""Cross-domain flows of the sos module: the only module of sos that calls another domain.

Declared in the import contracts (`lifeline.sos.services.flows ->
lifeline.ambulance.services.calls` and `-> lifeline.ambulance.sos_hooks`,
`../shared/STYLE.md` 2.1). Both directions of the SOS → ambulance flow live here: the
hand-over (sos calls ambulance), and what ambulance asks back through the hooks it offers
(`ambulance.sos_hooks`, registered by `register_dispatch_hooks` in `SosConfig.ready()`), so
ambulance never imports sos.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.ambulance import sos_hooks
from lifeline.ambulance.services.calls import call_create_from_sos
from lifeline.audit.services import record_access
from lifeline.sos import selectors
from lifeline.sos.enums import TimelineKind
from lifeline.sos.models import SosEvent, WearerProfile
from lifeline.sos.services.events import event_publish
from lifeline.sos.services.timeline import timeline_add

logger = logging.getLogger(__name__)

# The call's step (ambulance.enums.CallStatus value) -> the SOS event's timeline kind.
_DISPATCH_KIND: dict[str, str] = {
    "ASSIGNED": TimelineKind.DISPATCH_ASSIGNED,
    "TROUBLE": TimelineKind.DISPATCH_REQUEUED,
    "COMPLETED": TimelineKind.DISPATCH_COMPLETED,
    "REJECTED": TimelineKind.DISPATCH_REJECTED,
    "CANCELLED": TimelineKind.DISPATCH_CANCELLED,
}


def event_hand_over_to_dispatch(*, event: SosEvent) -> None:
    """Hand an escalated SOS to ambulance dispatch: a NEW critical call of the station linked
    to the event's SOS service, at the wearer's last position, once per event.

    Called by `escalation.event_escalate` inside its transaction, after the SOS admins and the
    emergency contacts were told, so the call and the escalation commit together. An SOS
    service with no linked station (`ambulance.SosLink`) ends at its administrators and the
    contacts, as before; the log says so (ids only, never the wearer's data).

    The call carries the wearer's name, phone and point, what the watch detected, and from the
    wearer's profile (`WearerProfile`, if any) the birth date, the age in completed years on
    the day of the event and the emergency notes; the profile's read is audited
    (`sos.wearerprofile_viewed`, no actor: the system handed it over).
    """
    if event.organization_id is None:  # an SOS of a wearer in no SOS service
        logger.info("sos.hand_over_no_station", extra={"event_id": str(event.pk)})
        return
    wearer = event.user
    profile = WearerProfile.objects.filter(user_id=event.user_id).first()
    notes = [f"{event.get_detected_type_display()} · {event.severity}"]
    if profile is not None and profile.emergency_notes:
        notes.insert(0, _("Emergency notes: %(notes)s") % {"notes": profile.emergency_notes})
    call = call_create_from_sos(
        sos_event_id=event.pk,
        sos_service_id=event.organization_id,
        lat=event.lat,
        lon=event.lon,
        patient_name=wearer.composed_full_name,
        caller_phone=str(wearer.phone_number or ""),
        patient_age=profile.age_on(timezone.localdate(event.created_at)) if profile else None,
        patient_birth_date=profile.birth_date if profile else None,
        notes="\n".join(notes),
        occurred_at=event.created_at,
    )
    if call is None:
        logger.info("sos.hand_over_no_station", extra={"event_id": str(event.pk)})
        return
    if profile is not None:
        record_access(
            actor=None,
            target=profile,
            organization=event.organization_id,
            reason="sos.hand_over_to_dispatch",
            metadata={"event_id": str(event.pk), "call_id": str(call.pk)},
        )
    # A re-run (the sweep, an admin escalating again) finds the same call: one entry.
    if not event.timeline.filter(kind=TimelineKind.DISPATCH_CALL).exists():
        timeline_add(
            event,
            TimelineKind.DISPATCH_CALL,
            data={"call_id": str(call.pk), "call_number": call.number},
        )
        event_publish(event, "dispatched")
    logger.info(
        "sos.handed_over_to_dispatch", extra={"event_id": str(event.pk), "call_id": str(call.pk)}
    )


def event_dispatch_changed(change: sos_hooks.CallChange) -> None:
    """Write a step of an SOS event's ambulance call to the event's timeline, and tell the
    event's audience (the wearer's and the SOS admins' pages refetch). Runs inside the call's
    transaction (`ambulance.sos_hooks.call_changed`)."""
    kind = _DISPATCH_KIND.get(change.status)
    event = (
        SosEvent.objects.select_related("user", "device", "accepted_by")
        .filter(pk=change.sos_event_id)
        .first()
    )
    if kind is None or event is None:
        return
    data: dict[str, Any] = {"call_id": str(change.call_id), "call_number": change.number}
    if change.team_name:
        data["team"] = change.team_name
    timeline_add(event, kind, data=data, at=change.at)
    event_publish(event, "dispatched")


def _dispatch_timeline(event_id: Any) -> list[sos_hooks.SosTimelineItem]:
    items = []
    for entry in selectors.dispatch_timeline_list(event_id=event_id):
        detail = []
        if entry.data.get("call_number"):
            detail.append(_("call #%(number)s") % {"number": entry.data["call_number"]})
        if entry.data.get("team"):
            detail.append(str(entry.data["team"]))
        if entry.data.get("count") is not None:
            detail.append(str(entry.data["count"]))
        items.append(
            sos_hooks.SosTimelineItem(
                at=entry.at, label=str(entry.get_kind_display()), detail=" · ".join(detail)
            )
        )
    return items


def register_dispatch_hooks() -> None:
    """Answer ambulance's questions about escalated events (called in `SosConfig.ready()`)."""
    sos_hooks.register(timeline_reader=_dispatch_timeline, call_listener=event_dispatch_changed)
