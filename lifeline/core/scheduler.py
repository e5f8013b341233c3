"""Run Celery's beat schedule in a thread for the embedded default (no broker, no beat).

Each entry's task is called in-process at its interval. Production runs `lifeline run beat`
and a worker instead; the work itself is the same task code. Tasks that the sweeps send on
(`apply_async`) run eagerly too, because `lifeline serve` runs Celery in eager mode.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BeatEntry:
    name: str
    task: str
    interval: float
    kwargs: dict[str, Any]


def _interval_seconds(schedule: object) -> float:
    if isinstance(schedule, (int, float)):
        return float(schedule)
    run_every = getattr(schedule, "run_every", None)
    if run_every is not None:
        return float(run_every.total_seconds())
    return 60.0


def beat_entries(beat_schedule: dict[str, dict[str, Any]]) -> list[BeatEntry]:
    """The schedule as (name, task, interval in seconds, kwargs), in declaration order."""
    return [
        BeatEntry(
            name=name,
            task=entry["task"],
            interval=_interval_seconds(entry["schedule"]),
            kwargs=dict(entry.get("kwargs") or {}),
        )
        for name, entry in beat_schedule.items()
    ]


class EmbeddedBeat:
    """Calls each beat entry's task every `interval` seconds until `stop()`."""

    def __init__(self, app: Any, *, tick_seconds: float = 1.0) -> None:
        self.app = app
        self.tick_seconds = tick_seconds
        self.entries = beat_entries(app.conf.beat_schedule)
        self.next_run = dict.fromkeys((e.name for e in self.entries), 0.0)
        self._stop = threading.Event()
        self._missing: set[str] = set()
        self.thread: threading.Thread | None = None

    def tick(self, now: float) -> list[str]:
        """Run every entry that is due at monotonic time `now`; return the tasks run."""
        from django.db import close_old_connections

        ran = []
        for entry in self.entries:
            if now < self.next_run[entry.name]:
                continue
            self.next_run[entry.name] = now + entry.interval
            task = self.app.tasks.get(entry.task)
            if task is None:
                if entry.task not in self._missing:
                    self._missing.add(entry.task)
                    logger.warning("embedded_beat.unknown_task", extra={"task": entry.task})
                continue
            try:
                task.apply(kwargs=entry.kwargs, throw=True)
                ran.append(entry.task)
            except Exception:  # a sweep that fails must not stop the others
                logger.exception("embedded_beat.task_failed", extra={"task": entry.task})
            finally:
                close_old_connections()
        return ran

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.tick(time.monotonic())
            self._stop.wait(self.tick_seconds)

    def start(self) -> threading.Thread:
        self.app.loader.import_default_modules()  # autodiscover every app's tasks.py
        # Every sweep succeeding every 10 s is not news on the console; failures still log.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        self.thread = threading.Thread(
            target=self._loop, name="lifeline-embedded-beat", daemon=True
        )
        self.thread.start()
        return self.thread

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self.thread is not None:
            self.thread.join(timeout)


def start_embedded_beat(*, tick_seconds: float = 1.0) -> EmbeddedBeat:
    from config.celery import app

    beat = EmbeddedBeat(app, tick_seconds=tick_seconds)
    beat.start()
    return beat
