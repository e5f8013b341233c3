"""Celery entry points of the fieldservice module: ids in, one service call."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="fieldservice.drain_mango_events")
def drain_mango_events() -> int:
    """Process the stored Mango events not yet processed, in id order, in batches (sent by
    the webhooks at most every 200 ms per web process; the sweep drains too)."""
    from lifeline.fieldservice.services.telephony import mango_events_drain

    return mango_events_drain()


@shared_task(name="fieldservice.process_mango_event", acks_late=True)
def process_mango_event(*, event_id: int) -> None:
    """One event (the messages sent before the drain existed; nothing sends it now)."""
    from lifeline.fieldservice.services.telephony import mango_event_process

    mango_event_process(event_id=event_id)


@shared_task(name="fieldservice.run_due")
def run_due() -> None:
    """The sweep: events not processed yet (a lost drain message, a killed worker),
    callbacks past their SLA, recordings, alert rules (Telegram)."""
    from lifeline.fieldservice import conf
    from lifeline.fieldservice.services.alerts import alerts_evaluate
    from lifeline.fieldservice.services.recordings import recordings_fetch_due
    from lifeline.fieldservice.services.telephony import (
        callbacks_escalate_due,
        mango_events_drain,
    )

    mango_events_drain()
    callbacks_escalate_due()
    if conf.mango_enabled():
        recordings_fetch_due()
    alerts_evaluate()


@shared_task(name="fieldservice.poll_mailbox")
def poll_mailbox() -> None:
    """Call recordings mailed by the PBX (IMAP): one poll at a time per deployment (the
    service claims the mailbox); does nothing unless FIELDSERVICE_IMAP_* are set."""
    from lifeline.fieldservice.services.mail_recordings import mail_recordings_poll

    mail_recordings_poll()
