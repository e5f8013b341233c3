"""Demo data: six months of care of the demo patient, and a second patient who got worse.

Built through the clinic services (assessment start/autosave/submit, decisions on suggestions
and labels, conclusion create/issue), so the scores, rules, flags and audit are what the
product computes. The services stamp their rows with `timezone.now()`; each visit is
backdated right after it is written (timestamp fields only), in date order, so the next
submission compares with the previous visit as it would have at the time.

The conclusion is issued today from the last visit (its PDF states the issue date, which a
timestamp update could not change). Idempotent: a patient that already has an evaluation
gets no history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.clinic.engine import questionnaires
from lifeline.clinic.models.assessments import (
    Assessment,
    Evaluation,
    LabelDecision,
    Score,
    SuggestionDecision,
)
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.services import assessments, labels, patients
from lifeline.clinic.services.conclusions import (
    ConclusionItemInput,
    conclusion_create,
    conclusion_issue,
)

if TYPE_CHECKING:
    from lifeline.accounts.models import User
    from lifeline.core.demo import DemoContext

# What the doctor recorded at the first visit (spec §C.2 names): the NeuPSIG checklist of
# definite central post-stroke pain and the safety inputs of the drug rules.
MAIN_CLINICAL: dict[str, Any] = {
    "onset_after_stroke": True,
    "distribution_matches_lesion": True,
    "sensory_signs_in_area": True,
    "lesion_on_imaging": True,
    "other_causes_excluded": True,
    "hsp": False,
    "weight": 82,
    "crcl_cockcroft_gault": 71,
    "egfr": 78,
    "hepatic_impairment": False,
    "cardiac_history": False,
    "cardiac_conduction_disease": False,
    "recent_mi": False,
    "arrhythmia": False,
    "heart_failure": False,
    "ecg_on_file": True,
    "qtc_ms": 428,
    "angle_closure_glaucoma": False,
    "urinary_retention_bph": False,
    "epilepsy_or_poststroke_seizures": False,
    "falls_history": True,
    "orthostatic_hypotension": False,
    "cognitive_impairment": False,
    "uncontrolled_hypertension": False,
    "hyponatremia": False,
    "copd_or_resp_insufficiency": False,
    "substance_use_disorder": False,
    "heavy_alcohol_use": False,
    "suicidal_ideation": False,
    # Secondary prevention after the ischaemic stroke.
    "current_meds": [
        {"atc": "B01AC04", "name": "clopidogrel", "daily_dose_mg": 75},
        {"atc": "C10AA05", "name": "atorvastatin", "daily_dose_mg": 40},
        {"atc": "C09AA05", "name": "ramipril", "daily_dose_mg": 5},
    ],
}


@dataclass(frozen=True)
class Visit:
    """One assessment: `days_ago` at 10:30; a clinician visit runs the full battery."""

    days_ago: int
    vas: int
    clinician: bool = False
    dn4_yes: tuple[int, ...] = ()
    csi: int | None = None
    hads: tuple[int, int] | None = None  # (anxiety, depression)
    by_phone: bool = False
    clinical: dict[str, Any] = field(default_factory=dict)  # set on the record before it

    @property
    def instruments(self) -> list[str]:
        names = ["vas"]
        if self.clinician:
            names.append("dn4")
        if self.csi is not None:
            names.append("csi")
        if self.hads is not None:
            names.append("hads")
        return names


# VAS 72 → 35 mm over six months on pregabalin and rehabilitation, a visit every 2–4 weeks
# (clinician reviews at 0, 3 and 6 months; self-reports from home in between).
MAIN_VISITS: tuple[Visit, ...] = (
    Visit(182, 72, clinician=True, dn4_yes=(1, 2, 4, 5, 8, 10), csi=38, hads=(9, 8)),
    Visit(161, 66),
    Visit(140, 61, hads=(8, 7)),
    Visit(119, 57),
    Visit(91, 50, clinician=True, dn4_yes=(1, 2, 5, 8, 10), csi=33, hads=(7, 6)),
    Visit(63, 45),
    Visit(42, 41, hads=(6, 5)),
    Visit(21, 38),
    Visit(4, 35, clinician=True, dn4_yes=(1, 5, 8, 10), csi=29, hads=(5, 4)),
)

# The doctor's decisions (rule id, option, action, reason) per clinician visit, by days_ago.
MAIN_DECISIONS: dict[int, tuple[tuple[str, str, str, str], ...]] = {
    182: (
        ("T-0", "self-management-plan", "accepted", ""),
        ("T-1b", "pregabalin", "accepted", ""),
        (
            "T-1a",
            "amitriptyline",
            "rejected",
            "Возраст 67 лет и падения в анамнезе: антихолинергическое и седативное действие "
            "(критерии Бирса). Выбран прегабалин.",
        ),
        ("T-7", "cpsp-physiotherapy-education-cbt", "accepted", ""),
    ),
    91: (("T-1b", "pregabalin", "accepted", ""),),
    4: (
        ("T-1b", "pregabalin", "accepted", ""),
        ("T-0", "self-management-plan", "accepted", ""),
    ),
}
# Labels the doctor rejects (with the reason); every other label is confirmed.
MAIN_LABEL_REJECTIONS = {
    "DEPRESSION_possible": "Клиническое интервью: сниженное настроение как реакция на "
    "болезнь, критериев депрессии нет.",
}

CONCLUSION_ITEMS = (
    ConclusionItemInput(catalogue_code="pregabalin", rule_id="T-1b"),
    ConclusionItemInput(catalogue_code="pain-education", rule_id="T-0"),
    ConclusionItemInput(catalogue_code="physiotherapy-exercise", rule_id="T-7"),
)
CONCLUSION_TEXT = (
    "За 6 месяцев интенсивность боли снизилась с 72 до 35 мм по ВАШ (−51 %) на фоне "
    "прегабалина и реабилитации; тревога уменьшилась (HADS-A 9 → 5). Продолжить терапию, "
    "повторная оценка через 3 месяца."
)

# A second patient of the demo doctor (no account): pain was stable, then rose sharply with
# a new location — the dashboard's worsening and red-flag lists, unreviewed.
SECOND_NAME = "Петрова Анна Сергеевна"
SECOND_RECORD: dict[str, Any] = {
    "full_name": SECOND_NAME,
    "date_of_birth": date(1963, 2, 3),
    "sex": "female",
    "diagnosis": "Последствия геморрагического инсульта в левом полушарии (I69.1)",
    "stroke_date": date(2025, 6, 20),
    "stroke_type": "hemorrhagic",
    "lesion_side": "left",
    "pain_locations": ["shoulder_right"],
    "pain_onset_date": date(2025, 8, 1),
    "clinical": {"self_report_reliable": True, "hsp": True, "falls_history": False},
}
SECOND_VISITS: tuple[Visit, ...] = (
    Visit(75, 45, clinician=True, dn4_yes=(2, 8), csi=30, hads=(6, 7)),
    Visit(40, 42, by_phone=True),
    Visit(6, 68, by_phone=True, clinical={"new_pain_location": True}),
)


def _visit_time(days_ago: int) -> datetime:
    today = timezone.localtime().replace(hour=10, minute=30, second=0, microsecond=0)
    return today - timedelta(days=days_ago)


def _answers_for(instrument: str, visit: Visit) -> dict[str, Any]:
    """Item answers that score exactly as the visit says (read from the questionnaire)."""
    if instrument == "vas":
        return {"vas": visit.vas}
    if instrument == "dn4":
        return {f"dn4-{i}": "yes" if i in visit.dn4_yes else "no" for i in range(1, 11)}
    items = {k: m for k, m in questionnaires.items(instrument).items() if m.scored}
    if instrument == "csi":
        base, extra = divmod(visit.csi or 0, len(items))
        return {k: str(base + (1 if n < extra else 0)) for n, k in enumerate(sorted(items, key=_n))}
    anxiety, depression = visit.hads or (0, 0)
    remaining = {"hads-a": anxiety, "hads-d": depression}
    answers = {}
    for key in sorted(items, key=_n):
        meta = items[key]
        share = min(3, remaining[str(meta.subscale)])
        remaining[str(meta.subscale)] -= share
        answers[key] = next(code for code, score in meta.options.items() if score == share)
    return answers


def _n(link_id: str) -> int:
    return int(link_id.rsplit("-", 1)[1])


def _backdate_visit(assessment: Assessment, evaluation: Evaluation, at: datetime) -> None:
    """The services stamped now(); move the visit's rows to when it happened."""
    assessment_id = assessment.pk
    Assessment.objects.filter(pk=assessment_id).update(
        created_at=at - timedelta(minutes=14),
        updated_at=at,
        last_saved_at=at - timedelta(minutes=1),
        submitted_at=at,
    )
    Score.objects.filter(assessment_id=assessment_id).update(
        measured_at=at, created_at=at, updated_at=at
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(created_at=at, updated_at=at)


def _assess(*, doctor: User, patient: Patient, visit: Visit) -> Evaluation:
    at = _visit_time(visit.days_ago)
    if visit.clinical:
        clinical = {**(patient.clinical or {}), **visit.clinical}
        patient = patients.patient_update(
            actor=doctor, patient=patient, data={"clinical": clinical}
        )
    self_report = not visit.clinician and not visit.by_phone and patient.user is not None
    actor = patient.user if self_report and patient.user is not None else doctor
    assessment, _created = assessments.assessment_start(
        actor=actor,
        patient=patient,
        instruments=visit.instruments,
        mode="patient" if self_report else "clinician",
        respondent="patient" if self_report or visit.by_phone else "clinician",
        administration=(
            "self-phone"
            if self_report
            else "interview-phone"
            if visit.by_phone
            else "interview-in-person"
        ),
    )
    assessments.assessment_autosave(
        actor=actor,
        assessment=assessment,
        answers={name: _answers_for(name, visit) for name in visit.instruments},
        position={"instrument": visit.instruments[-1]},
    )
    evaluation = assessments.assessment_submit(actor=actor, assessment=assessment)
    _backdate_visit(assessment, evaluation, at)
    return evaluation


def _decide(
    *,
    doctor: User,
    evaluation: Evaluation,
    at: datetime,
    decisions: tuple[tuple[str, str, str, str], ...],
    label_rejections: dict[str, str],
) -> None:
    for code in labels.label_codes(evaluation):
        reason = label_rejections.get(code, "")
        labels.label_decision_record(
            actor=doctor,
            evaluation=evaluation,
            code=code,
            action="rejected" if reason else "confirmed",
            reason=reason,
        )
    for rule_id, option, action, reason in decisions:
        assessments.decision_record(
            actor=doctor,
            evaluation=evaluation,
            rule_id=rule_id,
            option=option,
            action=action,
            reason=reason,
        )
    # Decided during the visit (the services stamp now()).
    LabelDecision.objects.filter(evaluation=evaluation).update(created_at=at + timedelta(minutes=8))
    SuggestionDecision.objects.filter(evaluation=evaluation).update(
        created_at=at + timedelta(minutes=12)
    )


def _main_history(*, doctor: User, patient: Patient) -> None:
    missing = {k: v for k, v in MAIN_CLINICAL.items() if k not in (patient.clinical or {})}
    if missing:
        patient = patients.patient_update(
            actor=doctor, patient=patient, data={"clinical": {**patient.clinical, **missing}}
        )
    last: Evaluation | None = None
    for visit in MAIN_VISITS:
        last = _assess(doctor=doctor, patient=patient, visit=visit)
        if visit.clinician:
            _decide(
                doctor=doctor,
                evaluation=last,
                at=_visit_time(visit.days_ago),
                decisions=MAIN_DECISIONS.get(visit.days_ago, ()),
                label_rejections=MAIN_LABEL_REJECTIONS,
            )
    conclusion = conclusion_create(
        actor=doctor,
        patient=patient,
        evaluation=last,
        items=CONCLUSION_ITEMS,
        free_text=CONCLUSION_TEXT,
        language="ru",
    )
    conclusion_issue(actor=doctor, conclusion=conclusion)


def _second_patient(*, doctor: User, clinic: Any) -> None:
    patient = Patient.objects.filter(organization=clinic, full_name=SECOND_NAME).first()
    if patient is None:
        patient = patients.patient_create(actor=doctor, data=SECOND_RECORD, organization=clinic)
    if Evaluation.objects.filter(patient=patient).exists():
        return
    for visit in SECOND_VISITS:
        _assess(doctor=doctor, patient=patient, visit=visit)


def seed_history(ctx: DemoContext) -> None:
    """Registered after `clinic.demo.seed` (which makes the doctor, patient and care team)."""
    clinic = ctx.organizations.get(OrganizationKind.CLINIC)
    doctor = ctx.users.get(Role.DOCTOR)
    patient_user = ctx.users.get(Role.PATIENT)
    if clinic is None or doctor is None or patient_user is None:
        return
    patient = Patient.objects.filter(user=patient_user).first()
    if patient is None or patient.is_archived:
        return
    if not Evaluation.objects.filter(patient=patient).exists():
        _main_history(doctor=doctor, patient=patient)
        ctx.write("clinic: six months of the demo patient's assessments and an issued conclusion")
    _second_patient(doctor=doctor, clinic=clinic)
