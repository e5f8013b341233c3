"""Fleet (cars), teams (crews on a car), calls and their transition log, intake keys."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.ambulance.enums import (
    CallSource,
    CallStatus,
    Criticality,
    EquipmentClass,
    RejectReason,
    Sex,
    TroubleKind,
)
from lifeline.core.models import TimestampedModel, UUIDModel

LAT = [MinValueValidator(-90), MaxValueValidator(90)]
LON = [MinValueValidator(-180), MaxValueValidator(180)]


class Car(UUIDModel):
    """An ambulance of a station. Soft-deleted (`deleted_at`) so its history stays."""

    organization = models.ForeignKey(
        "access.Organization",
        on_delete=models.PROTECT,
        related_name="ambulance_cars",
        verbose_name=_("organization"),
    )
    plate = models.CharField(_("plate"), max_length=12)
    model = models.CharField(_("model"), max_length=100, blank=True)
    equipment_class = models.CharField(
        _("equipment class"), max_length=1, choices=EquipmentClass.choices
    )
    is_serviceable = models.BooleanField(_("serviceable"), default=True)
    unserviceable_reason = models.CharField(_("reason"), max_length=300, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("car")
        verbose_name_plural = _("cars")
        ordering: ClassVar[list[str]] = ["plate"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["organization", "plate"],
                condition=models.Q(deleted_at__isnull=True),
                name="ambulance_car_plate_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.plate


class CarStatusChange(TimestampedModel):
    """One change of a car's serviceable flag, with the reason and who made it."""

    car = models.ForeignKey(Car, on_delete=models.CASCADE, related_name="status_changes")
    is_serviceable = models.BooleanField()
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("car status change")
        verbose_name_plural = _("car status changes")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]


class Team(UUIDModel):
    """Three crew members on one car, one of them the senior. Dissolved, never deleted."""

    organization = models.ForeignKey(
        "access.Organization",
        on_delete=models.PROTECT,
        related_name="ambulance_teams",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=100)
    car = models.ForeignKey(
        Car, on_delete=models.PROTECT, related_name="teams", verbose_name=_("car")
    )
    lead = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="ambulance_teams_led"
    )
    on_shift = models.BooleanField(_("on shift"), default=False)
    lat = models.FloatField(null=True, blank=True, validators=LAT)
    lon = models.FloatField(null=True, blank=True, validators=LON)
    position_at = models.DateTimeField(null=True, blank=True)
    dissolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("dissolved at"))

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[Any]] = [
            # A car serves one active team at a time.
            models.UniqueConstraint(
                fields=["car"],
                condition=models.Q(dissolved_at__isnull=True),
                name="ambulance_team_car_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(TimestampedModel):
    """A crew member of a team; `is_active` mirrors the team (False once it is dissolved)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="ambulance_memberships"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[Any]] = [
            # A person is in at most one active team.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_active=True),
                name="ambulance_member_one_active_team",
            ),
            models.UniqueConstraint(fields=["team", "user"], name="ambulance_member_unique"),
        ]


class Call(UUIDModel):
    """A request for an ambulance, from intake to completion (times per NEMSIS eTimes)."""

    organization = models.ForeignKey(
        "access.Organization",
        on_delete=models.PROTECT,
        related_name="ambulance_calls",
        verbose_name=_("organization"),
    )
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.NEW
    )
    criticality = models.CharField(_("criticality"), max_length=16, choices=Criticality.choices)
    # 0 critical, 1 important, 2 common: the queue sorts on it.
    criticality_rank = models.PositiveSmallIntegerField()
    # A call given back by a crew in trouble goes to the head of its criticality.
    requeued = models.BooleanField(default=False)
    determinant_code = models.CharField(_("MPDS determinant"), max_length=16, blank=True)
    source = models.CharField(max_length=16, choices=CallSource.choices, verbose_name=_("source"))
    caller_phone = models.CharField(_("caller phone"), max_length=32, blank=True)
    patient_name = models.CharField(_("patient name"), max_length=200, blank=True)
    patient_sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    patient_age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    patient_birth_date = models.DateField(_("birth date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    address = models.CharField(_("address"), max_length=300)
    lat = models.FloatField(validators=LAT)
    lon = models.FloatField(validators=LON)
    notes = models.TextField(_("notes"), blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    suggested_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_reason = models.CharField(max_length=300, blank=True)
    reject_reason = models.CharField(max_length=16, choices=RejectReason.choices, blank=True)
    close_note = models.CharField(max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sos_event_id = models.UUIDField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    # eTimes: received = created_at.
    received_at = models.DateTimeField(verbose_name=_("received at"))
    assigned_at = models.DateTimeField(null=True, blank=True)
    en_route_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    # NEMSIS eTimes.07 "arrived at patient": stamped by the crew's "At patient" while ON_SCENE
    # (reaching the patient can take minutes after the car stops: stairs, a locked door).
    at_patient_at = models.DateTimeField(null=True, blank=True)
    transporting_at = models.DateTimeField(null=True, blank=True)
    at_hospital_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering: ClassVar[list[str]] = ["criticality_rank", "-requeued", "received_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="ambulance_call_number_unique"
            ),
            # Handing one SOS event over twice creates one call.
            models.UniqueConstraint(
                fields=["organization", "sos_event_id"],
                condition=models.Q(sos_event_id__isnull=False),
                name="ambulance_call_sos_event_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="ambulance_call_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="ambulance_call_coordinates",
            ),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(
                fields=["organization", "status", "criticality_rank", "received_at"],
                name="ambulance_call_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class CallTransition(TimestampedModel):
    """One step of a call's life: from, to, who, when, why (append-only)."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("call")
    )
    from_status = models.CharField(
        max_length=16, choices=CallStatus.choices, blank=True, verbose_name=_("from status")
    )
    to_status = models.CharField(
        max_length=16, choices=CallStatus.choices, verbose_name=_("to status")
    )
    actor = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trouble_kind = models.CharField(max_length=16, choices=TroubleKind.choices, blank=True)
    # Free text (an override's or a cancellation's reason, a trouble report), except two
    # codes: the source of the call on its first step, the reason of a rejection.
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("call transition")
        verbose_name_plural = _("call transitions")
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    @property
    def note_display(self) -> str:
        """The note as a person reads it: a source or a rejection reason by its label."""
        if not self.from_status and self.note in CallSource.values:
            return str(CallSource(self.note).label)
        if self.to_status == CallStatus.REJECTED and self.note in RejectReason.values:
            return str(RejectReason(self.note).label)
        return self.note


class IntakeKey(TimestampedModel):
    """An API key with which telephony (or another system) files calls for one station.

    Only a SHA-256 digest is stored; the key is shown once, when it is created.
    """

    organization = models.ForeignKey(
        "access.Organization",
        on_delete=models.CASCADE,
        related_name="ambulance_intake_keys",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, verbose_name=_("prefix"))
    digest = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True, verbose_name=pgettext_lazy("ambulance", "active"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        verbose_name = _("intake key")
        verbose_name_plural = _("intake keys")

    @staticmethod
    def digest_of(raw_key: str) -> str:
        return hashlib.sha256(raw_key.encode()).hexdigest()

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SosLink(TimestampedModel):
    """Which ambulance station takes the escalated SOS events of an SOS service."""

    sos_service = models.OneToOneField(
        "access.Organization",
        on_delete=models.CASCADE,
        related_name="ambulance_sos_link",
        verbose_name=_("SOS service"),
    )
    station = models.ForeignKey(
        "access.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("station")
    )

    class Meta:
        verbose_name = _("SOS link")
        verbose_name_plural = _("SOS links")

    def __str__(self) -> str:
        return f"{self.sos_service_id} -> {self.station_id}"


class ServiceArea(TimestampedModel):
    """Where a station takes calls (optional): a polygon, or a centre and a radius.

    Calls filed by its dispatchers or through its intake API outside the area are refused
    (the field named, nothing stored). Escalated SOS events are never refused. Without an
    area, any valid coordinates are accepted (no hard-coded city box).
    """

    station = models.OneToOneField(
        "access.Organization",
        on_delete=models.CASCADE,
        related_name="ambulance_service_area",
        verbose_name=_("station"),
    )
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True, validators=LAT)
    center_lon = models.FloatField(_("centre longitude"), null=True, blank=True, validators=LON)
    radius_km = models.FloatField(
        _("radius (km)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.1), MaxValueValidator(2000)],
    )
    # [[lat, lon], ...], at least three points; the ring closes itself.
    polygon = models.JSONField(_("polygon"), default=list, blank=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self) -> str:
        return f"{self.station_id}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        circle = [self.center_lat, self.center_lon, self.radius_km]
        if self.polygon:
            points = self.polygon
            valid = isinstance(points, list) and len(points) >= 3
            valid = valid and all(
                isinstance(p, list | tuple)
                and len(p) == 2
                and all(isinstance(v, int | float) for v in p)
                and -90 <= p[0] <= 90
                and -180 <= p[1] <= 180
                for p in points
            )
            if not valid:
                raise ValidationError(
                    {"polygon": _("Give at least three [latitude, longitude] points.")}
                )
        elif any(v is None for v in circle):
            raise ValidationError({"radius_km": _("Give a polygon, or a centre and a radius.")})

    def contains(self, lat: float, lon: float) -> bool:
        if self.polygon:
            return _in_polygon(lat, lon, [(float(a), float(b)) for a, b in self.polygon])
        if self.center_lat is None or self.center_lon is None or self.radius_km is None:
            return True  # nothing configured: no restriction
        from lifeline.ambulance.geo import distance_m

        return distance_m(self.center_lat, self.center_lon, lat, lon) <= self.radius_km * 1000


def _in_polygon(lat: float, lon: float, ring: list[tuple[float, float]]) -> bool:
    """Ray casting on the (lon, lat) plane: fine at a city's or a region's scale."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        lat_i, lon_i = ring[i]
        lat_j, lon_j = ring[j]
        if (lat_i > lat) != (lat_j > lat):
            crossing = lon_i + (lat - lat_i) / (lat_j - lat_i) * (lon_j - lon_i)
            if lon < crossing:
                inside = not inside
        j = i
    return inside
