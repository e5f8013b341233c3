"""Escalation: an SOS nobody accepted in time (or an admin's decision) goes to the SOS service.

The SOS admins of the event's organization and the wearer's emergency contacts are told, the
helper search stops, and the event is handed to dispatch through `flows` (a no-op today).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from lifeline.audit.services import record
from lifeline.notifications.services import notify_many
from lifeline.sos import metrics, selectors
from lifeline.sos.enums import ACCEPTABLE_STATUSES, EventStatus, TimelineKind
from lifeline.sos.exceptions import EventClosed
from lifeline.sos.models import SosEvent
from lifeline.sos.services import flows
from lifeline.sos.services.contacts import contact_notices_queue
from lifeline.sos.services.events import event_deadlines_stop, event_lock, event_publish
from lifeline.sos.services.timeline import timeline_add

if TYPE_CHECKING:
    from lifeline.accounts.models import User


def event_escalate(
    *,
    event_id: Any,
    actor: User | None = None,
    now: datetime | None = None,
    deadline: bool = False,
) -> SosEvent | None:
    """Still NEW after the escalation time (or an admin's decision): tell admins and contacts,
    then hand the event to ambulance dispatch (`flows.event_hand_over_to_dispatch`).

    `deadline`: called by the sweep, which escalates only if the event's `escalate_at` has
    still passed once the row is locked (an accept and a withdrawal meanwhile restart it)."""
    now = now or timezone.now()
    with transaction.atomic():
        event = SosEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            return None
        event = event_lock(event)
        if actor is None and event.status != EventStatus.NEW:
            return event  # accepted, closed or already escalated meanwhile: nothing to do
        if deadline and (event.escalate_at is None or event.escalate_at > now):
            return event
        if actor is not None and event.status not in ACCEPTABLE_STATUSES:
            raise EventClosed()
        event.status = EventStatus.ESCALATED
        event.escalated_at = now
        # Escalated: the SOS service (and dispatch) takes over; the helper search stops.
        event.save(
            update_fields=["status", "escalated_at", "updated_at", *event_deadlines_stop(event)]
        )
        timeline_add(event, TimelineKind.ESCALATED, actor=actor)
        record(actor=actor, action="sos.event_escalated", target=event)
        admin_users = selectors.sos_admin_list_of(organization_id=event.organization_id)
        notify_many(
            admin_users,
            "sos.event_escalated",
            [{"event_uid": str(event.pk)}] * len(admin_users),
            critical=True,
        )
        contact_notices_queue(event=event, kind=TimelineKind.ESCALATED)
        event_publish(event, "escalated")
        transaction.on_commit(metrics.escalations.inc)
        flows.event_hand_over_to_dispatch(event=event)
    return event
