"""A real Celery worker subprocess for tests marked `celery_worker`: killable, restartable.

The worker runs `celery -A config worker -P solo` on a queue of its own, against the test
database (PostgreSQL, committed data: use `django_db(transaction=True)`). A test plays beat
by sending a sweep task to that queue (`worker.send("jobs.run_due")`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT = 90.0


def database_url() -> str:
    """The URL of the test database this process uses (for the worker's DATABASE_URL)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A Celery worker subprocess on one queue, killable and restartable.

    `include`: extra modules the worker imports (test-only tasks or patches); `start()` can
    override it for one run.
    """

    def __init__(self, queue: str, log_dir: Path, *, include: Sequence[str] = ()) -> None:
        self.queue = queue
        self.node = f"{queue}@localhost"
        self.log_dir = log_dir
        self.include = list(include)
        self.starts = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.sender = Celery("worker-test", broker=settings.CELERY_BROKER_URL)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def log(self) -> Path:
        return self.log_dir / f"worker-{self.starts}.log"

    def start(self, *, include: Sequence[str] | None = None) -> None:
        self.starts += 1
        modules = self.include if include is None else list(include)
        cmd = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "-P", "solo", "-Q", self.queue, "-n", self.node,
            "--without-gossip", "--without-mingle", "--loglevel", "INFO",
        ]  # fmt: skip
        for module in modules:
            cmd += ["--include", module]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
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

    def send(self, task_name: str, **kwargs: object) -> None:
        """Send `task_name(**kwargs)` to this worker's queue."""
        self.sender.send_task(task_name, kwargs=kwargs, queue=self.queue)

    def sweep(self, **kwargs: object) -> None:
        """What beat does every 10 s for the jobs sweep, sent to this worker's queue."""
        self.send("jobs.run_due", **kwargs)

    def wait_for_log(self, text: str, *, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log.read_text(errors="replace"):
                return
            time.sleep(0.1)
        pytest.fail(f"{text!r} not in the worker log:\n{self.log.read_text()[-3000:]}")

    def close(self) -> None:
        self.stop()
        with self.sender.connection_for_write() as conn:
            client = conn.default_channel.client
            client.delete(f"_kombu.binding.{self.queue}", self.queue)
        self.sender.close()
