"""Reads about patients, care teams and assessments, always scoped by the actor.

Stable contract for other modules:
- `patient_for_user(user)`: the Patient record of a patient account, or None.
- `patients_for_doctor(doctor)`: patients the doctor may see and act on (assigned ones, in
  clinics where the doctor is approved, plus the doctor's own test patients).
- `care_team_doctors(patient)`: users assigned to the patient.
- `is_care_team_pair(doctor=, patient=)`: whether `doctor` is assigned to `patient`.
- `doctor_may_see_patient(doctor, patient_id)`: whether that patient is in
  `patients_for_doctor(doctor)`, in one query (for hot paths that already hold the id).
- `latest_scores(patient)`: the latest stored score per instrument.
- `patient_record_shared(patient=, kind=, record_id=)`: whether an assessment or conclusion
  id is a record of that patient the patient may read (what another module may point at).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.models import Membership, Organization
from lifeline.accounts.enums import UserStatus
from lifeline.accounts.models import User
from lifeline.clinic.models import (
    Assessment,
    AssessmentStatus,
    CareTeamMember,
    Conclusion,
    Evaluation,
    Patient,
    Score,
)
from lifeline.clinic.permissions import admin_organization_ids, doctor_organization_ids
from lifeline.core.db import CaseFold
from lifeline.core.selectors import get_or_not_found


def patient_for_user(user: User) -> Patient | None:
    if not user.is_authenticated:
        return None
    return Patient.objects.filter(user=user).first()


def _doctor_scope(doctor: Any, doctor_orgs: list[Any]) -> Q:
    assigned = Exists(CareTeamMember.objects.filter(patient=OuterRef("pk"), doctor=doctor))
    return (Q(assigned) & Q(organization_id__in=doctor_orgs)) | Q(is_test=True, created_by=doctor)


def patients_for_doctor(doctor: User) -> QuerySet[Patient]:
    """Patients `doctor` may see and act on (not archived)."""
    if not doctor.is_authenticated:
        return Patient.objects.none()
    return Patient.objects.filter(
        _doctor_scope(doctor, doctor_organization_ids(doctor)), is_archived=False
    )


def _doctor_may_see_sql() -> str:
    """`patients_for_doctor` for one patient id, as one statement (see the caller)."""
    patient, team = Patient._meta.db_table, CareTeamMember._meta.db_table
    membership, organization = Membership._meta.db_table, Organization._meta.db_table
    # Table names from the models; every value is a bound parameter.
    return (
        f"SELECT 1 FROM {patient} p WHERE p.id = %(patient)s AND NOT p.is_archived AND ("  # noqa: S608
        f" (p.is_test AND p.created_by_id = %(doctor)s)"
        f" OR (EXISTS (SELECT 1 FROM {team} t"
        f"  WHERE t.patient_id = p.id AND t.doctor_id = %(doctor)s)"
        f"  AND EXISTS (SELECT 1 FROM {membership} m"
        f"   JOIN {organization} o ON o.id = m.organization_id"
        f"   WHERE m.user_id = %(doctor)s AND m.organization_id = p.organization_id"
        f"   AND m.role = %(role)s AND m.is_active AND o.is_active AND o.kind = %(kind)s)))"
    )


def doctor_may_see_patient(doctor: User, patient_id: Any) -> bool:
    """Whether `patients_for_doctor(doctor)` holds `patient_id`, in one short statement.

    The same rule as `_doctor_scope` + not archived, written as SQL because this runs on
    every message sent and every history page: the ORM took ~2.5 ms of CPU to build and
    compile the nested `Exists` for a query that runs in 0.1 ms. A test holds the two
    equal over every case of the rule (`test_doctor_may_see_patient_matches_the_scope`).
    """
    if not doctor.is_authenticated or patient_id is None:
        return False
    params = {
        "patient": Patient._meta.get_field("id").get_db_prep_value(patient_id, connection),
        "doctor": User._meta.get_field("id").get_db_prep_value(doctor.pk, connection),
        "role": Role.DOCTOR.value,
        "kind": OrganizationKind.CLINIC.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_doctor_may_see_sql(), params)
        return cursor.fetchone() is not None


def _visible_scope(actor: Any) -> Q | None:
    """The access rule as a filter, built from only the parts that apply to `actor`.

    Each part is index-friendly on its own (care-team semi-join, organization); the rare
    parts (own record, own test patients) are resolved to ids first, so a doctor's list of
    10 000 patients is a semi-join plus a top-N sort rather than an OR over every row.
    """
    parts: list[Q] = []
    doctor_orgs = doctor_organization_ids(actor)
    if doctor_orgs:
        assigned = CareTeamMember.objects.filter(doctor=actor).values("patient_id")
        parts.append(Q(organization_id__in=doctor_orgs, pk__in=assigned))
    admin_orgs = admin_organization_ids(actor)
    if admin_orgs:
        parts.append(Q(organization_id__in=admin_orgs))
    own = list(
        Patient.objects.filter(Q(user=actor) | Q(is_test=True, created_by=actor)).values_list(
            "pk", flat=True
        )[:1000]
    )
    if own:
        parts.append(Q(pk__in=own))
    if not parts:
        return None
    scope = parts[0]
    for part in parts[1:]:
        scope |= part
    return scope


def patients_visible_to(actor: Any, *, archived: bool | None = False) -> QuerySet[Patient]:
    """Every patient `actor` may read: self, assigned (doctor), organization (clinic admin).

    `archived`: False (default) active records only, True archived only, None both.
    """
    if not getattr(actor, "is_authenticated", False):
        return Patient.objects.none()
    scope = _visible_scope(actor)
    if scope is None:
        return Patient.objects.none()
    patients = Patient.objects.filter(scope)
    if archived is not None:
        patients = patients.filter(is_archived=archived)
    return patients


def patient_get_for(*, actor: Any, patient_id: UUID | str, archived: bool | None = None) -> Patient:
    return get_or_not_found(
        patients_visible_to(actor, archived=archived).select_related("organization", "user"),
        pk=patient_id,
    )


def patient_list_for(
    *, actor: Any, search: str = "", archived: bool | None = False
) -> QuerySet[Patient]:
    """The patient list: name search, with the date of the latest submitted assessment."""
    patients = patients_visible_to(actor, archived=archived)
    words = search.split()[:5]
    if words:
        # Unicode case folding on SQLite too: «иванов» finds «Иванов».
        patients = patients.annotate(name_folded=CaseFold("full_name"))
        for word in words:
            patients = patients.filter(name_folded__contains=word.casefold())
    last = (
        Assessment.objects.filter(patient=OuterRef("pk"), status=AssessmentStatus.SUBMITTED)
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
    )
    return patients.annotate(last_assessment_at=Subquery(last))


def care_team_doctors(patient: Patient) -> QuerySet[User]:
    return User.objects.filter(clinic_assignments__patient=patient, status=UserStatus.ACTIVE)


def care_team_of(patient: Patient) -> QuerySet[CareTeamMember]:
    return patient.care_team.select_related("doctor").order_by("created_at", "id")


def is_care_team_pair(*, doctor: User, patient: Patient) -> bool:
    return CareTeamMember.objects.filter(doctor=doctor, patient=patient).exists()


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


def patient_record_shared(*, patient: Patient, kind: str, record_id: UUID | str) -> bool:
    """Whether `record_id` is one of `patient`'s records that the patient may read.

    `kind` is "assessment" (any of the patient's assessments) or "conclusion" (an issued
    one: the patient never sees a draft). Whoever may see `patient` may read these too, so
    another module may show such a record to both sides (chat's conversation reference).
    Any other kind, or a record of another patient, is False. One query.
    """
    if kind == "assessment":
        return Assessment.objects.filter(pk=record_id, patient=patient).exists()
    if kind == "conclusion":
        return Conclusion.objects.filter(
            pk=record_id, patient=patient, versions__isnull=False
        ).exists()
    return False
