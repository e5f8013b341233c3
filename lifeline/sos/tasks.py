"""Celery entry points of the sos module: thin, by id, idempotent; each calls one service
(`drain_locations`: the batch writer `ingest.drain`). Nothing else in sos imports this module.

None of these is the truth of what must happen: an SOS's pending round, escalation and
contact messages are deadlines on its rows, and `sos.run_due` (beat, every 2 s) runs any that
a lost message or a killed worker left behind.
"""

from __future__ import annotations

from celery import shared_task

from lifeline.sos.ingest import drain
from lifeline.sos.services.contacts import contact_notices_send
from lifeline.sos.services.deadlines import deadlines_run_due
from lifeline.sos.services.devices import track_purge_expired
from lifeline.sos.services.helpers import demo_helpers_keep_fresh, helpers_alert_round


@shared_task(name="sos.alert_helpers", soft_time_limit=50, time_limit=60)
def alert_helpers(*, event_id: str, round_no: int | None = None) -> int:
    """The fast path of a pending helper round (after a trigger or a withdrawal)."""
    return len(helpers_alert_round(event_id=event_id, round_no=round_no))


@shared_task(name="sos.run_due", soft_time_limit=50, time_limit=60)
def run_due() -> dict[str, int]:
    """Beat: run every SOS deadline that has passed (rounds, escalations, contact messages)."""
    return deadlines_run_due()


@shared_task(name="sos.send_contact_notices", soft_time_limit=50, time_limit=60)
def send_contact_notices(*, event_id: str) -> int:
    """The fast path: send the unsent messages to emergency contacts of one event, by SMS."""
    return contact_notices_send(event_id=event_id)


@shared_task(name="sos.purge_tracks", soft_time_limit=240, time_limit=300)
def purge_tracks() -> int:
    """Delete track points older than SOS_TRACK_RETENTION_DAYS (beat: daily)."""
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
    return drain()


@shared_task(name="sos.demo_keep_helpers_fresh", soft_time_limit=50, time_limit=60)
def demo_keep_helpers_fresh() -> int:
    """Demo only (a beat entry that `serve --demo` adds, see `sos.demo`): keep the demo
    helpers' location fresh so they are alerted."""
    return demo_helpers_keep_fresh()
