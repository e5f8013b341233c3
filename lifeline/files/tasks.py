"""Celery entry points of the file store (thin: one service call)."""

from __future__ import annotations

from celery import shared_task

from lifeline.files import services


@shared_task(name="files.purge_expired_uploads")
def purge_expired_uploads() -> int:
    """Hourly: delete resumable uploads past their expiry and the bytes they received."""
    return services.upload_purge_expired()


@shared_task(name="files.purge_unattached", soft_time_limit=240, time_limit=300)
def purge_unattached() -> int:
    """Hourly: delete files uploaded but never attached to anything, with their bytes."""
    return services.file_purge_unattached()
