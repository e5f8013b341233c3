"""FHIR R4 export of one patient (spec §B.2, §B.4): a `collection` Bundle with the Patient,
one QuestionnaireResponse per instrument of each submitted assessment (referencing the
instrument's Questionnaire by canonical URL), score Observations derived from them, and
Conditions for clinician-confirmed mechanism labels only.

The resources are built by the engine's pure builders (`lifeline.clinic.engine.fhir`) from
the stored answers and the engine's score dicts (`Score.result`). Rows the builders cannot
take (answers or scores stored before an instrument version changed, or without the full
score dict) fall back to the minimal builders below, so an export never fails on old data.
Ids are stable, derived from database ids. Validated in tests with `fhir.resources.R4B`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from lifeline.clinic.engine import codes
from lifeline.clinic.engine import fhir as builders
from lifeline.clinic.enums import AssessmentStatus
from lifeline.clinic.models.assessments import Assessment, Evaluation, Score
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.selectors.analytics import hads_subscale
from lifeline.clinic.selectors.assessments import evaluation_labels

logger = logging.getLogger(__name__)

# Local score codes (spec §B.1 "Local CodeSystem") and LOINC where one exists.
SCORE_CODES: dict[str, tuple[str, str, str]] = {
    "nrs": (codes.LOINC, codes.LOINC_NRS, "Pain severity - 0-10 verbal numeric rating [Score]"),
    "vas": (codes.LOINC, codes.LOINC_VAS, "Pain severity [Score] Visual analog score"),
    "dn4": (codes.CS_INSTRUMENTS, "dn4-total", "DN4 total score"),
    "dn4_interview": (codes.CS_INSTRUMENTS, "dn4-interview-total", "DN4 interview total score"),
    "csi": (codes.CS_INSTRUMENTS, "csi-a-total", "CSI part A total score"),
    "painad": (codes.CS_INSTRUMENTS, "painad-total", "PAINAD total score"),
    "ncsr": (codes.CS_INSTRUMENTS, "ncsr-total", "NCS-R total score"),
}
HADS_SUBSCALES = {
    "anxiety": ("hads-a", "HADS anxiety subscale"),
    "depression": ("hads-d", "HADS depression subscale"),
}
# Clinician-confirmed mechanism labels → Condition codes (spec §B.1).
CONDITION_CODES: dict[str, list[dict[str, str]]] = {
    "CPSP": [
        {"system": codes.ICD11, "code": "MG30.51", "display": "Chronic central neuropathic pain"},
        {
            "system": codes.SNOMED,
            "code": codes.SNOMED_NEUROPATHIC_PAIN,
            "display": "Neuropathic pain",
        },
    ],
    "NEURO": [
        {
            "system": codes.SNOMED,
            "code": codes.SNOMED_NEUROPATHIC_PAIN,
            "display": "Neuropathic pain",
        },
    ],
    "NOCIPLASTIC": [
        {"system": codes.ICD11, "code": "MG30.0", "display": "Chronic primary pain"},
    ],
    "NOCICEPTIVE": [
        {
            "system": codes.ICD11,
            "code": "MG30.3",
            "display": "Chronic secondary musculoskeletal pain",
        },
    ],
}
MECHANISM_CODES = {
    "CPSP": "neuropathic-cpsp",
    "NEURO": "neuropathic-cpsp",
    "NOCIPLASTIC": "nociplastic",
    "NOCICEPTIVE": "nociceptive",
    "MIXED": "mixed",
}


def _ref(resource: dict[str, Any]) -> str:
    return f"{resource['resourceType']}/{resource['id']}"


def _iso(value: Any) -> str:
    return timezone.localtime(value).isoformat() if value is not None else ""


def _answer(value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, str) and value != "":
        return {"valueCoding": {"system": codes.CS_ANSWERS, "code": value}}
    return None


def _patient_resource(patient: Patient) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "name": [{"text": patient.full_name}],
    }
    birth = getattr(patient, "date_of_birth", None)
    if birth:
        resource["birthDate"] = birth.isoformat()
    sex = getattr(patient, "sex", "")
    if sex in ("female", "male", "unknown"):
        resource["gender"] = sex
    return resource


def _questionnaire_response(
    assessment: Assessment, instrument: str, answers: dict[str, Any], patient_ref: str
) -> dict[str, Any]:
    version = (assessment.instrument_versions or {}).get(instrument)
    canonical = codes.questionnaire_url(instrument) + (f"|{version}" if version else "")
    items = []
    for link_id, value in answers.items():
        answer = _answer(value)
        if answer is not None:
            items.append({"linkId": str(link_id), "answer": [answer]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"{assessment.pk}-{instrument}",
        "questionnaire": canonical,
        "status": "completed",
        "subject": {"reference": patient_ref},
        "authored": _iso(assessment.submitted_at or assessment.created_at),
    }
    if items:
        resource["item"] = items
    return resource


def _observation(
    *,
    resource_id: str,
    system: str,
    code: str,
    display: str,
    value: float,
    band: str,
    score: Score,
    patient_ref: str,
    derived_from: str | None,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": resource_id,
        "status": "final",
        "category": [
            {"coding": [{"system": codes.OBS_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": {"coding": [{"system": system, "code": code, "display": display}]},
        "subject": {"reference": patient_ref},
        "effectiveDateTime": _iso(score.measured_at),
        "valueQuantity": {
            "value": value,
            "unit": "{score}",
            "system": codes.UCUM,
            "code": "{score}",
        },
    }
    if band:
        resource["interpretation"] = [
            {"coding": [{"system": codes.CS_INSTRUMENTS, "code": f"{code}-{band}"}]}
        ]
    if derived_from:
        resource["derivedFrom"] = [{"reference": derived_from}]
    return resource


def _score_observations(
    score: Score, patient_ref: str, derived_from: str | None
) -> list[dict[str, Any]]:
    observations = []
    if score.instrument == "hads":
        for subscale, (code, display) in HADS_SUBSCALES.items():
            value, band = hads_subscale(score.subscores, subscale)
            if value is None:
                continue
            observations.append(
                _observation(
                    resource_id=f"{score.assessment_id}-{code}",
                    system=codes.CS_INSTRUMENTS,
                    code=code,
                    display=display,
                    value=value,
                    band=band,
                    score=score,
                    patient_ref=patient_ref,
                    derived_from=derived_from,
                )
            )
        return observations
    if score.value is None or score.instrument not in SCORE_CODES:
        return observations
    system, code, display = SCORE_CODES[score.instrument]
    observations.append(
        _observation(
            resource_id=f"{score.assessment_id}-{score.instrument}",
            system=system,
            code=code,
            display=display,
            value=score.value,
            band=score.band,
            score=score,
            patient_ref=patient_ref,
            derived_from=derived_from,
        )
    )
    return observations


def _label_parts(label: Any) -> tuple[str, str]:
    if isinstance(label, dict):
        return str(label.get("code") or "").upper(), str(label.get("status") or "")
    return str(label).upper(), ""


def _conditions_for(
    labels: list[Any], evaluation: Evaluation, patient_ref: str, evidence: list[str]
) -> list[dict[str, Any]]:
    conditions = []
    for label in labels:
        code, status = _label_parts(label)
        if status != "clinician_confirmed":
            continue
        prefix = next((p for p in MECHANISM_CODES if code.startswith(p)), None)
        if prefix is None:
            continue
        coding = [
            *CONDITION_CODES.get(prefix, []),
            {
                "system": codes.CS_INSTRUMENTS,
                "code": "pain-mechanism",
                "display": MECHANISM_CODES[prefix],
            },
        ]
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "id": f"{evaluation.pk}-{code.lower().replace('_', '-')}",
            "clinicalStatus": {"coding": [{"system": codes.CONDITION_CLINICAL, "code": "active"}]},
            "verificationStatus": {
                "coding": [{"system": codes.CONDITION_VERIFICATION, "code": "confirmed"}]
            },
            "category": [
                {"coding": [{"system": codes.CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}
            ],
            "code": {"coding": coding, "text": code},
            "subject": {"reference": patient_ref},
            "recordedDate": _iso(evaluation.created_at),
        }
        if evidence:
            resource["evidence"] = [{"detail": [{"reference": ref} for ref in evidence]}]
        conditions.append(resource)
    return conditions


def _engine_questionnaire_response(
    assessment: Assessment, instrument: str, answers: dict[str, Any], patient_ref: str
) -> dict[str, Any]:
    try:
        return builders.questionnaire_response(
            instrument,
            answers,
            id=f"{assessment.pk}-{instrument}",
            subject=patient_ref,
            authored=_iso(assessment.submitted_at or assessment.created_at),
            clinician=(
                f"Practitioner/{assessment.submitted_by_id}"
                if assessment.mode == "clinician" and assessment.submitted_by_id
                else None
            ),
            lang=assessment.language if assessment.language in ("ru", "en") else "en",
            version=(assessment.instrument_versions or {}).get(instrument),
        )
    except (KeyError, LookupError, ValueError, TypeError, StopIteration):
        logger.warning(
            "clinic.fhir_export_fallback",
            extra={"assessment_id": str(assessment.pk), "instrument": instrument},
        )
        return _questionnaire_response(assessment, instrument, answers, patient_ref)


def _engine_observations(
    score: Score, patient_ref: str, derived_from: str | None
) -> list[dict[str, Any]]:
    result = score.result or {}
    if result.get("instrument") == score.instrument:
        try:
            return builders.score_observations(
                result,
                id_prefix=str(score.assessment_id),
                subject=patient_ref,
                effective=_iso(score.measured_at),
                derived_from=derived_from,
            )
        except (KeyError, LookupError, ValueError, TypeError):
            logger.warning(
                "clinic.fhir_export_fallback",
                extra={"assessment_id": str(score.assessment_id), "instrument": score.instrument},
            )
    return _score_observations(score, patient_ref, derived_from)


def _engine_conditions(
    evaluation: Evaluation, patient_ref: str, evidence: list[str]
) -> list[dict[str, Any]]:
    conditions = []
    # The current status comes from the physician's LabelDecision log, never from the
    # engine's stored dict (spec §C.0.3): only confirmed labels become Conditions.
    for label in evaluation_labels(evaluation):
        if label.get("status") != "clinician_confirmed":
            continue
        code = str(label.get("code") or "")
        asserter = label.get("confirmed_by") or evaluation.evaluated_by_id
        try:
            conditions.append(
                builders.condition(
                    label,
                    id=f"{evaluation.pk}-{code.lower().replace('_', '-')}",
                    subject=patient_ref,
                    recorded_date=_iso(evaluation.created_at),
                    asserter=f"Practitioner/{asserter}" if asserter else patient_ref,
                    evidence=evidence,
                )
            )
        except (KeyError, ValueError):
            conditions.extend(_conditions_for([label], evaluation, patient_ref, evidence))
    return conditions


def patient_bundle(*, patient: Patient) -> dict[str, Any]:
    """The patient's export Bundle (type `collection`), in a constant number of queries."""
    patient_resource = _patient_resource(patient)
    patient_ref = _ref(patient_resource)
    resources: list[dict[str, Any]] = []
    assessments = list(
        Assessment.objects.filter(patient=patient, status=AssessmentStatus.SUBMITTED).order_by(
            "submitted_at", "pk"
        )
    )
    scores_by_assessment: dict[Any, list[Score]] = {}
    for score in Score.objects.filter(patient=patient).order_by("measured_at", "instrument"):
        scores_by_assessment.setdefault(score.assessment_id, []).append(score)
    observations_by_assessment: dict[Any, list[str]] = {}
    for assessment in assessments:
        qr_refs: dict[str, str] = {}
        for instrument, answers in (assessment.answers or {}).items():
            if not isinstance(answers, dict):
                continue
            response = _engine_questionnaire_response(assessment, instrument, answers, patient_ref)
            resources.append(response)
            qr_refs[instrument] = _ref(response)
        for score in scores_by_assessment.get(assessment.pk, []):
            for observation in _engine_observations(
                score, patient_ref, qr_refs.get(score.instrument)
            ):
                resources.append(observation)
                observations_by_assessment.setdefault(assessment.pk, []).append(_ref(observation))
    evaluations = (
        Evaluation.objects.filter(patient=patient)
        .prefetch_related("label_decisions")
        .order_by("created_at", "pk")
    )
    for evaluation in evaluations:
        evidence = observations_by_assessment.get(evaluation.assessment_id, [])
        resources.extend(_engine_conditions(evaluation, patient_ref, evidence))
    return builders.bundle(
        patient_resource,
        *resources,
        id=f"patient-{patient.pk}",
        timestamp=timezone.now().isoformat(),
    )
