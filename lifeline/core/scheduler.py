"""Run Celery's beat schedule in a thread for the embedded default (no broker, no beat).

Each entry's task is called eagerly at its interval. Production runs `lifeline run beat`
and a worker instead; the work itself is the same task code.
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger(__name__)


def _interval_seconds(schedule: object) -> float:
    if isinstance(schedule, (int, float)):
        return float(schedule)
    run_every = getattr(schedule, "run_every", None)
    if run_every is not None:
        return float(run_every.total_seconds())
    return 60.0


def start_embedded_beat(*, tick_seconds: float = 1.0) -> threading.Thread:
    from config.celery import app

    entries = {
        name: (entry["task"], _interval_seconds(entry["schedule"]), entry.get("kwargs", {}))
        for name, entry in app.conf.beat_schedule.items()
    }
    next_run = dict.fromkeys(entries, 0.0)

    def loop() -> None:
        while True:
            now = time.monotonic()
            for name, (task_name, interval, kwargs) in entries.items():
                if now < next_run[name]:
                    continue
                next_run[name] = now + interval
                try:
                    app.tasks[task_name].apply(kwargs=kwargs)
                except Exception:  # a sweep that fails must not stop the others
                    logger.exception("embedded_beat.task_failed", extra={"task": task_name})
            time.sleep(tick_seconds)

    thread = threading.Thread(target=loop, name="lifeline-embedded-beat", daemon=True)
    thread.start()
    return thread
