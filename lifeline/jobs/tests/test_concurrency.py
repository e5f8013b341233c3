"""Two sweeps at the same moment never take the same job (PostgreSQL: SKIP LOCKED)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from lifeline.jobs.models import JobStatus, ScheduledJob
from lifeline.jobs.services import job_run_due
from lifeline.jobs.tests.factories import ScheduledJobFactory
from lifeline.jobs.tests.probe_tasks import create_probe_table, drop_probe_table, probe_runs

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SWEEPS = 4
JOBS = 40


@pytest.fixture
def committed_probe_table():
    create_probe_table()
    yield
    drop_probe_table()


@pytest.mark.usefixtures("committed_probe_table")
def test_concurrent_sweeps_run_every_job_exactly_once():
    ScheduledJobFactory.create_batch(JOBS, run_at=timezone.now() - timedelta(seconds=1))
    barrier = threading.Barrier(SWEEPS)
    claimed: list[list[object]] = []
    errors: list[BaseException] = []

    def one_sweep() -> None:
        try:
            barrier.wait(timeout=10)
            # Small batches so the sweeps interleave. Eager Celery: each claimed job runs in
            # this thread right after its claim commits.
            while batch := job_run_due(limit=3):
                claimed.append(list(batch))
        except BaseException as exc:  # reported below, in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_sweep) for _ in range(SWEEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    all_claimed = [pk for batch in claimed for pk in batch]
    assert len(all_claimed) == JOBS
    assert len(set(all_claimed)) == JOBS
    assert ScheduledJob.objects.filter(status=JobStatus.DONE, attempts=1).count() == JOBS
    for job in ScheduledJob.objects.all():
        assert probe_runs(job.kwargs["key"]) == 1
