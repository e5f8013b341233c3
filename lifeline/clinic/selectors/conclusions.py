"""Reads of conclusions and their issued versions: the care team, the organization's clinic
admins and the patient (issued versions only). Outside that scope: NotFound (404)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from lifeline.accounts.models import User
from lifeline.clinic.enums import (
    ConclusionStatus,
)
from lifeline.clinic.models.conclusions import Conclusion, ConclusionItem, ConclusionVersion
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.permissions import is_clinician
from lifeline.clinic.selectors.patients import patients_readable_by, raise_not_found
from lifeline.core.selectors import get_or_not_found


def can_view_conclusion(user: Any, conclusion: Conclusion) -> bool:
    """Care team, the organization's clinic admins, and the patient (issued versions only)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return patients_readable_by(user).filter(pk=conclusion.patient_id).exists()


# --- conclusions -------------------------------------------------------------------------
def _conclusions_base() -> QuerySet[Conclusion]:
    return Conclusion.objects.select_related("patient", "doctor", "organization").prefetch_related(
        Prefetch("items", queryset=ConclusionItem.objects.select_related("catalogue_item")),
        Prefetch("versions", queryset=ConclusionVersion.objects.select_related("pdf")),
    )


def conclusion_list_for(*, actor: User, patient: Patient) -> QuerySet[Conclusion]:
    """Conclusions of `patient` (already scoped). A patient sees only issued ones."""
    conclusions = _conclusions_base().filter(patient=patient)
    if patient.user_id == actor.pk and not is_clinician(actor):
        conclusions = conclusions.filter(versions__isnull=False).distinct()
    return conclusions.order_by("-created_at", "-id")


def conclusion_get_for(*, actor: User, conclusion_id: UUID | str) -> Conclusion:
    conclusion = get_or_not_found(
        _conclusions_base().filter(patient__in=patients_readable_by(actor)), pk=conclusion_id
    )
    # A patient sees the conclusion once a version is issued, never a draft's edits.
    reading_own = conclusion.patient.user_id == actor.pk and not is_clinician(actor)
    if reading_own and not conclusion.versions.all():
        raise_not_found()
    return conclusion


def conclusion_version_get_for(
    *, actor: User, conclusion_id: UUID | str, number: int
) -> ConclusionVersion:
    conclusion = conclusion_get_for(actor=actor, conclusion_id=conclusion_id)
    return get_or_not_found(
        ConclusionVersion.objects.filter(conclusion=conclusion).select_related("pdf"),
        number=number,
    )


def conclusion_issued_list_for(*, patient: Patient) -> QuerySet[Conclusion]:
    return Conclusion.objects.filter(patient=patient, status=ConclusionStatus.ISSUED)


# --- reads of the web pages -------------------------------------------------------------
def conclusion_item_list_for(*, actor: User, conclusion: Conclusion) -> list[ConclusionItem]:
    """Items of a conclusion loaded through `conclusion_get_for`."""
    return list(conclusion.items.all())


def conclusion_version_list_for(*, actor: User, conclusion: Conclusion) -> list[ConclusionVersion]:
    """Issued versions of a conclusion loaded through `conclusion_get_for`."""
    return list(conclusion.versions.all())
