"""The deadline sweep (`sos.run_due`, beat every 2 s): what must still happen to an open SOS is
stored on its rows (`next_round_at`, `escalate_at`, unsent `ContactNotice`s), not in a broker
message, so a lost task or a killed worker only delays it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from lifeline.sos.enums import EventStatus
from lifeline.sos.models import SosEvent
from lifeline.sos.services.contacts import contact_notices_send
from lifeline.sos.services.escalation import event_escalate
from lifeline.sos.services.helpers import helpers_alert_round

logger = logging.getLogger(__name__)


def deadlines_run_due(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """The `sos.run_due` sweep (beat: every 2 s): run every SOS deadline that has passed.

    - helper rounds whose fast-path task was lost (a killed worker, a lost message) or that
      are the next, wider round after t seconds without an accept;
    - escalations of events still NEW after the escalation time;
    - emergency-contact messages not sent yet (lost task, or a failure waiting to retry).

    Each item runs in its own transaction under the event's row lock and re-checks its
    state, so concurrent sweeps, a restarted worker or a duplicate message run it once.
    """
    now = now or timezone.now()
    rounds = list(
        SosEvent.objects.filter(status=EventStatus.NEW, next_round_at__lte=now)
        .order_by("next_round_at")
        .values_list("pk", "round_no")[:limit]
    )
    alerted = 0
    for event_id, round_no in rounds:
        alerted += len(helpers_alert_round(event_id=event_id, round_no=round_no, now=now))
    due = list(
        SosEvent.objects.filter(status=EventStatus.NEW, escalate_at__lte=now)
        .order_by("escalate_at")
        .values_list("pk", flat=True)[:limit]
    )
    escalated = 0
    for event_id in due:
        event = event_escalate(event_id=event_id, now=now, deadline=True)
        escalated += int(event is not None and event.status == EventStatus.ESCALATED)
    sent = contact_notices_send(due_only=True, now=now, limit=limit)
    if rounds or due or sent:
        logger.info(
            "sos.deadlines_run",
            extra={"rounds": len(rounds), "escalated": escalated, "contact_notices": sent},
        )
    return {"rounds": len(rounds), "alerts": alerted, "escalated": escalated, "sent": sent}
