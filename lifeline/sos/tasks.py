"""Celery entry points of the sos module: thin, by id, idempotent."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="sos.alert_helpers", soft_time_limit=50, time_limit=60)
def alert_helpers(*, event_id: str) -> int:
    """First round of helper alerts right after a trigger (and after a withdrawal)."""
    from lifeline.sos.services import helpers_alert_round

    return len(helpers_alert_round(event_id=event_id))


@shared_task(name="sos.widen_search", soft_time_limit=50, time_limit=60)
def widen_search(*, event_id: str, from_step: int) -> int:
    """The t-seconds deadline (scheduled with job_schedule)."""
    from lifeline.sos.services import event_widen

    return len(event_widen(event_id=event_id, from_step=from_step))


@shared_task(name="sos.escalate_event", soft_time_limit=50, time_limit=60)
def escalate_event(*, event_id: str) -> str | None:
    """The escalation deadline (scheduled with job_schedule): only an event still NEW escalates."""
    from lifeline.sos.services import event_escalate

    event = event_escalate(event_id=event_id)
    return event.status if event is not None else None


def _sms_provider() -> Any:
    from lifeline.notifications.integrations.sms import get_provider

    return get_provider()


@shared_task(name="sos.send_contact_notices", soft_time_limit=50, time_limit=60)
def send_contact_notices(*, event_id: str) -> int:
    """Send the unsent messages to emergency contacts of one event, by SMS."""
    from lifeline.sos.models import ContactNotice

    sent = 0
    pending = list(
        ContactNotice.objects.filter(event__pk=event_id, sent_at__isnull=True).select_related(
            "contact"
        )
    )
    for notice in pending:
        with transaction.atomic():
            locked = (
                ContactNotice.objects.select_for_update()
                .filter(pk=notice.pk, sent_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            try:
                _sms_provider().send(to=notice.contact.phone_number, text=notice.text)
            except Exception as exc:  # noqa: BLE001 - provider errors are recorded, not raised
                locked.error = type(exc).__name__[:200]
                locked.save(update_fields=["error"])
                logger.warning("sos.contact_notice_failed", extra={"notice_id": notice.pk})
                continue
            locked.sent_at = timezone.now()
            locked.error = ""
            locked.save(update_fields=["sent_at", "error"])
            sent += 1
    return sent


@shared_task(name="sos.purge_tracks", soft_time_limit=240, time_limit=300)
def purge_tracks() -> int:
    """Delete track points older than SOS_TRACK_RETENTION_DAYS (beat: daily)."""
    from lifeline.sos.services import track_purge_expired

    return track_purge_expired()


@shared_task(
    name="sos.drain_locations",
    soft_time_limit=50,
    time_limit=60,
    autoretry_for=(Exception,),
    retry_backoff=1,
    retry_backoff_max=30,
    max_retries=3,
)
def drain_locations() -> int:
    """Write buffered track points in bulk (beat: every second; also kicked by ingestion).

    A failed drain keeps its chunk in Redis and is retried; points are never dropped."""
    from lifeline.sos.ingest import drain

    return drain()
