"""Delayed work stored as a deadline in the database, run once by a periodic sweep."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.core.models import UUIDModel


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    # A context: the project catalogue is searched first, and a bare "Done" here would
    # rename every «Готово» of the domain modules.
    DONE = "done", pgettext_lazy("job status", "Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ScheduledJob(UUIDModel):
    """Run the Celery task `task_name(**kwargs)` once, at or after `run_at`.

    The sweep `jobs.run_due` claims due rows (`lifeline.core.jobs.claim_due`), marks them
    running with a claim token in `claimed_by`, and sends `jobs.execute` for each. The task
    runs in one transaction with the row that marks the job done, so its database writes
    happen exactly once; a worker that dies mid-run leaves the job running until its lease
    expires, then the next sweep takes it again. `idempotency_key` makes scheduling the same
    thing twice (a retried request) a no-op.
    """

    task_name = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    queue = models.CharField(_("queue"), max_length=64, default="default")
    run_at = models.DateTimeField(_("run at"))
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=5)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claim token"), max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=200, null=True, blank=True, unique=True
    )

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering: ClassVar[list[str]] = ["run_at"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["status", "run_at"])]

    def __str__(self) -> str:
        return f"{self.task_name} at {self.run_at:%Y-%m-%d %H:%M:%S} ({self.status})"
