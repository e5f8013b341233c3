"""Schedule work for later, and the sweep that runs it once.

    from lifeline.jobs.services import job_schedule

    job_schedule(
        task_name="sos.escalate_alert",
        run_at=alert.created_at + timedelta(minutes=5),
        kwargs={"alert_id": str(alert.pk)},
        idempotency_key=f"sos.escalate:{alert.pk}",
    )

The row is written in the caller's transaction, so a rolled-back request schedules nothing.
The beat entry `jobs.run_due` (every 10 s; a thread under `lifeline serve`) claims due jobs
and sends `jobs.execute` for each; `job_execute` runs the task inside a transaction together
with marking the job done. Database effects therefore happen exactly once, even if a worker
is killed or a message is delivered twice. Effects outside the database (an e-mail, a push)
can repeat after a crash between sending and committing: such tasks check state first
(STYLE.md 2.8).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lifeline.core.jobs import claim_due
from lifeline.core.tasks import enqueue_on_commit, task_by_name
from lifeline.jobs.models import JobStatus, ScheduledJob

logger = logging.getLogger(__name__)

# A claimed job whose worker died is taken again after this long. It must exceed the hard
# time limit of `jobs.execute`, or a slow but live run could be started a second time.
DEFAULT_LEASE = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
RETRY_BASE_SECONDS = 10
RETRY_MAX_SECONDS = 3600


def job_schedule(
    *,
    task_name: str,
    run_at: datetime,
    kwargs: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    queue: str = "default",
    max_attempts: int = 5,
) -> ScheduledJob:
    """Store a job that runs `task_name(**kwargs)` once at or after `run_at`.

    `kwargs` must be JSON (ids and primitives). With an `idempotency_key` that is already
    used, the existing job is returned unchanged.
    """
    defaults = {
        "task_name": task_name,
        "run_at": run_at,
        "kwargs": kwargs or {},
        "queue": queue,
        "max_attempts": max_attempts,
    }
    if idempotency_key is None:
        return ScheduledJob.objects.create(**defaults)
    job, _created = ScheduledJob.objects.get_or_create(
        idempotency_key=idempotency_key, defaults=defaults
    )
    return job


def job_cancel(*, idempotency_key: str) -> bool:
    """Cancel a job that has not started yet. Returns whether one was cancelled."""
    cancelled = ScheduledJob.objects.filter(
        idempotency_key=idempotency_key, status=JobStatus.PENDING
    ).update(status=JobStatus.CANCELLED, finished_at=timezone.now())
    return bool(cancelled)


def job_run_due(
    *, now: datetime | None = None, limit: int = 100, lease: timedelta = DEFAULT_LEASE
) -> list[uuid.UUID]:
    """Claim the due jobs and send `jobs.execute` for each after commit. Returns their ids."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        pks = claim_due(
            ScheduledJob.objects.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING]),
            deadline_field="run_at",
            claim_field="claimed_at",
            now=now,
            limit=limit,
            lease=lease,
            values={
                "status": JobStatus.RUNNING,
                "claimed_by": token,
                "attempts": F("attempts") + 1,
            },
        )
        claimed = list(ScheduledJob.objects.filter(pk__in=pks).order_by("run_at", "pk"))
        for job in claimed:
            if job.attempts > job.max_attempts:
                # Taken back from dead workers too often: stop trying.
                _finish(job, status=JobStatus.FAILED, error="LeaseExpired", now=now)
                continue
            enqueue_on_commit(
                "jobs.execute", kwargs={"job_id": str(job.pk), "token": token}, queue=job.queue
            )
    return [job.pk for job in claimed if job.status == JobStatus.RUNNING]


def job_execute(*, job_id: str, token: str) -> str | None:
    """Run a claimed job once. Returns the job's new status, or None if it was not ours.

    The job row is locked and the task runs in the same transaction that marks it done, so
    a duplicate delivery waits, then finds the job done (or claimed by someone else) and
    does nothing.
    """
    try:
        with transaction.atomic():
            job = (
                ScheduledJob.objects.select_for_update()
                .filter(pk=job_id, status=JobStatus.RUNNING, claimed_by=token)
                .first()
            )
            if job is None:
                return None
            task_by_name(job.task_name)(**job.kwargs)
            _finish(job, status=JobStatus.DONE, error="", now=timezone.now())
            return JobStatus.DONE
    except Exception as exc:  # the task's writes were rolled back; record and maybe retry
        return _job_failed(job_id=job_id, token=token, error=type(exc).__name__)


def _finish(job: ScheduledJob, *, status: str, error: str, now: datetime) -> None:
    job.status = status
    job.finished_at = now
    job.last_error = error[:200]
    job.save(update_fields=["status", "finished_at", "last_error", "updated_at"])


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 10 s, 20 s, 40 s … at most an hour."""
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def _job_failed(*, job_id: str, token: str, error: str) -> str | None:
    now = timezone.now()
    with transaction.atomic():
        job = (
            ScheduledJob.objects.select_for_update()
            .filter(pk=job_id, status=JobStatus.RUNNING, claimed_by=token)
            .first()
        )
        if job is None:
            return None
        logger.warning(
            "jobs.failed",
            extra={"job_id": str(job.pk), "task": job.task_name, "attempt": job.attempts},
        )
        if job.attempts >= job.max_attempts:
            _finish(job, status=JobStatus.FAILED, error=error, now=now)
            return JobStatus.FAILED
        job.status = JobStatus.PENDING
        job.run_at = now + retry_delay(job.attempts)
        job.claimed_at = None
        job.claimed_by = ""
        job.last_error = error[:200]
        job.save(
            update_fields=[
                "status",
                "run_at",
                "claimed_at",
                "claimed_by",
                "last_error",
                "updated_at",
            ]
        )
        return JobStatus.PENDING
