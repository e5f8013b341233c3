"""Through a real Celery worker on the broker: a killed and restarted worker loses nothing.

The worker is a subprocess (`celery -A config worker -P solo`) on a queue of its own, using
the test database (PostgreSQL, committed data: `transaction=True`). The test plays beat by
sending `jobs.run_due` to that queue.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from lifeline.jobs.models import JobStatus, ScheduledJob
from lifeline.jobs.services import job_schedule
from lifeline.jobs.tests.probe_tasks import (
    create_probe_table,
    drop_probe_table,
    probe_backends,
    probe_runs,
)
from tests.celery_worker import Worker

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    create_probe_table()
    w = Worker(
        f"jobs-test-{uuid.uuid4().hex[:12]}",
        tmp_path,
        include=["lifeline.jobs.tests.probe_tasks"],
    )
    try:
        yield w
    finally:
        w.close()
        drop_probe_table()


def _wait_for(job: ScheduledJob, status: str, worker: Worker, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return
        worker.sweep()
        time.sleep(1)
    pytest.fail(f"job still {job.status}, not {status}:\n{worker.log.read_text()[-3000:]}")


def test_job_runs_once_when_the_worker_is_killed_before_the_deadline(worker: Worker):
    worker.start()
    job = job_schedule(
        task_name="jobs_test.probe",
        run_at=timezone.now() + timedelta(seconds=3),
        kwargs={"key": "before-deadline"},
        queue=worker.queue,
    )
    worker.sweep()  # a beat tick before the deadline: nothing is due yet
    worker.kill()
    assert probe_runs("before-deadline") == 0

    worker.start()
    _wait_for(job, JobStatus.DONE, worker)
    for _ in range(3):  # later ticks, and the redelivery of anything unacknowledged
        worker.sweep()
    time.sleep(2)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    assert probe_runs("before-deadline") == 1


def test_job_runs_once_when_the_worker_is_killed_while_running_it(worker: Worker):
    worker.start()
    job = job_schedule(
        task_name="jobs_test.probe",
        run_at=timezone.now(),
        kwargs={"key": "mid-run", "sleep": 10},
        queue=worker.queue,
    )
    _wait_for(job, JobStatus.RUNNING, worker)
    time.sleep(2)  # the probe has written its row (uncommitted) and sleeps
    worker.kill()

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert probe_runs("mid-run") == 0  # the dead worker's transaction was rolled back

    worker.start()
    worker.sweep(lease_seconds=1)  # the claim of the dead worker has expired
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == JobStatus.DONE:
            break
        time.sleep(1)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    assert probe_runs("mid-run") == 1


def test_tasks_reuse_the_database_connection(worker: Worker):
    # Celery's Django fixup closed every connection around each task (a new PostgreSQL
    # server process per task); CONN_MAX_AGE now governs, as for requests.
    worker.start()
    for _ in range(4):
        worker.send("jobs_test.backend", key="reuse")
    deadline = time.monotonic() + 60
    while len(probe_backends("reuse")) < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
    backends = probe_backends("reuse")
    assert len(backends) == 4
    assert len(set(backends)) == 1, backends
