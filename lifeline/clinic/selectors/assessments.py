"""Reads of assessments, scores and evaluations (with suggestions and label decisions), scoped
by the patients the actor may see."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery

from lifeline.accounts.models import User
from lifeline.clinic.enums import AssessmentMode, AssessmentStatus
from lifeline.clinic.models.assessments import Assessment, Evaluation, Score, SuggestionDecision
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.permissions import admin_organization_ids, doctor_organization_ids
from lifeline.clinic.selectors.patients import (
    _doctor_scope,
    patients_actionable_by,
    patients_visible_to,
)
from lifeline.core.selectors import get_or_not_found


def latest_scores(patient: Patient) -> dict[str, dict[str, object]]:
    """Latest score per instrument: {"dn4": {"score": 5, "band": "...", "at": iso}, ...}."""
    result: dict[str, dict[str, object]] = {}
    scores = (
        Score.objects.filter(patient=patient)
        .order_by("instrument", "-measured_at", "-id")
        .only("instrument", "value", "band", "subscores", "measured_at", "prorated", "provisional")
    )
    if connection.vendor == "postgresql":
        scores = scores.distinct("instrument")  # one row per instrument, from the index
    else:
        scores = scores.filter(
            pk__in=Subquery(
                Score.objects.filter(patient=patient, instrument=OuterRef("instrument"))
                .order_by("-measured_at", "-id")
                .values("pk")[:1]
            )
        )
    for score in scores:
        if score.instrument in result:
            continue
        result[score.instrument] = {
            "score": score.value,
            "band": score.band,
            "subscores": score.subscores,
            "prorated": score.prorated,
            "provisional": score.provisional,
            "at": score.measured_at.isoformat(),
        }
    return result


def assessment_list_for(*, actor: Any, patient: Patient, status: str = "") -> QuerySet[Assessment]:
    """Assessments of a patient already loaded through `patient_get_for` (scope checked)."""
    assessments = Assessment.objects.filter(patient=patient)
    if status:
        assessments = assessments.filter(status=status)
    return assessments


def assessment_get_for(*, actor: Any, assessment_id: UUID | str) -> Assessment:
    visible = patients_visible_to(actor, archived=None)
    return get_or_not_found(
        Assessment.objects.filter(patient__in=visible).select_related(
            "patient", "patient__organization"
        ),
        pk=assessment_id,
    )


def evaluations_visible_to(actor: Any) -> QuerySet[Evaluation]:
    """Evaluations (decision support) are for clinicians: the patient does not see them."""
    if not getattr(actor, "is_authenticated", False):
        return Evaluation.objects.none()
    scope = _doctor_scope(actor, doctor_organization_ids(actor))
    admin_orgs = admin_organization_ids(actor)
    if admin_orgs:
        scope |= Q(organization_id__in=admin_orgs)
    return Evaluation.objects.filter(patient__in=Patient.objects.filter(scope).values("pk"))


def evaluation_get_for(*, actor: Any, evaluation_id: UUID | str) -> Evaluation:
    return get_or_not_found(
        evaluations_visible_to(actor)
        .select_related("patient", "assessment")
        .prefetch_related("decisions", "label_decisions"),
        pk=evaluation_id,
    )


def evaluation_for_assessment(assessment: Assessment) -> Evaluation | None:
    return Evaluation.objects.filter(assessment=assessment).first()


def suggestion_key(suggestion: Any) -> tuple[str, str]:
    """What identifies one suggestion of an evaluation, and a decision on it: (rule id, option).

    A rule may suggest several options (T-6: support, referral, avoid benzodiazepines), so
    the rule id alone names none of them. Takes an engine suggestion dict or a decision.
    """
    if isinstance(suggestion, dict):
        return str(suggestion.get("rule_id") or ""), str(suggestion.get("option") or "")
    return str(suggestion.rule_id), str(suggestion.option)


def evaluation_suggestions(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The evaluation's suggestions, each with the physician's decision on it (spec §C.9).

    The one place that matches decisions to suggestions: each entry is the engine's dict
    (never edited) plus `key` (`suggestion_key`), `decision` (the latest `SuggestionDecision`
    on that rule id *and* option, or None) and `history` (every decision on it, oldest
    first). Uses `evaluation.decisions.all()`, so `prefetch_related("decisions")` keeps it
    query-free. A logged decision that names no suggestion of the evaluation matches none.
    """
    history: dict[tuple[str, str], list[Any]] = {}
    for decision in evaluation.decisions.all():  # ordered by created_at, id
        history.setdefault(suggestion_key(decision), []).append(decision)
    out: list[dict[str, Any]] = []
    for suggestion in evaluation.suggestions or []:
        if not isinstance(suggestion, dict):
            continue
        key = suggestion_key(suggestion)
        decisions = history.get(key, [])
        out.append(
            {
                **suggestion,
                "key": key,
                "decision": decisions[-1] if decisions else None,
                "history": decisions,
            }
        )
    return out


LABEL_STATUS_BY_ACTION = {
    "confirmed": "clinician_confirmed",
    "rejected": "clinician_rejected",
}


def evaluation_labels(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The evaluation's labels with their current clinician status (spec §C.0.3, §C.9).

    Each label is the engine's dict (never edited) plus `engine_status` (the engine's own
    status), `status` (`clinician_confirmed` / `clinician_rejected` from the latest
    `LabelDecision` for its code, else the engine status), once decided `decided_by` /
    `decided_at` / `reason` of that decision (and `confirmed_by` when confirmed, the FHIR
    asserter), and `history`
    (every decision on the code, oldest first). Uses `evaluation.label_decisions.all()`, so a
    `prefetch_related("label_decisions")` keeps it query-free.
    """
    history: dict[str, list[dict[str, Any]]] = {}
    for decision in evaluation.label_decisions.all():  # ordered by created_at, id
        history.setdefault(decision.code, []).append(
            {
                "id": decision.pk,
                "action": decision.action,
                "reason": decision.reason,
                "actor_id": str(decision.actor_id),
                "created_at": decision.created_at.isoformat(),
            }
        )
    out: list[dict[str, Any]] = []
    for label in evaluation.labels or []:
        if not isinstance(label, dict):
            continue
        entry = dict(label)
        code = str(label.get("code") or "")
        engine_status = str(label.get("status") or "screening")
        entry["engine_status"] = engine_status
        entry["history"] = history.get(code, [])
        entry["status"] = engine_status
        if entry["history"]:
            current = entry["history"][-1]
            entry["status"] = LABEL_STATUS_BY_ACTION[current["action"]]
            entry["decided_by"] = current["actor_id"]
            entry["decided_at"] = current["created_at"]
            entry["reason"] = current["reason"]
            if current["action"] == "confirmed":
                entry["confirmed_by"] = current["actor_id"]
        out.append(entry)
    return out


def evaluation_confirmed_labels(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The labels whose current status is `clinician_confirmed` (`evaluation_labels`).

    Only these enter a conclusion, its PDF, the cohort counts and the FHIR export: an
    unconfirmed label is a screening result, a rejected one is not the patient's.
    """
    return [
        label
        for label in evaluation_labels(evaluation)
        if label["status"] == LABEL_STATUS_BY_ACTION["confirmed"]
    ]


def previous_scores(patient: Patient, *, before: Any = None) -> dict[str, Any]:
    """The scores of the patient's latest evaluation before `before` (for change rules)."""
    evaluations = Evaluation.objects.filter(patient=patient)
    if before is not None:
        evaluations = evaluations.filter(created_at__lt=before)
    latest = evaluations.order_by("-created_at", "-id").only("scores").first()
    return dict(latest.scores) if latest is not None else {}


def evaluation_get_for_action(*, actor: User, evaluation_id: UUID | str) -> Evaluation:
    return get_or_not_found(
        Evaluation.objects.filter(patient__in=patients_actionable_by(actor)).select_related(
            "patient", "assessment"
        ),
        pk=evaluation_id,
    )


def evaluation_latest_for(*, patient: Patient) -> Evaluation | None:
    return Evaluation.objects.filter(patient=patient).order_by("-created_at", "-id").first()


# --- reads of the web pages -------------------------------------------------------------
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


def decision_list_for(*, actor: User, evaluation: Evaluation) -> list[SuggestionDecision]:
    """The decision log of an evaluation loaded through `evaluation_get_for` (prefetched)."""
    return list(evaluation.decisions.all())
