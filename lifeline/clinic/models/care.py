"""Pain clinic data. The care team (who treats whom) is the access rule for patient data.

Only the care-team core lives here so far; the module's issue adds the patient record,
assessments, evaluations and conclusions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifeline.core.models import TimestampedModel, UUIDModel

__all__ = ["CareTeamMember", "Patient"]


class Patient(UUIDModel):
    """A patient of a clinic. `user` is set once the patient has an account of their own."""

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

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["organization", "full_name"])]

    def __str__(self) -> str:
        return self.full_name


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
        constraints = [
            models.UniqueConstraint(fields=["patient", "doctor"], name="clinic_careteam_unique")
        ]
        indexes = [models.Index(fields=["doctor", "patient"])]
