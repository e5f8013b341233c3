"""Through a real Celery worker on the broker: a killed and restarted worker loses nothing.

The worker is a subprocess (`celery -A config worker -P solo`) on a queue of its own, using
the test database (PostgreSQL, committed data: `transaction=True`). The test plays beat by
sending `jobs.run_due` to that queue.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from lifeline.jobs.models import JobStatus, ScheduledJob
from lifeline.jobs.services import job_schedule
from lifeline.jobs.tests.probe_tasks import (
    create_probe_table,
    drop_probe_table,
    probe_backends,
    probe_runs,
)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[3]
READY_TIMEOUT = 90.0


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A Celery worker subprocess on one queue, killable and restartable."""

    def __init__(self, queue: str, log_dir: Path) -> None:
        self.queue = queue
        self.node = f"{queue}@localhost"
        self.log_dir = log_dir
        self.starts = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.sender = Celery("jobs-test", broker=settings.CELERY_BROKER_URL)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def log(self) -> Path:
        return self.log_dir / f"worker-{self.starts}.log"

    def start(self) -> None:
        self.starts += 1
        cmd = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "-P", "solo", "-Q", self.queue, "-n", self.node,
            "--include", "lifeline.jobs.tests.probe_tasks",
            "--without-gossip", "--without-mingle", "--loglevel", "INFO",
        ]  # fmt: skip
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(  # noqa: S603
                cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"worker exited early:\n{self.log.read_text()[-3000:]}")
            if self.sender.control.ping(destination=[self.node], timeout=0.5):
                return
        pytest.fail(f"worker not ready in {READY_TIMEOUT}s:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def sweep(self, **kwargs: object) -> None:
        """What beat does every 10 s, sent to this worker's queue."""
        self.sender.send_task("jobs.run_due", kwargs=kwargs, queue=self.queue)

    def close(self) -> None:
        self.stop()
        with self.sender.connection_for_write() as conn:
            conn.default_channel.client.delete(f"_kombu.binding.{self.queue}")
        self.sender.close()


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    create_probe_table()
    w = Worker(f"jobs-test-{uuid.uuid4().hex[:12]}", tmp_path)
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
        worker.sender.send_task("jobs_test.backend", kwargs={"key": "reuse"}, queue=worker.queue)
    deadline = time.monotonic() + 60
    while len(probe_backends("reuse")) < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
    backends = probe_backends("reuse")
    assert len(backends) == 4
    assert len(set(backends)) == 1, backends
