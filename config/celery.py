"""The Celery app: queues, time limits and the beat schedule, all in code.

Without a broker (the embedded default) tasks run eagerly in-process and `lifeline serve`
runs the beat schedule in a thread, so nothing needs a server.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, signals
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("lifeline", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("realtime"), Queue("default"), Queue("bulk"))
app.conf.task_default_queue = "default"
app.conf.beat_schedule = {
    # Runs the database-stored deadlines (lifeline.jobs); a missed tick loses nothing.
    "jobs.run_due": {
        "task": "jobs.run_due",
        "schedule": 10.0,
        "options": {"expires": 10},
    },
    "audit.purge_expired": {
        "task": "audit.purge_expired",
        "schedule": 24 * 3600.0,
    },
}
# Sends deliveries deferred by quiet hours and re-sends lost ones (lifeline.notifications).
# Every 5 s: a critical delivery (an SOS push) whose worker died is sent again within
# seconds (lifeline/notifications/delivery.py, CRITICAL_*); the query is one index range.
app.conf.beat_schedule["notifications.send_due"] = {
    "task": "notifications.send_due",
    "schedule": 5.0,
    "options": {"expires": 5},
}
# Deletes resumable uploads past their expiry and their staging files (lifeline.files).
app.conf.beat_schedule["files.purge_expired_uploads"] = {
    "task": "files.purge_expired_uploads",
    "schedule": 3600.0,
}
# Deletes stored files nobody attached within LIFELINE_UPLOAD_UNATTACHED_HOURS (lifeline.files).
app.conf.beat_schedule["files.purge_unattached"] = {
    "task": "files.purge_unattached",
    "schedule": 3600.0,
}
# Deletes archived clinic patients whose scheduled deletion date has passed.
app.conf.beat_schedule["clinic.purge_archived_patients"] = {
    "task": "clinic.purge_archived_patients",
    "schedule": 24 * 3600.0,
}
# Erases messages past LIFELINE_CHAT_RETENTION_DAYS (a no-op with the default 0).
app.conf.beat_schedule["chat.purge_expired"] = {
    "task": "chat.purge_expired",
    "schedule": 24 * 3600.0,
}
# Deletes device location tracks older than the SOS track retention.
app.conf.beat_schedule["sos.purge_tracks"] = {
    "task": "sos.purge_tracks",
    "schedule": 24 * 3600.0,
}
# Writes buffered device track points to the database in chunks (lifeline/sos/ingest.py);
# a burst also kicks it at once. Only with Redis and a real worker; otherwise points are
# written in the request.
app.conf.beat_schedule["sos.drain_locations"] = {
    "task": "sos.drain_locations",
    "schedule": 1.0,
    "options": {"queue": "bulk", "expires": 1},
}
# The SOS deadlines: helper rounds whose task was lost (a killed worker), the next wider
# round, escalations, unsent contact messages (lifeline/sos/services/deadlines.py). A missed tick
# loses nothing: the deadlines stay in the database until a sweep records them.
app.conf.beat_schedule["sos.run_due"] = {
    "task": "sos.run_due",
    "schedule": 2.0,
    "options": {"queue": "realtime", "expires": 2},
}
# Freelance orders: reminders a day before auto-completion, then auto-completion N days after
# a delivery (lifeline/freelance/services/deadlines.py); the deadlines are columns on the orders.
app.conf.beat_schedule["freelance.run_due"] = {
    "task": "freelance.run_due",
    "schedule": 60.0,
    "options": {"expires": 60},
}

# Field service: Mango events not processed yet (a lost drain message, a killed worker),
# callbacks past their SLA (escalated to managers). Their truth is in the database
# (MangoEvent.processed_at, CallbackTask.due_at).
app.conf.beat_schedule["fieldservice.run_due"] = {
    "task": "fieldservice.run_due",
    "schedule": 15.0,
    "options": {"queue": "realtime", "expires": 15},
}
# Field service: call recordings mailed by the PBX (IMAP, off unless FIELDSERVICE_IMAP_* set).
app.conf.beat_schedule["fieldservice.poll_mailbox"] = {
    "task": "fieldservice.poll_mailbox",
    "schedule": 300.0,
    "options": {"expires": 300},
}
app.conf.task_routes = {
    "fieldservice.drain_mango_events": {"queue": "realtime"},
    "fieldservice.process_mango_event": {"queue": "realtime"},
    "fieldservice.run_due": {"queue": "realtime"},
    "sos.drain_locations": {"queue": "bulk"},
    "sos.alert_helpers": {"queue": "realtime"},
    "sos.run_due": {"queue": "realtime"},
}
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_database_connections(sender: Any = None, **kwargs: Any) -> None:
    """What Django does around each request, around each task run by a worker: close the
    connections that are broken or older than CONN_MAX_AGE, keep the others. Eager tasks
    run inside the caller's request or transaction and are left alone."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
