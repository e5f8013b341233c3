"""Enqueue a Celery task by name after commit: the one way services start background work.

Services never import a `tasks` module (tasks are an entry layer, like `api/`: they import
services). A service asks for work by the task's registered name:

    from lifeline.core.tasks import enqueue_on_commit

    enqueue_on_commit("sos.alert_helpers", kwargs={"event_id": str(event.pk), "round_no": 0})

The message is sent only once the caller's transaction commits (a rolled-back request sends
nothing). Without a broker (the embedded default, and the test suite) Celery runs eagerly and
the task runs in-process at commit, as `delay_on_commit` would.

A broker message is a fast path, never the truth: work that must happen (an SOS round, an
escalation, a delivery) is also a deadline in the database that a periodic sweep re-runs
(ARCHITECTURE.md, decision 5), so a lost message or a killed worker only delays it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction


def task_by_name(task_name: str) -> Any:
    """The registered task `task_name` (a job runs it in-process by name: `jobs.services`)."""
    from celery import current_app

    tasks = current_app.tasks
    if task_name not in tasks:
        current_app.loader.import_default_modules()  # autodiscovery is lazy outside a worker
    return tasks[task_name]


def _send(
    task_name: str,
    kwargs: dict[str, Any],
    queue: str | None,
    expires: float | None = None,
    countdown: float | None = None,
) -> None:
    from celery import current_app

    options: dict[str, Any] = {"queue": queue} if queue else {}
    if expires is not None:
        options["expires"] = expires
    if countdown is not None:
        options["countdown"] = countdown
    if current_app.conf.task_always_eager:
        task_by_name(task_name).apply_async(kwargs=kwargs, **options)
        return
    current_app.send_task(task_name, kwargs=kwargs, **options)


def enqueue_on_commit(
    task_name: str,
    *,
    kwargs: dict[str, Any] | None = None,
    queue: str | None = None,
    expires: float | None = None,
    countdown: float | None = None,
) -> None:
    """Send `task_name(**kwargs)` to the broker (or run it eagerly) after commit.

    `kwargs` must be JSON (ids and primitives). `queue` overrides the task's route.
    `expires` (seconds): a worker that receives the message later discards it (for work
    that a periodic task redoes anyway, such as a drain kick). `countdown` (seconds): the
    worker runs it no earlier than that after sending (an eager run ignores it). Outside a
    transaction the message is sent at once.
    """
    if countdown is None:
        transaction.on_commit(partial(_send, task_name, dict(kwargs or {}), queue, expires))
        return
    transaction.on_commit(partial(_send, task_name, dict(kwargs or {}), queue, expires, countdown))
