"""Thin Celery entry points of the audit trail."""

from __future__ import annotations

import logging

from celery import shared_task

from lifeline.audit.services import audit_purge_expired

logger = logging.getLogger(__name__)


@shared_task(name="audit.purge_expired", soft_time_limit=600, time_limit=900)
def purge_expired() -> int:
    deleted = audit_purge_expired()
    logger.info("audit.purged_expired", extra={"deleted": deleted})
    return deleted
