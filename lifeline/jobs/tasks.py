"""Celery entry points of the jobs app: thin, by id, with time limits."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from lifeline.jobs.services import DEFAULT_LEASE, job_execute, job_run_due


@shared_task(name="jobs.run_due", soft_time_limit=50, time_limit=60)
def run_due(*, limit: int = 100, lease_seconds: int | None = None) -> int:
    """The sweep (beat, every 10 s): claim due jobs and send `jobs.execute` for each.

    `lease_seconds` overrides how long a dead worker's claim holds (default: the hard time
    limit of `jobs.execute` plus a minute).
    """
    lease = DEFAULT_LEASE if lease_seconds is None else timedelta(seconds=lease_seconds)
    return len(job_run_due(limit=limit, lease=lease))


@shared_task(name="jobs.execute", acks_late=True, soft_time_limit=240, time_limit=300)
def execute(*, job_id: str, token: str) -> str | None:
    """Run one claimed job (see `lifeline.jobs.services.job_execute`)."""
    return job_execute(job_id=job_id, token=token)
