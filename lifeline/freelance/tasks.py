"""Celery entry points of the freelance module: thin; the deadlines live on the order rows."""

from __future__ import annotations

from celery import shared_task

from lifeline.freelance.services.deadlines import orders_run_due


@shared_task(name="freelance.run_due", soft_time_limit=50, time_limit=60)
def run_due() -> dict[str, int]:
    """Beat: send due reminders and auto-complete delivered orders whose buyer did not answer."""
    return orders_run_due()
