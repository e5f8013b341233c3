"""Protocol templates, the assessment schedules made from them, their due assessments and
the follow-up tasks of missed ones."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifeline.clinic.enums import FollowUpTaskStatus, ScheduledAssessmentStatus
from lifeline.core.models import TimestampedModel


class ProtocolTemplate(TimestampedModel):
    """A follow-up protocol (spec F-1): which instruments are due how many days after start.

    `steps` is `[{"day": 0, "instruments": ["nrs", "dn4", "csi", "hads"]}, ...]`.
    A template without an organization is global (seeded, read-only for clinics); one with an
    organization is that clinic's own and editable by its editors.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    organization = models.ForeignKey(
        "access.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    steps = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return self.name_ru if language.startswith("ru") else self.name_en


class AssessmentSchedule(TimestampedModel):
    """A protocol applied to a patient from `start_date`; it creates the due assessments."""

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.CASCADE, related_name="schedules"
    )
    template = models.ForeignKey(ProtocolTemplate, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("start date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)


class ScheduledAssessment(TimestampedModel):
    """One due assessment with its reminder state (spec F-7: due date, +3 days, then a task)."""

    schedule = models.ForeignKey(AssessmentSchedule, on_delete=models.CASCADE, related_name="items")
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.CASCADE, related_name="scheduled_assessments"
    )
    instruments = models.JSONField(default=list)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        max_length=16,
        choices=ScheduledAssessmentStatus.choices,
        default=ScheduledAssessmentStatus.PENDING,
    )
    first_reminder_at = models.DateTimeField(null=True, blank=True)
    second_reminder_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["due_at", "id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["patient", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
        ]


class FollowUpTask(TimestampedModel):
    """A task for the care team, e.g. to phone a patient who missed an assessment (F-7)."""

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.CASCADE, related_name="follow_up_tasks"
    )
    scheduled_assessment = models.OneToOneField(
        ScheduledAssessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="task",
    )
    kind = models.CharField(max_length=64, default="missed_assessment")
    status = models.CharField(
        max_length=16, choices=FollowUpTaskStatus.choices, default=FollowUpTaskStatus.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["status", "-created_at"]
