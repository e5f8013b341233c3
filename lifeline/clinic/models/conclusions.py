"""Consultative conclusions with their items and issued versions (the PDF of each)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifeline.clinic.enums import ConclusionStatus
from lifeline.clinic.models.catalogue import CatalogueItem
from lifeline.core.models import TimestampedModel, UUIDModel


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
