"""Input and output serializers of the documents part (conclusions, catalogue, articles,
schedules, analytics)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from lifeline.clinic.enums import ArticleStatus, CatalogueKind
from lifeline.clinic.models.catalogue import Article, CatalogueItem
from lifeline.clinic.models.conclusions import Conclusion, ConclusionItem, ConclusionVersion
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.models.protocols import (
    AssessmentSchedule,
    FollowUpTask,
    ProtocolTemplate,
    ScheduledAssessment,
)
from lifeline.core.api.serializers import ModelOutput
from lifeline.core.dates import planned_date

LANGUAGE_CHOICES = [code for code, _name in settings.LANGUAGES]


# --- conclusions -------------------------------------------------------------------------
class ConclusionItemInput(serializers.Serializer):
    catalogue_code = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    rule_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    scheme = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ConclusionCreateInput(serializers.Serializer):
    evaluation_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    items = ConclusionItemInput(many=True, required=False, default=list)
    free_text = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)


class ConclusionUpdateInput(serializers.Serializer):
    items = ConclusionItemInput(many=True, required=False)
    free_text = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class ConclusionItemOutput(ModelOutput[ConclusionItem]):
    catalogue_code = serializers.SerializerMethodField()

    class Meta:
        model = ConclusionItem
        fields = ("position", "catalogue_code", "rule_id", "title", "scheme")
        read_only_fields = fields

    def get_catalogue_code(self, obj: ConclusionItem) -> str:
        return obj.catalogue_item.code if obj.catalogue_item_id and obj.catalogue_item else ""


class ConclusionVersionOutput(ModelOutput[ConclusionVersion]):
    pdf_file_id = serializers.UUIDField(allow_null=True, read_only=True)
    issued_by_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = ConclusionVersion
        fields = ("number", "created_at", "pdf_file_id", "issued_by_id")
        read_only_fields = fields


class ConclusionOutput(ModelOutput[Conclusion]):
    patient_id = serializers.UUIDField(read_only=True)
    doctor_id = serializers.UUIDField(read_only=True)
    evaluation_id = serializers.UUIDField(allow_null=True, read_only=True)
    items = ConclusionItemOutput(many=True, read_only=True)
    versions = ConclusionVersionOutput(many=True, read_only=True)
    scores = serializers.SerializerMethodField()
    labels = serializers.SerializerMethodField()

    class Meta:
        model = Conclusion
        fields = (
            "id",
            "patient_id",
            "doctor_id",
            "evaluation_id",
            "status",
            "version",
            "language",
            "free_text",
            "scores",
            "labels",
            "items",
            "versions",
            "issued_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_scores(self, obj: Conclusion) -> list[dict[str, Any]]:
        return list(obj.snapshot.get("scores", []))

    def get_labels(self, obj: Conclusion) -> list[Any]:
        return list(obj.snapshot.get("labels", []))


# --- catalogue ---------------------------------------------------------------------------
class CatalogueFilterInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CatalogueKind.choices, required=False, default="")
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    rule_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class CatalogueItemOutput(ModelOutput[CatalogueItem]):
    my_note = serializers.SerializerMethodField()
    rule_ids = serializers.ListField(child=serializers.CharField())
    caution_rule_ids = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = CatalogueItem
        fields = (
            "code",
            "kind",
            "name_en",
            "name_ru",
            "drug_class",
            "start_dose",
            "titration",
            "usual_max_dose",
            "default_scheme_en",
            "default_scheme_ru",
            "rule_ids",
            "caution_rule_ids",
            "evidence",
            "my_note",
        )
        read_only_fields = fields

    def get_my_note(self, obj: CatalogueItem) -> str:
        notes = getattr(obj, "my_notes", None) or []
        return notes[0].text if notes else ""


class CatalogueNoteInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000, allow_blank=True)


class CatalogueNoteOutput(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


# --- articles ----------------------------------------------------------------------------
class ArticleFilterInput(serializers.Serializer):
    drafts = serializers.BooleanField(required=False, default=False)


class ArticleCreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=50000)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False, default="ru")


class ArticleUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    body = serializers.CharField(max_length=50000, required=False)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)


class ArticleOutput(ModelOutput[Article]):
    status = serializers.ChoiceField(choices=ArticleStatus.choices, read_only=True)

    class Meta:
        model = Article
        fields = (
            "id",
            "title",
            "summary",
            "body",
            "language",
            "status",
            "published_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


# --- schedules ---------------------------------------------------------------------------
class ProtocolStepSerializer(serializers.Serializer):
    day = serializers.IntegerField()
    instruments = serializers.ListField(child=serializers.CharField())


class ProtocolOutput(ModelOutput[ProtocolTemplate]):
    steps = ProtocolStepSerializer(many=True)
    organization_id = serializers.UUIDField(allow_null=True, read_only=True)
    is_global = serializers.SerializerMethodField()

    class Meta:
        model = ProtocolTemplate
        fields = (
            "code",
            "name_en",
            "name_ru",
            "steps",
            "is_active",
            "organization_id",
            "is_global",
        )
        read_only_fields = fields

    def get_is_global(self, obj: ProtocolTemplate) -> bool:
        return obj.organization_id is None


class ProtocolFilterInput(serializers.Serializer):
    include_inactive = serializers.BooleanField(required=False, default=False)


class ProtocolCreateInput(serializers.Serializer):
    # Shapes only: the service checks instruments, day order and names (field errors).
    name_en = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    name_ru = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    steps = serializers.JSONField()
    organization_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class ProtocolUpdateInput(serializers.Serializer):
    name_en = serializers.CharField(required=False, allow_blank=True, max_length=200)
    name_ru = serializers.CharField(required=False, allow_blank=True, max_length=200)
    steps = serializers.JSONField(required=False, allow_null=True)


class ProtocolCopyInput(serializers.Serializer):
    organization_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class ScheduleCreateInput(serializers.Serializer):
    protocol_code = serializers.SlugField(max_length=64)
    start_date = serializers.DateField(validators=[planned_date])  # within 5 years of today


class ScheduledAssessmentOutput(ModelOutput[ScheduledAssessment]):
    instruments = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ScheduledAssessment
        fields = (
            "id",
            "instruments",
            "due_at",
            "status",
            "first_reminder_at",
            "second_reminder_at",
            "escalated_at",
            "completed_at",
        )
        read_only_fields = fields


class ScheduleOutput(ModelOutput[AssessmentSchedule]):
    protocol_code = serializers.CharField(source="template.code", read_only=True)
    patient_id = serializers.UUIDField(read_only=True)
    items = ScheduledAssessmentOutput(many=True, read_only=True)

    class Meta:
        model = AssessmentSchedule
        fields = ("id", "patient_id", "protocol_code", "start_date", "cancelled_at", "items")
        read_only_fields = fields


class FollowUpTaskOutput(ModelOutput[FollowUpTask]):
    patient_id = serializers.UUIDField(read_only=True)
    patient_name = serializers.CharField(source="patient.full_name", read_only=True)
    due_at = serializers.DateTimeField(source="scheduled_assessment.due_at", read_only=True)

    class Meta:
        model = FollowUpTask
        fields = ("id", "patient_id", "patient_name", "kind", "status", "due_at", "created_at")
        read_only_fields = fields


# --- analytics ---------------------------------------------------------------------------
class DynamicsFilterInput(serializers.Serializer):
    instrument = serializers.ChoiceField(
        choices=["nrs", "vas", "dn4", "csi", "hads", "painad", "ncsr"], default="nrs"
    )


class DynamicsPointOutput(serializers.Serializer):
    measured_at = serializers.DateTimeField()
    value = serializers.FloatField(allow_null=True)
    band = serializers.CharField()
    subscores = serializers.DictField()
    assessment_id = serializers.UUIDField()
    flags = serializers.ListField(child=serializers.CharField())
    change_from_baseline_percent = serializers.FloatField(allow_null=True)


class TreatmentEventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    label = serializers.CharField()  # type: ignore[assignment]


class DynamicsOutput(serializers.Serializer):
    instrument = serializers.CharField()
    points = DynamicsPointOutput(many=True)
    events = TreatmentEventOutput(many=True)


class CompareInput(serializers.Serializer):
    first = serializers.UUIDField()
    second = serializers.UUIDField()


class ScoreSnapshotOutput(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    band = serializers.CharField()
    subscores = serializers.DictField()


class CompareRowOutput(serializers.Serializer):
    instrument = serializers.CharField()
    first = ScoreSnapshotOutput(allow_null=True)
    second = ScoreSnapshotOutput(allow_null=True)
    delta = serializers.FloatField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())


class DashboardOverdueOutput(serializers.Serializer):
    id = serializers.IntegerField()
    patient_id = serializers.UUIDField()
    patient_name = serializers.CharField(source="patient.full_name")
    instruments = serializers.ListField(child=serializers.CharField())
    due_at = serializers.DateTimeField()


class DashboardPatientOutput(serializers.Serializer):
    patient_id = serializers.UUIDField()
    patient_name = serializers.CharField()


class DashboardWorseningOutput(DashboardPatientOutput):
    before = serializers.FloatField()
    after = serializers.FloatField()
    measured_at = serializers.DateTimeField()


class DashboardOutput(serializers.Serializer):
    patient_count = serializers.IntegerField()
    overdue = DashboardOverdueOutput(many=True)
    red_flags = DashboardPatientOutput(many=True)
    worsening = DashboardWorseningOutput(many=True)


class CohortRowOutput(serializers.Serializer):
    patient_id = serializers.UUIDField()
    patient_name = serializers.CharField()
    mechanism = serializers.CharField()
    baseline = serializers.FloatField(allow_null=True)
    latest = serializers.FloatField(allow_null=True)
    change_percent = serializers.FloatField(allow_null=True)
    responder_30 = serializers.BooleanField()
    responder_50 = serializers.BooleanField()


class CohortOutput(serializers.Serializer):
    patient_count = serializers.IntegerField()
    with_follow_up = serializers.IntegerField()
    mechanisms = serializers.DictField(child=serializers.IntegerField())
    mean_change = serializers.FloatField(allow_null=True)
    mean_change_percent = serializers.FloatField(allow_null=True)
    responders_30 = serializers.IntegerField()
    responders_50 = serializers.IntegerField()
    rows = CohortRowOutput(many=True)


# --- the patient's own record ----------------------------------------------------------------
class MyRecordOutput(ModelOutput[Patient]):
    pain_locations = serializers.ListField(child=serializers.CharField())
    pain_duration = serializers.CharField(allow_null=True, read_only=True)
    reported = serializers.SerializerMethodField()
    red_flags_reported = serializers.SerializerMethodField()
    emergency = serializers.SerializerMethodField()

    class Meta:
        model = Patient
        fields = (
            "id",
            "full_name",
            "date_of_birth",
            "email",
            "phone",
            "pain_locations",
            "pain_onset_date",
            "pain_duration",
            "reported",
            "red_flags_reported",
            "emergency",
            "updated_at",
        )
        read_only_fields = fields

    def get_reported(self, obj: Patient) -> dict[str, Any]:
        from lifeline.clinic.services.patients import patient_reported

        return patient_reported(obj)

    def get_red_flags_reported(self, obj: Patient) -> list[str]:
        from lifeline.clinic.services.patients import PATIENT_RED_FLAGS

        clinical = obj.clinical or {}
        return [name for name in PATIENT_RED_FLAGS if clinical.get(name) is True]

    def get_emergency(self, obj: Patient) -> bool:
        """A reported RF-1 sign: the app tells the patient to call emergency services now."""
        from lifeline.clinic.services.patients import EMERGENCY_RED_FLAGS

        clinical = obj.clinical or {}
        return any(clinical.get(name) is True for name in EMERGENCY_RED_FLAGS)


class MyRecordClinicalInput(serializers.Serializer):
    """The patient-reported inputs (spec §C.2); `null` clears one. Values are checked by the
    engine's dictionary in the service."""

    nrs_now = serializers.JSONField(required=False, allow_null=True)
    nrs_avg24h = serializers.JSONField(required=False, allow_null=True)
    vas_mm = serializers.JSONField(required=False, allow_null=True)
    pain_distribution = serializers.JSONField(required=False, allow_null=True)
    new_pain_location = serializers.JSONField(required=False, allow_null=True)
    pain_limits_daily_life = serializers.JSONField(required=False, allow_null=True)
    current_meds = serializers.JSONField(required=False, allow_null=True)
    adverse_effects = serializers.JSONField(required=False, allow_null=True)
    new_focal_deficit = serializers.JSONField(required=False, allow_null=True)
    sudden_severe_headache = serializers.JSONField(required=False, allow_null=True)
    reduced_consciousness = serializers.JSONField(required=False, allow_null=True)
    acute_limb_swelling = serializers.JSONField(required=False, allow_null=True)
    fall_or_trauma_with_new_pain = serializers.JSONField(required=False, allow_null=True)
    self_harm = serializers.JSONField(required=False, allow_null=True)


class MyRecordUpdateInput(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    pain_locations = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=30
    )
    pain_onset_date = serializers.DateField(required=False, allow_null=True)
    clinical = MyRecordClinicalInput(required=False)
