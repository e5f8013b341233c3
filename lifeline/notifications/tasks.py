"""Thin Celery entry points; the work is in `delivery.py`."""

from __future__ import annotations

from celery import shared_task

from lifeline.notifications.delivery import delivery_enqueue_due, delivery_send
from lifeline.notifications.exceptions import RecoverableError


@shared_task(
    bind=True,
    name="notifications.deliver",
    autoretry_for=(RecoverableError,),
    retry_backoff=True,
    # Below the broker's visibility timeout (360 s), so a waiting retry is not redelivered.
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def deliver(self, *, delivery_id: int, critical: bool = False) -> None:  # type: ignore[no-untyped-def]
    try:
        delivery_send(delivery_id=delivery_id, critical=critical)
    except RecoverableError:
        if self.request.is_eager:
            # No broker to retry through (embedded mode): the row is queued again with a
            # backoff deadline that the `send_due` sweep honours. Raising here would only
            # break the request whose commit enqueued us.
            return
        raise


@shared_task(name="notifications.send_due", acks_late=True)
def send_due() -> int:
    return delivery_enqueue_due()
