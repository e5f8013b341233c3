"""Input and output shapes of the ambulance API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lifeline.ambulance.enums import (
    CREW_STEP_CHOICES,
    LISTABLE_STATUS_CHOICES,
    CallStatus,
    Criticality,
    EquipmentClass,
    RejectReason,
    Sex,
    TroubleKind,
)
from lifeline.ambulance.models import Call, Car, Team
from lifeline.ambulance.services.calls import CallIntake
from lifeline.core.api.serializers import ModelOutput
from lifeline.core.dates import device_timestamp, historical_date


# --- calls --------------------------------------------------------------------------------
class CallListQuery(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=LISTABLE_STATUS_CHOICES,
        required=False,
        default=CallStatus.NEW,
        help_text="NEW (the queue) by default.",
    )


class CallCreateInput(serializers.Serializer[Any]):
    station = serializers.UUIDField(
        required=False, help_text="Needed only for dispatchers of several stations."
    )
    reason = serializers.CharField(max_length=300)
    address = serializers.CharField(max_length=300)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    criticality = serializers.ChoiceField(choices=Criticality.choices)
    caller_phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default=""
    )
    patient_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    patient_sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    patient_age = serializers.IntegerField(
        min_value=0, max_value=150, required=False, allow_null=True, default=None
    )
    patient_birth_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[historical_date]
    )
    determinant_code = serializers.CharField(
        max_length=16, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")

    def intake(self) -> CallIntake:
        data = dict(self.validated_data)
        data.pop("station", None)
        return CallIntake(**data)


class IntakeCallInput(CallCreateInput):
    station = None  # type: ignore[assignment]  # the key decides the station


class TeamBriefOutput(ModelOutput[Team]):
    car_plate = serializers.CharField(source="car.plate", read_only=True)

    class Meta:
        model = Team
        fields = ("id", "name", "car_plate")


class CallListItemOutput(ModelOutput[Call]):
    team = TeamBriefOutput(read_only=True, allow_null=True)
    waiting_seconds = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = (
            "id",
            "number",
            "status",
            "criticality",
            "determinant_code",
            "source",
            "reason",
            "address",
            "lat",
            "lon",
            "received_at",
            "waiting_seconds",
            "requeued",
            "team",
        )

    def get_waiting_seconds(self, call: Call) -> int:
        end = call.assigned_at or call.closed_at or timezone.now()
        if call.status == CallStatus.NEW:
            end = timezone.now()
        return max(0, int((end - call.received_at).total_seconds()))


class CallOutput(CallListItemOutput):
    reject_reason = serializers.ChoiceField(
        choices=RejectReason.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Call
        fields = (
            *CallListItemOutput.Meta.fields,
            "caller_phone",
            "patient_name",
            "patient_sex",
            "patient_age",
            "patient_birth_date",
            "notes",
            "suggested_team",
            "override_reason",
            "reject_reason",
            "close_note",
            "duplicate_of",
            "sos_event_id",
            "assigned_at",
            "en_route_at",
            "on_scene_at",
            "at_patient_at",
            "transporting_at",
            "at_hospital_at",
            "completed_at",
            "closed_at",
        )


class IntakeCallOutput(ModelOutput[Call]):
    class Meta:
        model = Call
        fields = ("id", "number", "status", "criticality", "received_at")


class SuggestedTeamOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    car_plate = serializers.CharField()


class CallSuggestionOutput(serializers.Serializer[Any]):
    team = SuggestedTeamOutput()
    distance_m = serializers.IntegerField(allow_null=True)
    eta_seconds = serializers.IntegerField(allow_null=True)
    eta_source = serializers.ChoiceField(
        choices=[("road", "road"), ("great_circle", "great_circle"), ("", "unknown")],
        help_text="road: OSRM table; great_circle: straight distance at the configured speed; "
        "empty: the team's position is unknown.",
    )


class CallAssignInput(serializers.Serializer[Any]):
    team = serializers.UUIDField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CallRejectInput(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=RejectReason.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    duplicate_of = serializers.UUIDField(required=False, allow_null=True, default=None)


class CallCancelInput(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300)


class CallAdvanceInput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=CREW_STEP_CHOICES)


class CallTroubleInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=TroubleKind.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# --- teams --------------------------------------------------------------------------------
class MemberOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="user.id")
    name = serializers.CharField(source="user.display_name")


class TeamOutput(ModelOutput[Team]):
    car_plate = serializers.CharField(source="car.plate", read_only=True)
    car_serviceable = serializers.BooleanField(source="car.is_serviceable", read_only=True)
    members = MemberOutput(source="active_members", many=True, read_only=True)
    is_busy = serializers.BooleanField(read_only=True)

    class Meta:
        model = Team
        fields = (
            "id",
            "name",
            "car",
            "car_plate",
            "car_serviceable",
            "lead",
            "members",
            "on_shift",
            "is_busy",
            "lat",
            "lon",
            "position_at",
        )


class TeamCreateInput(serializers.Serializer[Any]):
    station = serializers.UUIDField(required=False)
    name = serializers.CharField(max_length=100)
    car = serializers.UUIDField()
    members = serializers.ListField(child=serializers.UUIDField(), max_length=10)
    lead = serializers.UUIDField()
    on_shift = serializers.BooleanField(required=False, default=False)


class TeamShiftInput(serializers.Serializer[Any]):
    on_shift = serializers.BooleanField()


# A phone's clock reading: at most a year old, at most 30 s ahead (as SOS locations).
POSITION_TIMESTAMP = device_timestamp(future=timedelta(seconds=30))


class PositionInput(serializers.Serializer[Any]):
    """As an SOS location: coordinates in range, an optional accuracy (m) and the phone's
    time of the fix (plausible; an older fix than the stored one is not applied)."""

    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    accuracy = serializers.FloatField(min_value=0, required=False, allow_null=True)
    timestamp = serializers.DateTimeField(
        required=False, allow_null=True, validators=[POSITION_TIMESTAMP]
    )


# --- cars ---------------------------------------------------------------------------------
class CarOutput(ModelOutput[Car]):
    in_team = serializers.BooleanField(read_only=True)

    class Meta:
        model = Car
        fields = (
            "id",
            "plate",
            "model",
            "equipment_class",
            "is_serviceable",
            "unserviceable_reason",
            "in_team",
        )


class CarCreateInput(serializers.Serializer[Any]):
    station = serializers.UUIDField(required=False)
    plate = serializers.CharField(max_length=20)
    model = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    equipment_class = serializers.ChoiceField(choices=EquipmentClass.choices)


class CarUpdateInput(serializers.Serializer[Any]):
    plate = serializers.CharField(max_length=20, required=False)
    model = serializers.CharField(max_length=100, required=False, allow_blank=True)
    equipment_class = serializers.ChoiceField(choices=EquipmentClass.choices, required=False)


class CarServiceableInput(serializers.Serializer[Any]):
    is_serviceable = serializers.BooleanField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# --- reports ------------------------------------------------------------------------------
class ReportQuery(serializers.Serializer[Any]):
    start = serializers.DateField(required=False, validators=[historical_date])
    end = serializers.DateField(required=False, validators=[historical_date])
    team = serializers.UUIDField(required=False)
    station = serializers.UUIDField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = timezone.localdate()
        attrs.setdefault("end", today)
        attrs.setdefault("start", attrs["end"] - timedelta(days=29))
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"start": [_("The start is after the end.")]})
        if (attrs["end"] - attrs["start"]).days > 366:
            raise serializers.ValidationError({"start": [_("Choose at most a year.")]})
        return attrs


class IntervalRowOutput(serializers.Serializer[Any]):
    criticality = serializers.CharField()
    interval = serializers.CharField()
    count = serializers.IntegerField()
    p50_seconds = serializers.FloatField(allow_null=True)
    p90_seconds = serializers.FloatField(allow_null=True)
    target_seconds = serializers.IntegerField(allow_null=True)
    within_target_share = serializers.FloatField(allow_null=True)


class OutcomesOutput(serializers.Serializer[Any]):
    completed = serializers.IntegerField()
    rejected = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    open = serializers.IntegerField()
    trouble = serializers.IntegerField()


class TeamLoadOutput(serializers.Serializer[Any]):
    team_id = serializers.UUIDField()
    team = serializers.CharField()
    calls = serializers.IntegerField(help_text="Calls the team was assigned in the period.")
    completed = serializers.IntegerField()
    busy_seconds = serializers.IntegerField(
        help_text="Assigned to completed or closed (to now while in progress), summed."
    )


class IntervalReportOutput(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    outcomes = OutcomesOutput()
    intervals = IntervalRowOutput(many=True)
    team_load = TeamLoadOutput(many=True)
