"""Input and output serializers of the clinic API:
protocol templates, schedules and follow-up tasks."""

from __future__ import annotations

from rest_framework import serializers

from lifeline.clinic.models.protocols import (
    AssessmentSchedule,
    FollowUpTask,
    ProtocolTemplate,
    ScheduledAssessment,
)
from lifeline.core.api.serializers import ModelOutput
from lifeline.core.dates import planned_date


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
