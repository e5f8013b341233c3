"""Assessment sessions, stored scores, evaluations and physician decisions."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifeline.clinic.enums import (
    Administration,
    AssessmentMode,
    AssessmentStatus,
    DecisionAction,
    LabelAction,
    Respondent,
)
from lifeline.core.models import TimestampedModel, UUIDModel


class Assessment(UUIDModel):
    """One assessment session: a list of instruments answered in one sitting.

    `answers` is `{"<instrument>": {"<item id>": <answer>, ...}, ...}`; it is autosaved while the
    status is draft and frozen on submit. `position` remembers where the respondent stopped
    (`{"instrument": "csi", "item": "csi-7"}`) so a session resumes where it was left.
    """

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.CASCADE, related_name="assessments"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    instruments = models.JSONField(_("instruments"), default=list)
    instrument_versions = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="ru")
    mode = models.CharField(
        _("mode"), max_length=16, choices=AssessmentMode.choices, default=AssessmentMode.PATIENT
    )
    respondent = models.CharField(
        _("respondent"), max_length=16, choices=Respondent.choices, default=Respondent.PATIENT
    )
    administration = models.CharField(
        _("administration"),
        max_length=32,
        choices=Administration.choices,
        default=Administration.SELF_TABLET,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    answers = models.JSONField(default=dict, blank=True)
    position = models.JSONField(default=dict, blank=True)
    autosave_count = models.PositiveIntegerField(default=0)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["patient", "status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {','.join(self.instruments)} {self.status}"


class Score(TimestampedModel):
    """The stored score of one instrument in one submitted assessment (queryable per patient).

    `instrument` is the engine's instrument id (`vas`, `nrs`, `dn4`, `csi`, `hads`, `painad`,
    `ncsr`); `value` is its main total (HADS: anxiety + depression live in `subscores`),
    `band` the band code, `result` the engine's full score dict.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    patient = models.ForeignKey("clinic.Patient", on_delete=models.CASCADE, related_name="scores")
    instrument = models.CharField(max_length=32)
    instrument_version = models.CharField(max_length=32, blank=True)
    value = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=64, blank=True)
    subscores = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    prorated = models.BooleanField(default=False)
    provisional = models.BooleanField(default=False)
    measured_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-measured_at", "instrument"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["assessment", "instrument"], name="clinic_score_unique_instrument"
            )
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["patient", "instrument", "-measured_at"]),
        ]


class Evaluation(UUIDModel):
    """One run of the rule set (spec §C.9 output record). Never edited after creation."""

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.CASCADE, related_name="evaluations"
    )
    assessment = models.OneToOneField(
        Assessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluation",
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ruleset_version = models.CharField(max_length=32)
    inputs_snapshot = models.JSONField(default=dict)
    inputs_hash = models.CharField(max_length=64)
    scores = models.JSONField(default=dict)
    labels = models.JSONField(default=list)
    suggestions = models.JSONField(default=list)
    safety = models.JSONField(default=list)
    red_flags = models.JSONField(default=list)
    follow_up = models.JSONField(default=list)
    has_red_flags = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["patient", "-created_at"]),
        ]


class SuggestionDecision(models.Model):
    """A physician's decision on one suggestion of an evaluation. Append-only log.

    A suggestion is a rule id *and* an option (T-6 suggests three options). The latest row
    per (evaluation, rule_id, option) is that suggestion's current decision; earlier rows
    stay. `selectors.evaluation_suggestions` is the one reader that matches them.
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="decisions")
    rule_id = models.CharField(max_length=64)
    option = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=16, choices=DecisionAction.choices)
    reason = models.TextField(max_length=2000, blank=True)
    modification = models.TextField(max_length=2000, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["evaluation", "rule_id"])]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("SuggestionDecision rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("SuggestionDecision rows are append-only")


class LabelDecision(models.Model):
    """A physician's decision on one mechanism label of an evaluation (spec §C.0.3). Append-only.

    The engine's labels (`Evaluation.labels`) are never edited: the latest row per
    (evaluation, code) is the label's current clinician status; earlier rows stay as history.
    """

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="label_decisions"
    )
    code = models.CharField(max_length=64)
    action = models.CharField(max_length=16, choices=LabelAction.choices)
    reason = models.TextField(max_length=2000, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["evaluation", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("LabelDecision rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("LabelDecision rows are append-only")
