"""The OsmAnd protocol (Traccar Client and many trackers): parse, authenticate, ingest.

Forms accepted (one location per request):
* HTTP GET/POST with query or form fields `id`/`deviceid`, `lat`, `lon`, `timestamp` (Unix
  seconds, milliseconds or ISO 8601), `speed`, `bearing`/`heading`, `altitude`, `accuracy`,
  `batt`/`batterylevel` (0–100), `alarm` (`sos` triggers an SOS; `fall`/`fallDown` a fall);
* the JSON body `{"device_id", "location": {"timestamp", "coords": {"latitude", "longitude",
  "accuracy", "speed", "heading", "altitude"}, "battery": {"level": 0..1}, "extras": {"alarm"}}}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from lifeline.core.exceptions import NotFound
from lifeline.sos import selectors
from lifeline.sos.api.serializers import DEVICE_TIMESTAMP, NOT_AHEAD, sos_timestamp
from lifeline.sos.enums import DetectedType, TriggerSource
from lifeline.sos.models import Device
from lifeline.sos.services.devices import device_record_location
from lifeline.sos.services.events import event_trigger

SOS_ALARMS = {
    "sos": DetectedType.MANUAL_TRIGGER,
    "fall": DetectedType.FALL_DETECTED,
    "falldown": DetectedType.FALL_DETECTED,
}


@dataclass(frozen=True)
class OsmAndReport:
    ident: str
    lat: float
    lon: float
    timestamp: datetime
    speed: float | None = None
    bearing: float | None = None
    altitude: float | None = None
    accuracy: float | None = None
    battery: int | None = None
    alarm: str | None = None
    token: str | None = None


def _flat(request: Request) -> dict[str, Any]:
    """Query parameters, form fields, or the JSON body form mapped onto the same names."""
    values: dict[str, Any] = dict(request.query_params.items())
    data = request.data if request.method == "POST" else {}
    if isinstance(data, dict) and isinstance(data.get("location"), dict):
        location = data["location"]
        coords = location.get("coords") or {}
        battery = location.get("battery") or {}
        extras = location.get("extras") or {}
        level = battery.get("level") if isinstance(battery, dict) else None
        values.update(
            {
                "id": data.get("device_id") or values.get("id"),
                "lat": coords.get("latitude"),
                "lon": coords.get("longitude"),
                "timestamp": location.get("timestamp"),
                "speed": coords.get("speed"),
                "bearing": coords.get("heading"),
                "altitude": coords.get("altitude"),
                "accuracy": coords.get("accuracy"),
                "batt": (
                    level * 100 if isinstance(level, int | float) and 0 <= level <= 1 else level
                ),
                "alarm": (extras.get("alarm") if isinstance(extras, dict) else None)
                or location.get("alarm")
                or data.get("alarm"),
            }
        )
    elif hasattr(data, "items"):
        for key, value in data.items():
            values.setdefault(key, value)
    return values


def has_alarm(request: Request) -> bool:
    try:
        alarm = _flat(request).get("alarm")
    except Exception:  # a malformed body is reported by parse()
        return False
    return bool(alarm) and str(alarm).lower() in SOS_ALARMS


def _number(
    values: dict[str, Any], key: str, errors: dict[str, list[str]], low: float, high: float
) -> float | None:
    raw = values.get(key)
    if raw in (None, ""):
        return None
    try:
        number = float(raw if isinstance(raw, int | float) else str(raw))
    except (TypeError, ValueError):
        errors[key] = [_("A number is required.")]
        return None
    if number != number or not low <= number <= high:  # NaN or out of range
        errors[key] = [_("Out of range.")]
        return None
    return number


def _parse_moment(raw: Any) -> datetime | None:
    try:
        number = float(raw)
    except (TypeError, ValueError, OverflowError):
        try:
            parsed = parse_datetime(str(raw)) if isinstance(raw, str) else None
        except ValueError:  # well-formed but impossible, e.g. 2026-02-30
            return None
        if parsed is None:
            return None
        return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)
    if number > 1e11:  # milliseconds
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _timestamp(raw: Any, errors: dict[str, list[str]], *, sos: bool) -> datetime:
    """The report's time. A location's must be plausible (api.serializers.DEVICE_TIMESTAMP);
    with an SOS alarm a reading over a year old (a reset clock) becomes the time of receipt."""
    now = timezone.now()
    if raw in (None, ""):
        return now
    moment = _parse_moment(raw)
    if moment is None:
        errors["timestamp"] = [_("Not a valid timestamp.")]
        return now
    try:
        if sos:
            NOT_AHEAD(moment)
            return sos_timestamp(moment)
        DEVICE_TIMESTAMP(moment)
    except DjangoValidationError as exc:
        errors["timestamp"] = list(exc.messages)
    return moment


def parse(request: Request) -> OsmAndReport:
    try:
        values = _flat(request)
    except Exception as exc:  # unparseable body
        raise ValidationError({"non_field_errors": [_("Malformed request.")]}) from exc
    errors: dict[str, list[str]] = {}
    ident = str(values.get("id") or values.get("deviceid") or "").strip()
    if not ident or len(ident) > 200:
        errors["id"] = [_("This field is required.")]
    lat = _number(values, "lat", errors, -90, 90)
    lon = _number(values, "lon", errors, -180, 180)
    if lat is None and "lat" not in errors:
        errors["lat"] = [_("This field is required.")]
    if lon is None and "lon" not in errors:
        errors["lon"] = [_("This field is required.")]
    speed = _number(values, "speed", errors, 0, 2000)
    bearing = _number(values, "bearing", errors, 0, 360)
    altitude = _number(values, "altitude", errors, -500, 20000)
    accuracy = _number(values, "accuracy", errors, 0, 1e6)
    battery = _number(
        values, "batt" if values.get("batt") not in (None, "") else "batterylevel", errors, 0, 100
    )
    alarm = values.get("alarm")
    alarm = str(alarm).lower() if alarm not in (None, "") else None
    timestamp = _timestamp(values.get("timestamp"), errors, sos=alarm in SOS_ALARMS)
    if errors or lat is None or lon is None:
        raise ValidationError(errors)
    return OsmAndReport(
        ident=ident,
        lat=lat,
        lon=lon,
        timestamp=timestamp,
        speed=speed,
        bearing=bearing,
        altitude=altitude,
        accuracy=accuracy,
        battery=round(battery) if battery is not None else None,
        alarm=alarm,
        token=_token(request, values),
    )


def _token(request: Request, values: dict[str, Any]) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Device "):
        return header[len("Device ") :].strip()
    token = values.get("token")
    return str(token) if token else None


def device_for(report: OsmAndReport) -> Device:
    """A token is required: the `id` itself, or `token`/the header together with the device_uid."""
    if report.token:
        device = selectors.device_get_by_token(report.token)
        if device is None or device.device_uid != report.ident:
            raise NotFound()
        return device
    device = selectors.device_get_by_token(report.ident)
    if device is None:
        raise NotFound()
    return device


def ingest(report: OsmAndReport, *, request: Request | None = None) -> None:
    device = device_for(report)
    if not device.owner.is_active:
        raise NotFound()
    device_record_location(
        device=device,
        lat=report.lat,
        lon=report.lon,
        speed=report.speed,
        direction=report.bearing,
        altitude=report.altitude,
        accuracy=report.accuracy,
        battery_level=report.battery,
        recorded_at=report.timestamp,
        via="osmand",
    )
    if report.alarm in SOS_ALARMS:
        event_trigger(
            device=device,
            lat=report.lat,
            lon=report.lon,
            altitude=report.altitude,
            detected_type=SOS_ALARMS[report.alarm],
            severity=4,
            timestamp=report.timestamp,
            raw_payload={"protocol": "osmand", "alarm": report.alarm},
            source=TriggerSource.OSMAND,
            actor=device.owner,
        )
