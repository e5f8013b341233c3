"""Input and output shapes of the sos API (the seed's mobile contract, extended by adding)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lifeline.core.dates import DEVICE_TIMESTAMP_MAX_AGE, device_timestamp, plausible_datetime
from lifeline.sos import conf
from lifeline.sos.enums import DetectedType, SeenVia
from lifeline.sos.models import (
    EMERGENCY_NOTES_MAX_LENGTH,
    Device,
)


def _timestamp_skew() -> timedelta:
    return timedelta(seconds=int(conf.get("TIMESTAMP_SKEW_SECONDS")))


# A device's clock reading (a location's time): at most a year old, at most
# SOS_TIMESTAMP_SKEW_SECONDS ahead (lifeline.core.dates).
DEVICE_TIMESTAMP = device_timestamp(future=_timestamp_skew)
NOT_AHEAD = plausible_datetime(past=None, future=_timestamp_skew)


def sos_timestamp(value: datetime) -> datetime:
    """The time of an SOS: the device's reading, or now if the reading is over a year old.

    An SOS is never refused for a device clock that was reset (watches fall back to 1970 or
    2000 after a flat battery): the time of receipt stands in. A reading ahead of the skew is
    refused as before (NOT_AHEAD, the seed's contract).
    """
    now = timezone.now()
    return now if value < now - DEVICE_TIMESTAMP_MAX_AGE else value


# --- devices ------------------------------------------------------------------------------
class SosDeviceCreateInput(serializers.Serializer[Any]):
    # A malformed id gets the message of a taken one (services.device_register): the answer
    # never says that an id is registered.
    device_uid = serializers.RegexField(
        r"^[A-Za-z0-9_.:\-]{1,128}$",
        max_length=128,
        error_messages={"invalid": _("This device id cannot be registered.")},
    )
    model = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    sim_number = serializers.CharField(
        max_length=32, required=False, allow_null=True, allow_blank=True, default=None
    )


class SosDeviceUpdateInput(serializers.Serializer[Any]):
    model = serializers.CharField(max_length=128, required=False, allow_blank=True)
    sim_number = serializers.CharField(
        max_length=32, required=False, allow_null=True, allow_blank=True
    )


class SosDeviceCreateOutput(serializers.Serializer[Any]):
    """The seed's 201 body exactly: uuid, device_uid, model, sim_number."""

    uuid = serializers.UUIDField(source="id")
    device_uid = serializers.CharField()
    model = serializers.CharField()
    sim_number = serializers.CharField(allow_null=True)


class SosDeviceOutput(SosDeviceCreateOutput):
    battery_level = serializers.IntegerField(allow_null=True)
    is_online = serializers.SerializerMethodField()
    last_seen_via = serializers.CharField(allow_null=True)
    last_update = serializers.DateTimeField(source="last_seen_at", allow_null=True)
    lat = serializers.FloatField(source="last_lat", allow_null=True)
    lon = serializers.FloatField(source="last_lon", allow_null=True)
    location_at = serializers.DateTimeField(source="last_location_at", allow_null=True)
    has_token = serializers.SerializerMethodField()
    token_hint = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_is_online(self, device: Device) -> bool:
        """Reported online and heard from within SOS_DEVICE_STALE_SECONDS."""
        return device.online_at()

    def get_has_token(self, device: Device) -> bool:
        return bool(device.token_hash)


class SosDeviceStatusInput(serializers.Serializer[Any]):
    battery_level = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )
    is_online = serializers.BooleanField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90.0, max_value=90.0)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180.0, max_value=180.0)
    last_seen_via = serializers.ChoiceField(
        choices=SeenVia.choices, required=False, allow_null=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("lat") is None) != (attrs.get("lon") is None):
            raise serializers.ValidationError({"lat": [_("Send lat and lon together.")]})
        return attrs


class SosDeviceLocationInput(serializers.Serializer[Any]):
    lat = serializers.FloatField(min_value=-90.0, max_value=90.0)
    lon = serializers.FloatField(min_value=-180.0, max_value=180.0)
    speed = serializers.FloatField(min_value=0, max_value=1000, required=False, allow_null=True)
    direction = serializers.FloatField(min_value=0, max_value=360, required=False, allow_null=True)
    altitude = serializers.FloatField(
        min_value=-500, max_value=20000, required=False, allow_null=True
    )
    accuracy = serializers.FloatField(min_value=0, required=False, allow_null=True)
    battery_level = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )
    timestamp = serializers.DateTimeField(
        required=False, allow_null=True, validators=[DEVICE_TIMESTAMP]
    )


class SosStatusOutput(serializers.Serializer[Any]):
    status = serializers.CharField()


class SosDeviceTokenOutput(serializers.Serializer[Any]):
    token = serializers.CharField(
        help_text=_("Shown once. Send as `Authorization: Device <token>`.")
    )
    token_hint = serializers.CharField()
    issued_at = serializers.DateTimeField()


# --- SOS ----------------------------------------------------------------------------------
class SosTriggerInput(serializers.Serializer[Any]):
    device_uid = serializers.CharField(max_length=128, required=False)
    user_uuid = serializers.UUIDField(
        required=False, allow_null=True, help_text=_("Accepted and ignored (the seed's field).")
    )
    lat = serializers.FloatField(min_value=-90.0, max_value=90.0)
    lon = serializers.FloatField(min_value=-180.0, max_value=180.0)
    altitude = serializers.FloatField(
        required=False, allow_null=True, min_value=-500, max_value=20000
    )
    detected_type = serializers.ChoiceField(choices=DetectedType.choices)
    severity = serializers.IntegerField(min_value=1, max_value=5)
    timestamp = serializers.DateTimeField(validators=[NOT_AHEAD])
    raw_payload = serializers.JSONField(required=False, allow_null=True)

    def validate_timestamp(self, value: datetime) -> datetime:
        return sos_timestamp(value)

    def validate_raw_payload(self, value: Any) -> Any:
        import json

        if value is not None and len(json.dumps(value)) > 16_384:
            raise serializers.ValidationError(_("The raw payload is too large."))
        return value


class SosTriggerOutput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["created", "duplicate"])
    event_uid = serializers.UUIDField()


class SosUserBriefOutput(serializers.Serializer[Any]):
    uuid = serializers.UUIDField(source="id")
    full_name = serializers.CharField(source="display_name")
    phone_number = serializers.CharField(allow_null=True)


class SosDeviceBriefOutput(serializers.Serializer[Any]):
    uuid = serializers.UUIDField(source="id")
    device_uid = serializers.CharField()
    model = serializers.CharField()


class SosEventOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    event_uid = serializers.UUIDField()
    status = serializers.CharField()
    timestamp = serializers.DateTimeField()
    resolved = serializers.BooleanField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    detected_type = serializers.CharField()
    severity = serializers.IntegerField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    altitude = serializers.FloatField(allow_null=True)
    user = SosUserBriefOutput()
    device = SosDeviceBriefOutput(allow_null=True)
    accepted_by = SosUserBriefOutput(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    # Added fields (the seed's ones above are unchanged).
    source = serializers.CharField()  # type: ignore[assignment]
    trigger_count = serializers.IntegerField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    radius_m = serializers.IntegerField()


class SosRespondInput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["ACCEPTED", "DECLINED"])


class SosCancelInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SosResolveInput(serializers.Serializer[Any]):
    outcome = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SosEventListFilterInput(serializers.Serializer[Any]):
    active = serializers.BooleanField(required=False, default=False)


class SosTimelineEntryOutput(serializers.Serializer[Any]):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    actor = SosUserBriefOutput(allow_null=True)
    data = serializers.DictField()  # type: ignore[assignment]


class SosAlertOutput(serializers.Serializer[Any]):
    event_uid = serializers.UUIDField(source="event_id")
    status = serializers.CharField()
    event_status = serializers.CharField(source="event.status")
    distance_m = serializers.IntegerField()
    lat = serializers.FloatField(source="event.lat")
    lon = serializers.FloatField(source="event.lon")
    created_at = serializers.DateTimeField()


class SosHelperProfileInput(serializers.Serializer[Any]):
    opted_in = serializers.BooleanField(required=False)
    on_duty = serializers.BooleanField(required=False)
    lat = serializers.FloatField(required=False, min_value=-90.0, max_value=90.0)
    lon = serializers.FloatField(required=False, min_value=-180.0, max_value=180.0)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("lat" in attrs) != ("lon" in attrs):
            raise serializers.ValidationError({"lat": [_("Send lat and lon together.")]})
        return attrs


class SosHelperProfileOutput(serializers.Serializer[Any]):
    opted_in = serializers.BooleanField()
    on_duty = serializers.BooleanField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    location_at = serializers.DateTimeField(allow_null=True)


class SosContactInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    phone_number = serializers.RegexField(r"^\+?[0-9]{6,15}$", max_length=32)
    relation = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class SosContactOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone_number = serializers.CharField()
    relation = serializers.CharField()


class SosWearerProfileInput(serializers.Serializer[Any]):
    """The whole profile (PUT): a field left out is cleared."""

    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    emergency_notes = serializers.CharField(
        max_length=EMERGENCY_NOTES_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class SosWearerProfileOutput(serializers.Serializer[Any]):
    birth_date = serializers.DateField(allow_null=True)
    emergency_notes = serializers.CharField()
    updated_at = serializers.DateTimeField(allow_null=True)
