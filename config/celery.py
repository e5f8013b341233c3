"""The Celery app: queues, time limits and the beat schedule, all in code.

Without a broker (the embedded default) tasks run eagerly in-process and `lifeline serve`
runs the beat schedule in a thread, so nothing needs a server.
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("lifeline", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("realtime"), Queue("default"), Queue("bulk"))
app.conf.task_default_queue = "default"
app.conf.beat_schedule = {
    "audit.purge_expired": {
        "task": "audit.purge_expired",
        "schedule": 24 * 3600.0,
    },
}
app.autodiscover_tasks()
