"""Devices: registration, tokens, status and location reports, track retention.

Track points go to the batch writer (`lifeline.sos.ingest`); the device's current state is
updated at once, because SOS triggers, helper freshness and the pages read it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.audit.services import record
from lifeline.sos import conf, ingest, metrics
from lifeline.sos.exceptions import DeviceUidUnusable
from lifeline.sos.models import Device, LocationPoint
from lifeline.sos.services.organizations import device_owner_admit

if TYPE_CHECKING:
    from lifeline.accounts.models import User

# "Not sent": a field the report does not carry stays as it was (None may be a value).
UNSET: Any = object()


def device_join_sos_service(*, device: Device) -> None:
    """Give a device of no organization its owner's SOS service (joining the default one)."""
    organization_id = device_owner_admit(user=device.owner, via="sos.event_triggered")
    if organization_id is not None:
        device.organization_id = organization_id
        device.save(update_fields=["organization", "updated_at"])


def _device_uid_unusable() -> DeviceUidUnusable:
    return DeviceUidUnusable(errors={"device_uid": [_("This device id cannot be registered.")]})


def device_register(
    *, owner: User, device_uid: str, model: str = "", sim_number: str | None = None
) -> Device:
    """Register a device for `owner` (the caller: never a user named in the body).

    An id already registered (to anyone) raises DeviceUidUnusable, worded like a malformed id.
    """
    if Device.objects.filter(device_uid=device_uid).exists():
        raise _device_uid_unusable()
    try:
        with transaction.atomic():
            device = Device.objects.create(
                owner=owner,
                organization_id=device_owner_admit(user=owner, via="sos.device_registered"),
                device_uid=device_uid,
                model=model,
                sim_number=sim_number or None,
            )
            record(actor=owner, action="sos.device_registered", target=device)
    except IntegrityError as exc:  # a concurrent registration of the same id
        raise _device_uid_unusable() from exc
    return device


def device_update(
    *, device: Device, actor: User, model: Any = UNSET, sim_number: Any = UNSET
) -> Device:
    changed = []
    if model is not UNSET:
        device.model = model
        changed.append("model")
    if sim_number is not UNSET:
        device.sim_number = sim_number or None
        changed.append("sim_number")
    if changed:
        with transaction.atomic():
            device.save(update_fields=[*changed, "updated_at"])
            record(actor=actor, action="sos.device_updated", target=device)
    return device


def device_delete(*, device: Device, actor: User) -> None:
    with transaction.atomic():
        record(actor=actor, action="sos.device_deleted", target=device)
        device.delete()


def device_token_rotate(*, device: Device, actor: User) -> str:
    """Issue a new device token (the old one stops working). Returns it; only its hash is kept."""
    token = f"sosd_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        device.token_hash = Device.token_digest(token)
        device.token_hint = token[-4:]
        device.token_issued_at = timezone.now()
        device.save(update_fields=["token_hash", "token_hint", "token_issued_at", "updated_at"])
        record(actor=actor, action="sos.device_token_rotated", target=device)
    return token


def device_token_revoke(*, device: Device, actor: User) -> Device:
    with transaction.atomic():
        device.token_hash = None
        device.token_hint = ""
        device.token_issued_at = None
        device.save(update_fields=["token_hash", "token_hint", "token_issued_at", "updated_at"])
        record(actor=actor, action="sos.device_token_revoked", target=device)
    return device


def device_report_status(
    *,
    device: Device,
    battery_level: Any = UNSET,
    is_online: Any = UNSET,
    lat: Any = UNSET,
    lon: Any = UNSET,
    last_seen_via: Any = UNSET,
    now: datetime | None = None,
) -> Device:
    """Apply the fields the report carries; fields it does not carry stay as they were."""
    now = now or timezone.now()
    fields = ["last_seen_at", "updated_at"]
    device.last_seen_at = now
    if battery_level is not UNSET and battery_level is not None:
        device.battery_level = battery_level
        fields.append("battery_level")
    if is_online is not UNSET and is_online is not None:
        device.is_online = is_online
        fields.append("is_online")
    if last_seen_via is not UNSET and last_seen_via is not None:
        device.last_seen_via = last_seen_via
        fields.append("last_seen_via")
    with transaction.atomic():
        if lat is not UNSET and lon is not UNSET and lat is not None and lon is not None:
            device.last_lat, device.last_lon, device.last_location_at = lat, lon, now
            fields += ["last_lat", "last_lon", "last_location_at"]
            ingest.submit(
                [
                    ingest.Point(
                        device_id=device.pk,
                        lat=lat,
                        lon=lon,
                        battery_level=device.battery_level,
                        recorded_at=now,
                        created_at=now,
                    )
                ]
            )
        device.save(update_fields=fields)
    return device


def device_record_location(
    *,
    device: Device,
    lat: float,
    lon: float,
    speed: float | None = None,
    direction: float | None = None,
    altitude: float | None = None,
    accuracy: float | None = None,
    battery_level: int | None = None,
    recorded_at: datetime | None = None,
    via: str = "api",
    now: datetime | None = None,
) -> None:
    """Record one track point and mark the device online; absent fields are not erased."""
    device_record_locations(
        device=device,
        points=[
            {
                "lat": lat,
                "lon": lon,
                "speed": speed,
                "direction": direction,
                "altitude": altitude,
                "accuracy": accuracy,
                "battery_level": battery_level,
                "recorded_at": recorded_at,
            }
        ],
        via=via,
        now=now,
    )


def device_record_locations(
    *, device: Device, points: list[dict[str, Any]], via: str = "api", now: datetime | None = None
) -> None:
    """Record validated track points of one device (one or a batch from its buffer).

    The device's current state (online, last seen, the newest position, battery) is updated
    at once with one UPDATE; the track points go to the batch writer (`ingest.submit`: a Redis
    list drained in bulk, or an INSERT here without Redis). A point with the same device and
    `recorded_at` as a stored one is not stored twice.
    """
    if not points:
        return
    now = now or timezone.now()
    batch = [
        ingest.Point(
            device_id=device.pk,
            lat=p["lat"],
            lon=p["lon"],
            speed=p.get("speed"),
            direction=p.get("direction"),
            altitude=p.get("altitude"),
            accuracy=p.get("accuracy"),
            battery_level=p.get("battery_level"),
            recorded_at=p.get("recorded_at") or now,
            created_at=now,
        )
        for p in points
    ]
    newest = max(batch, key=lambda point: point.recorded_at)
    with_battery = [p for p in batch if p.battery_level is not None]
    newest_battery = max(with_battery, key=lambda p: p.recorded_at) if with_battery else None
    # Points buffered on the watch may arrive after newer ones: they join the track, but the
    # position and battery move only forward in device time. The row decides (the UPDATE reads
    # the stored `last_location_at`), so two requests racing cannot move it back either.
    update: dict[str, Any] = {
        "is_online": True,
        "last_seen_at": now,
        "last_lat": _if_newer(newest.recorded_at, Value(newest.lat), "last_lat"),
        "last_lon": _if_newer(newest.recorded_at, Value(newest.lon), "last_lon"),
        "last_location_at": _if_newer(
            newest.recorded_at, Value(newest.recorded_at), "last_location_at"
        ),
        "updated_at": now,
    }
    if newest_battery is not None:
        update["battery_level"] = _if_newer(
            newest_battery.recorded_at, Value(newest_battery.battery_level), "battery_level"
        )
    with transaction.atomic():
        Device.objects.filter(pk=device.pk).update(**update)
        ingest.submit(batch)
    device.is_online, device.last_seen_at, device.updated_at = True, now, now
    if device.last_location_at is None or newest.recorded_at > device.last_location_at:
        device.last_lat, device.last_lon = newest.lat, newest.lon
        device.last_location_at = newest.recorded_at
        if newest_battery is not None:
            device.battery_level = newest_battery.battery_level
    metrics.locations.labels(via=via if via in ("api", "osmand") else "api").inc(len(batch))


def _if_newer(recorded_at: datetime, value: Value, field: str) -> Case:
    """`value` if `recorded_at` is newer than the stored position, else the stored `field`."""
    newer = Q(last_location_at__isnull=True) | Q(last_location_at__lt=recorded_at)
    output = cast("models.Field[Any, Any]", Device._meta.get_field(field))
    return Case(When(newer, then=value), default=F(field), output_field=output)


def track_purge_expired(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=int(conf.get("TRACK_RETENTION_DAYS")))
    deleted, _details = LocationPoint.objects.filter(recorded_at__lt=cutoff).delete()
    return deleted
