"""Input and output serializers of the clinic API:
patients, care teams and the patient's own record."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lifeline.clinic.enums import (
    LesionSide,
    Sex,
    StrokeType,
)
from lifeline.clinic.models.patients import Patient
from lifeline.core.api.serializers import ModelOutput


class PatientListOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    full_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    organization_id = serializers.UUIDField()
    is_test = serializers.BooleanField()
    is_archived = serializers.BooleanField()
    pain_duration = serializers.CharField(allow_null=True)
    last_assessment_at = serializers.DateTimeField(allow_null=True, required=False)


class PatientOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    organization_id = serializers.UUIDField()
    user_id = serializers.UUIDField(allow_null=True)
    full_name = serializers.CharField()
    is_test = serializers.BooleanField()
    date_of_birth = serializers.DateField(allow_null=True)
    age = serializers.IntegerField(allow_null=True)
    sex = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    diagnosis = serializers.CharField(allow_blank=True)
    stroke_date = serializers.DateField(allow_null=True)
    stroke_type = serializers.CharField()
    lesion_side = serializers.CharField()
    lesion_site = serializers.CharField(allow_blank=True)
    pain_locations = serializers.ListField(child=serializers.CharField())
    pain_onset_date = serializers.DateField(allow_null=True)
    pain_duration = serializers.CharField(allow_null=True)
    clinical = serializers.DictField()
    notes = serializers.CharField(allow_blank=True)
    is_archived = serializers.BooleanField()
    archived_at = serializers.DateTimeField(allow_null=True)
    scheduled_deletion_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class PatientWriteInput(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=200, required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    diagnosis = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    stroke_date = serializers.DateField(required=False, allow_null=True)
    stroke_type = serializers.ChoiceField(choices=StrokeType.choices, required=False)
    lesion_side = serializers.ChoiceField(choices=LesionSide.choices, required=False)
    lesion_site = serializers.CharField(max_length=200, required=False, allow_blank=True)
    pain_locations = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=30
    )
    pain_onset_date = serializers.DateField(required=False, allow_null=True)
    clinical = serializers.DictField(required=False)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class PatientCreateInput(PatientWriteInput):
    full_name = serializers.CharField(max_length=200)
    organization = serializers.UUIDField(required=False)


class PatientListFilterInput(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    archived = serializers.BooleanField(required=False, default=False)


class CareTeamMemberOutput(serializers.Serializer[Any]):
    doctor_id = serializers.UUIDField()
    doctor_name = serializers.CharField(source="doctor.display_name")
    assigned_at = serializers.DateTimeField(source="created_at")


class CareTeamAssignInput(serializers.Serializer[Any]):
    doctor = serializers.UUIDField()


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
