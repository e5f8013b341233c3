"""Input and output serializers of the clinic API: dynamics, comparison, dashboard and cohort."""

from __future__ import annotations

from rest_framework import serializers


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
