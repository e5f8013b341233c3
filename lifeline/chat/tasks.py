"""Celery entry points of the messenger (thin: load, call a service)."""

from __future__ import annotations

from celery import shared_task

from lifeline.chat import services


@shared_task(name="chat.purge_expired")
def purge_expired() -> int:
    """Daily: erase messages past `LIFELINE_CHAT_RETENTION_DAYS` (0 keeps everything)."""
    return services.purge_expired()


@shared_task(name="chat.notify_offline", ignore_result=True)
def notify_offline(*, message_id: str, recipient_id: str) -> None:
    """After a send to an offline recipient: the notification fan-out (push, e-mail, inbox)."""
    services.notify_offline(message_id=message_id, recipient_id=recipient_id)
