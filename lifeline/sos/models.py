"""Devices, telemetry, SOS events, helper alerts, emergency contacts, per-organization settings."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.core.models import TimestampedModel, UUIDModel
from lifeline.sos import conf
from lifeline.sos.enums import (
    AlertStatus,
    DetectedType,
    EventStatus,
    SeenVia,
    TimelineKind,
    TriggerSource,
)

# The free text a wearer leaves for the crew (the call's notes hold up to 4,000 characters).
EMERGENCY_NOTES_MAX_LENGTH = 1000


def _default_steps() -> list[int]:
    return list(conf.get("RADIUS_STEPS_M"))


class OrganizationSosSettings(TimestampedModel):
    """Per-organization tuning of the helper search and escalation (defaults: `conf.py`)."""

    organization = models.OneToOneField(
        "access.Organization",
        on_delete=models.CASCADE,
        related_name="sos_settings",
        verbose_name=_("organization"),
    )
    radius_steps_m = models.JSONField(_("search radii (m)"), default=_default_steps)
    helper_cap = models.PositiveIntegerField(
        _("helpers per round"), default=50, validators=[MinValueValidator(1)]
    )
    min_helpers_k = models.PositiveIntegerField(_("minimum helpers (k)"), default=3)
    accept_wait_seconds = models.PositiveIntegerField(_("wait for an accept (t, s)"), default=60)
    escalation_seconds = models.PositiveIntegerField(_("escalation after (s)"), default=300)
    helper_cooldown_seconds = models.PositiveIntegerField(_("helper cooldown (s)"), default=300)

    class Meta:
        verbose_name = _("SOS settings")
        verbose_name_plural = _("SOS settings")

    def __str__(self) -> str:
        return f"SOS settings of {self.organization_id}"


class Device(UUIDModel):
    """A wearable (watch) or phone. Belongs to its owner; `uuid` in the API is `id`."""

    owner = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="sos_devices",
        verbose_name=_("owner"),
    )
    organization = models.ForeignKey(
        "access.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sos_devices",
        verbose_name=_("organization"),
    )
    device_uid = models.CharField(_("device id"), max_length=128, unique=True)
    model = models.CharField(_("model"), max_length=128, blank=True)
    sim_number = models.CharField(_("SIM number"), max_length=32, null=True, blank=True)
    battery_level = models.PositiveSmallIntegerField(
        _("battery"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    is_online = models.BooleanField(_("online"), default=False)
    last_seen_via = models.CharField(
        _("last seen via"), max_length=8, choices=SeenVia.choices, null=True, blank=True
    )
    last_seen_at = models.DateTimeField(pgettext_lazy("device", "last seen"), null=True, blank=True)
    last_lat = models.FloatField(null=True, blank=True)
    last_lon = models.FloatField(null=True, blank=True)
    last_location_at = models.DateTimeField(null=True, blank=True)
    # Device credential: only a SHA-256 of the token is stored; the token is shown once.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_hint = models.CharField(max_length=8, blank=True)
    token_issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return self.device_uid

    @staticmethod
    def token_digest(token: str) -> str:
        """What is stored of a device token (`token_hash`): its SHA-256."""
        return hashlib.sha256(token.encode()).hexdigest()

    def online_at(self, now: Any = None) -> bool:
        """Online as shown to people: the flag, unless the device went quiet too long."""
        if not self.is_online or self.last_seen_at is None:
            return False
        now = now or timezone.now()
        return (now - self.last_seen_at).total_seconds() <= conf.get("DEVICE_STALE_SECONDS")


class LocationPoint(models.Model):
    """One point of a device's track (kept `TRACK_RETENTION_DAYS`)."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="track")
    lat = models.FloatField()
    lon = models.FloatField()
    speed = models.FloatField(null=True, blank=True)
    direction = models.FloatField(null=True, blank=True)
    altitude = models.FloatField(null=True, blank=True)
    accuracy = models.FloatField(null=True, blank=True)
    battery_level = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # One point per device and instant: the batch writer's idempotency key (a re-written
        # chunk or a device's retry is not stored twice); the index also serves the track
        # reads, newest first (a btree is read backwards).
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["device", "recorded_at"], name="sos_point_unique")
        ]

    def __str__(self) -> str:
        return f"{self.device_id} @ {self.recorded_at:%Y-%m-%d %H:%M:%S}"


class WearerState(models.Model):
    """One row per person who ever triggered an SOS: the dedup lock.

    The trigger service first UPDATEs this row inside its transaction, which takes the row
    lock on PostgreSQL and the write lock on SQLite, so concurrent triggers of one person are
    serialized and the dedup check that follows sees the other's event.
    """

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, primary_key=True, related_name="sos_state"
    )
    last_trigger_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"SOS state of {self.user_id}"


class HelperProfile(TimestampedModel):
    """A volunteer's opt-in, duty toggle and last known location."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="sos_helper", verbose_name=_("user")
    )
    opted_in = models.BooleanField(_("opted in"), default=False)
    on_duty = models.BooleanField(_("on duty"), default=False)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    location_at = models.DateTimeField(_("location shared at"), null=True, blank=True)
    last_alerted_at = models.DateTimeField(null=True, blank=True)
    # geo.grid_cell(lat, lon), kept by save(): the index of the nearest-helper prefilter.
    grid_cell = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("helper profile")
        verbose_name_plural = _("helper profiles")
        indexes: ClassVar[list[Any]] = [
            # The nearest-helper prefilter (ARCHITECTURE decision 6): the grid cells covering
            # the bounding box, then the box itself and freshness, all read from the index, so
            # only helpers inside the box are fetched from the table (a third of the cells').
            models.Index(
                fields=["grid_cell", "lat", "lon", "location_at"],
                name="sos_helper_available_cell",
                condition=Q(on_duty=True, opted_in=True),
            ),
            # Fallback for boxes covering too many cells (poles, antimeridian, huge radii).
            models.Index(
                fields=["lat", "lon"],
                name="sos_helper_available_latlon",
                condition=Q(on_duty=True, opted_in=True),
            ),
        ]

    def __str__(self) -> str:
        return f"helper {self.user_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from lifeline.sos.geo import grid_cell

        self.grid_cell = (
            grid_cell(self.lat, self.lon) if self.lat is not None and self.lon is not None else None
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ("lat" in update_fields or "lon" in update_fields):
            kwargs["update_fields"] = {*update_fields, "grid_cell"}
        super().save(*args, **kwargs)


class SosEvent(UUIDModel):
    """One SOS. `id` is the public `event_uid`. One status field; a timestamp per step."""

    organization = models.ForeignKey(
        "access.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sos_events",
        verbose_name=_("organization"),
    )
    device = models.ForeignKey(
        Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="sos_events")
    lat = models.FloatField()
    lon = models.FloatField()
    altitude = models.FloatField(null=True, blank=True)
    detected_type = models.CharField(
        _("what was detected"), max_length=32, choices=DetectedType.choices
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    timestamp = models.DateTimeField(_("client timestamp"))
    last_trigger_at = models.DateTimeField(default=timezone.now)
    trigger_count = models.PositiveIntegerField(default=1)
    raw_payload = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=TriggerSource.choices)
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EventStatus.choices,
        default=EventStatus.NEW,
        db_index=True,
    )
    radius_m = models.PositiveIntegerField(default=0)
    radius_step = models.PositiveSmallIntegerField(default=0)
    accepted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_accepted_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)
    cancelled_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The database deadlines of an open event (ARCHITECTURE.md, decision 5): the truth of what
    # must still happen, re-run by the `sos.run_due` sweep until recorded, so a lost broker
    # message or a killed worker delays an alert round or an escalation but never loses it.
    # `next_round_at`: the next helper round (at radius step `next_round_step`) is due; NULL
    # when the search is over (accepted, closed, escalated, or the widest radius reached).
    # `round_no` counts recorded rounds: a round runs only for the number it was asked for,
    # so a duplicate message or a sweep racing the fast path records it once.
    round_no = models.PositiveIntegerField(default=0)
    next_round_at = models.DateTimeField(null=True, blank=True)
    next_round_step = models.PositiveSmallIntegerField(default=0)
    # Still NEW at this time: escalate (NULL once accepted, closed or escalated).
    escalate_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SOS event")
        verbose_name_plural = _("SOS events")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="sos_event_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5), name="sos_event_severity_1_5"
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="sos_event_lat_lon_range",
            ),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["user", "status", "-last_trigger_at"]),
            models.Index(fields=["organization", "status", "-created_at"]),
            models.Index(
                fields=["next_round_at"],
                condition=Q(next_round_at__isnull=False),
                name="sos_event_round_due",
            ),
            models.Index(
                fields=["escalate_at"],
                condition=Q(escalate_at__isnull=False),
                name="sos_event_escalation_due",
            ),
        ]

    def __str__(self) -> str:
        return f"SOS {self.pk} {self.status}"

    @property
    def event_uid(self) -> uuid.UUID:
        return self.id

    @property
    def resolved(self) -> bool:
        return self.status == EventStatus.RESOLVED

    @property
    def is_open(self) -> bool:
        return self.status in (EventStatus.NEW, EventStatus.ACCEPTED, EventStatus.ESCALATED)


class HelperAlert(TimestampedModel):
    """An alert sent to one helper about one event: at most one per person per event."""

    event = models.ForeignKey(
        SosEvent, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("SOS event")
    )
    helper = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="sos_alerts",
        verbose_name=_("helper"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.SENT
    )
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    radius_m = models.PositiveIntegerField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("helper alert")
        verbose_name_plural = _("helper alerts")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["event", "helper"], name="sos_alert_one_per_helper"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["helper", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"alert {self.event_id} → {self.helper_id} {self.status}"


class TimelineEntry(models.Model):
    """One step of an event's history (who, what, when)."""

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(SosEvent, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=24, choices=TimelineKind.choices)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.kind}"


class EmergencyContact(TimestampedModel):
    """Someone a wearer wants told when they trigger an SOS (not necessarily a user)."""

    owner = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="sos_contacts",
        verbose_name=_("whose contact"),
    )
    name = models.CharField(pgettext_lazy("contact", "name"), max_length=200)
    phone_number = models.CharField(_("phone number"), max_length=32)
    relation = models.CharField(_("relation"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        ordering: ClassVar[list[str]] = ["created_at"]

    def __str__(self) -> str:
        return self.name


class WearerProfile(TimestampedModel):
    """What a wearer wants an ambulance crew to know: the birth date (an escalated SOS becomes
    a call with the age at the event's time) and emergency notes (conditions, allergies,
    medication). Health data: every read is audited, it is never logged."""

    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="sos_wearer_profile",
        verbose_name=_("wearer"),
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    emergency_notes = models.CharField(
        _("emergency notes"), max_length=EMERGENCY_NOTES_MAX_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("wearer profile")
        verbose_name_plural = _("wearer profiles")

    def __str__(self) -> str:
        return f"wearer profile of {self.user_id}"

    def age_on(self, day: date) -> int | None:
        """Completed years on `day` (None without a birth date)."""
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ContactNotice(models.Model):
    """One message to an emergency contact about one step of an event (sent by a task)."""

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(SosEvent, on_delete=models.CASCADE, related_name="contact_notices")
    contact = models.ForeignKey(EmergencyContact, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=24, choices=TimelineKind.choices)
    text = models.CharField(max_length=480)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Unsent notices are a deadline too: the sweep sends those whose send was lost or failed
    # (with backoff) until sent or `CONTACT_NOTICE_MAX_ATTEMPTS` tries were made.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["event", "contact", "kind"], name="sos_contact_notice_once"
            ),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, next_attempt_at__isnull=False),
                name="sos_contact_notice_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.contact_id}"
