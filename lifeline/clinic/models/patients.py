"""Patients, their care teams and doctors' profiles.

The care team (who treats whom) is the access rule for patient data: a doctor sees and acts
only on assigned patients; a clinic admin sees the organization's patients.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifeline.clinic.enums import LesionSide, PainDuration, Sex, StrokeType
from lifeline.core.models import TimestampedModel, UUIDModel


def pain_duration_for(onset: date | None, today: date | None = None) -> str | None:
    """The duration class of pain that started on `onset` (None when the onset is unknown)."""
    if onset is None:
        return None
    today = today or timezone.localdate()
    months = (today.year - onset.year) * 12 + (today.month - onset.month)
    if today.day < onset.day:
        months -= 1
    if months < 1:
        return PainDuration.ACUTE
    if months < 3:
        return PainDuration.SUBACUTE
    return PainDuration.CHRONIC


class Patient(UUIDModel):
    """A patient of a clinic. `user` is set once the patient has an account of their own.

    `clinical` holds the rule engine's clinical inputs (spec §C.2 input dictionary, keys named
    exactly as there, e.g. `crcl_cockcroft_gault`, `qtc_ms`, `current_meds`); it is validated
    by `lifeline.clinic.services.clinical.validate_clinical`.
    """

    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="clinic_patients"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clinic_patient",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    # A doctor's own test patient (usable before a clinic admin approves the doctor).
    is_test = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Demographics.
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Diagnosis and stroke.
    diagnosis = models.TextField(_("diagnosis"), max_length=5000, blank=True)
    stroke_date = models.DateField(_("stroke date"), null=True, blank=True)
    stroke_type = models.CharField(
        _("stroke type"), max_length=16, choices=StrokeType.choices, default=StrokeType.UNKNOWN
    )
    lesion_side = models.CharField(
        _("lesion side"), max_length=16, choices=LesionSide.choices, default=LesionSide.UNKNOWN
    )
    lesion_site = models.CharField(_("lesion site"), max_length=200, blank=True)
    # Pain: body-map region codes (see services.clinical.BODY_REGIONS) and onset.
    pain_locations = models.JSONField(_("pain locations"), default=list, blank=True)
    pain_onset_date = models.DateField(_("pain onset date"), null=True, blank=True)
    # Clinical inputs of the rule set (spec §C.2), validated against the input dictionary.
    clinical = models.JSONField(_("clinical inputs"), default=dict, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    # Archive with scheduled physical deletion.
    is_archived = models.BooleanField(_("archived"), default=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    scheduled_deletion_at = models.DateTimeField(_("scheduled deletion"), null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["full_name", "id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["organization", "full_name"]),
            models.Index(fields=["organization", "is_archived", "full_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def pain_duration(self) -> str | None:
        return pain_duration_for(self.pain_onset_date)

    @property
    def age(self) -> int | None:
        if self.date_of_birth is None:
            return None
        today = timezone.localdate()
        dob = self.date_of_birth
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


class CareTeamMember(TimestampedModel):
    """A doctor assigned to a patient. A doctor sees and acts only on assigned patients."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_team")
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["patient", "doctor"], name="clinic_careteam_unique")
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["doctor", "patient"])]


class DoctorProfile(TimestampedModel):
    """A doctor's professional profile (registration step 2)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_doctor_profile"
    )
    organization = models.ForeignKey(
        "access.Organization",
        on_delete=models.PROTECT,
        related_name="clinic_doctor_profiles",
        null=True,
        blank=True,
    )
    specialty = models.CharField(_("specialty"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    workplace = models.CharField(_("workplace"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    area_of_interest = models.CharField(_("area of interest"), max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.specialty}"
