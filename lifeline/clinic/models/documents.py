"""Clinic documents: conclusions (with their version history), the drug and therapy catalogue
with doctors' private notes, articles for patients, and assessment schedules with reminders.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifeline.core.models import TimestampedModel, UUIDModel

__all__ = [
    "Article",
    "ArticleStatus",
    "AssessmentSchedule",
    "CatalogueItem",
    "CatalogueKind",
    "Conclusion",
    "ConclusionItem",
    "ConclusionStatus",
    "ConclusionVersion",
    "DoctorNote",
    "FollowUpTask",
    "FollowUpTaskStatus",
    "ProtocolTemplate",
    "ScheduledAssessment",
    "ScheduledAssessmentStatus",
]


class CatalogueKind(models.TextChoices):
    DRUG = "drug", _("Drug")
    THERAPY = "therapy", _("Non-drug therapy")


class CatalogueItem(TimestampedModel):
    """A drug or therapy of the reference catalogue, keyed by a stable `code`.

    Seeded from the spec's drug card (§C.11) and the T-rules (management command
    `clinic_seed_catalogue`, also run by a data migration). `rule_ids` are the T-rules that
    suggest it, `caution_rule_ids` the X-rules that check it. Doses are reference values for
    the physician, never instructions.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CatalogueKind.choices)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    drug_class = models.CharField(_("class"), max_length=120, blank=True)
    start_dose = models.CharField(_("start"), max_length=200, blank=True)
    titration = models.CharField(_("titration"), max_length=200, blank=True)
    usual_max_dose = models.CharField(_("usual / max daily dose"), max_length=200, blank=True)
    default_scheme_en = models.TextField(_("default scheme (English)"), blank=True)
    default_scheme_ru = models.TextField(_("default scheme (Russian)"), blank=True)
    rule_ids = models.JSONField(_("suggesting rules"), default=list, blank=True)
    caution_rule_ids = models.JSONField(_("safety rules"), default=list, blank=True)
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["kind", "code"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CatalogueKind.values),
                name="clinic_catalogueitem_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return self.name_ru if language.startswith("ru") else self.name_en

    def default_scheme(self, language: str) -> str:
        return self.default_scheme_ru if language.startswith("ru") else self.default_scheme_en


class DoctorNote(TimestampedModel):
    """A doctor's private note on a catalogue item; only its author ever sees it."""

    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="notes")
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_catalogue_notes"
    )
    text = models.TextField(_("note"), max_length=5000)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["item", "doctor"], name="clinic_doctornote_unique")
        ]


class ConclusionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class Conclusion(UUIDModel):
    """A consultative conclusion for a patient, built by a doctor from an evaluation.

    Editable while a draft; issuing renders the PDF and freezes the content as a
    `ConclusionVersion`. Amending an issued conclusion opens a new draft version; every
    issued version (and its PDF) stays in the history.
    """

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.CASCADE, related_name="conclusions"
    )
    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="clinic_conclusions"
    )
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinic_conclusions"
    )
    evaluation = models.ForeignKey(
        "clinic.Evaluation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conclusions",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ConclusionStatus.choices, default=ConclusionStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    language = models.CharField(max_length=8, default="ru")
    free_text = models.TextField(_("comments"), max_length=10000, blank=True)
    # Scores and labels copied from the evaluation when the draft is created, so the
    # document does not change if anything upstream does.
    snapshot = models.JSONField(default=dict, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["patient", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.patient_id} v{self.version} {self.status}"


class ConclusionItem(models.Model):
    """One chosen treatment option of a conclusion, with the doctor's scheme."""

    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    catalogue_item = models.ForeignKey(
        CatalogueItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(_("option"), max_length=300)
    scheme = models.TextField(_("scheme"), max_length=2000, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class ConclusionVersion(TimestampedModel):
    """One issued version of a conclusion: the frozen content and its PDF. Never edited."""

    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField(default=dict)
    pdf = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["conclusion", "number"], name="clinic_conclusionversion_unique"
            )
        ]


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Article(UUIDModel):
    """An article or news item for patients. Only published ones are visible to readers."""

    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=1000, blank=True)
    body = models.TextField(_("text"), max_length=50000)
    language = models.CharField(_("language"), max_length=8, default="ru")
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-published_at", "-created_at", "-id"]
        permissions = [("manage_articles", "Can write and publish articles for patients")]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title


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


class ScheduledAssessmentStatus(models.TextChoices):
    PENDING = "pending", _("Due")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


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


class FollowUpTaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


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
