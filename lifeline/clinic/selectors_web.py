"""Reads the clinic web pages need beyond `selectors` and `documents_selectors`.

Every function is scoped by the actor (or by an object the caller already loaded through a
scoped `*_get_for`), so `web/` never touches the ORM. These are meant to move into the
`selectors/` package by entity (patients, assessments, evaluations, conclusions, analytics)
when the clinic backend is reshaped; the names already follow `<noun>_get_for` /
`<noun>_list_for`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.models import Membership, Organization
from lifeline.accounts.models import User
from lifeline.clinic import documents_selectors
from lifeline.clinic import selectors as care_selectors
from lifeline.clinic.models import (
    Assessment,
    AssessmentMode,
    AssessmentStatus,
    Conclusion,
    ConclusionItem,
    ConclusionVersion,
    Evaluation,
    FollowUpTask,
    Patient,
    Score,
    SuggestionDecision,
)
from lifeline.core.exceptions import NotFound

# --- patients and care team -------------------------------------------------------------


def patient_page_for(
    *, actor: User, search: str, archived: bool, after: tuple[str, str] | None, size: int
) -> list[Patient]:
    """One page of the alphabetical patient list (keyset paging on (full_name, id)).

    Returns up to `size + 1` rows so the caller knows whether a next page exists; the cost is
    constant on any page of 10 000 patients.
    """
    patients = care_selectors.patient_list_for(
        actor=actor, search=search, archived=archived
    ).order_by("full_name", "id")
    if after is not None:
        name, pk = after
        patients = patients.filter(Q(full_name__gt=name) | Q(full_name=name, id__gt=pk))
    return list(patients[: size + 1])


def clinic_doctor_list_for(*, actor: User, patient: Patient, limit: int = 200) -> list[User]:
    """Approved doctors of the patient's clinic not yet on its care team (the admin's form).

    `patient` was loaded through `patient_get_for(actor=…)`; the caller shows this list only
    to a clinic admin of that organization.
    """
    assigned = patient.care_team.values("doctor_id")
    doctor_ids = (
        Membership.objects.filter(
            organization_id=patient.organization_id, role=Role.DOCTOR, is_active=True
        )
        .exclude(user_id__in=assigned)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=doctor_ids).order_by("last_name", "full_name")[:limit])


def care_team_candidate_get_for(*, actor: User, doctor_id: UUID | str) -> User:
    """The user a care-team form names (the service checks role and clinic); else NotFound."""
    doctor = User.objects.filter(pk=doctor_id).first()
    if doctor is None:
        raise NotFound
    return doctor


def patient_refreshed_for(*, actor: User, patient: Patient) -> Patient:
    """`patient` re-read after a write (the page shows what was stored)."""
    patient.refresh_from_db()
    return patient


def registration_clinic_list_for(*, actor: Any) -> QuerySet[Organization]:
    """Clinics a doctor may ask to join when registering (public, not demo), by name; the
    registration page is anonymous, so every actor sees the same list."""
    return Organization.objects.filter(
        kind=OrganizationKind.CLINIC, is_active=True, is_demo=False
    ).order_by("name")[:500]


# --- assessments -------------------------------------------------------------------------


def assessment_draft_list_for(*, actor: User, patient: Patient, limit: int = 5) -> list[Assessment]:
    """The patient's own unfinished questionnaires, newest first (patient home)."""
    return list(
        Assessment.objects.filter(
            patient=patient, status=AssessmentStatus.DRAFT, mode=AssessmentMode.PATIENT
        ).order_by("-created_at")[:limit]
    )


def assessment_history_list_for(*, actor: User, patient: Patient) -> QuerySet[Assessment]:
    """Submitted assessments with their scores, newest first (patient home, paginated)."""
    return (
        Assessment.objects.filter(patient=patient, status=AssessmentStatus.SUBMITTED)
        .prefetch_related("scores")
        .order_by("-submitted_at")
    )


def assessment_card_list_for(*, actor: User, patient: Patient) -> QuerySet[Assessment]:
    """Every assessment of the patient with evaluation and scores (patient card, paginated)."""
    return (
        Assessment.objects.filter(patient=patient)
        .select_related("evaluation")
        .prefetch_related("scores")
        .order_by("-created_at", "-id")
    )


def assessment_submitted_get_for(
    *, actor: User, patient: Patient, assessment_id: UUID | str
) -> Assessment | None:
    """A submitted assessment of `patient` to prefill a new one from, or None."""
    return Assessment.objects.filter(
        patient=patient, pk=assessment_id, status=AssessmentStatus.SUBMITTED
    ).first()


def score_list_for(*, actor: User, assessment: Assessment) -> list[Score]:
    """The scores of an assessment loaded through `assessment_get_for`, by instrument."""
    return list(assessment.scores.all().order_by("instrument"))


# --- evaluations -------------------------------------------------------------------------


def decision_list_for(*, actor: User, evaluation: Evaluation) -> list[SuggestionDecision]:
    """The decision log of an evaluation loaded through `evaluation_get_for` (prefetched)."""
    return list(evaluation.decisions.all())


# --- conclusions -------------------------------------------------------------------------


def patient_is_actionable_for(*, actor: User, patient_id: UUID | str) -> bool:
    """Whether `actor` may write documents (conclusions) for that patient."""
    return documents_selectors.patients_actionable_by(actor).filter(pk=patient_id).exists()


def conclusion_item_list_for(*, actor: User, conclusion: Conclusion) -> list[ConclusionItem]:
    """Items of a conclusion loaded through `conclusion_get_for`."""
    return list(conclusion.items.all())


def conclusion_version_list_for(*, actor: User, conclusion: Conclusion) -> list[ConclusionVersion]:
    """Issued versions of a conclusion loaded through `conclusion_get_for`."""
    return list(conclusion.versions.all())


# --- analytics ---------------------------------------------------------------------------


def follow_up_task_open_list_for(*, actor: User, limit: int = 50) -> list[FollowUpTask]:
    """The first follow-up tasks of the doctor's dashboard."""
    return list(documents_selectors.follow_up_task_list_for(actor=actor)[:limit])


def follow_up_task_get_for(*, actor: User, task_id: int) -> FollowUpTask:
    """One follow-up task in the doctor's scope; else NotFound."""
    task = documents_selectors.follow_up_task_list_for(actor=actor).filter(pk=task_id).first()
    if task is None:
        raise NotFound
    return task
