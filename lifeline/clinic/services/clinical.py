"""The clinical inputs of the rule set (spec §C.2 input dictionary) and body-map regions.

`Patient.clinical` stores these keys, named exactly as in the spec. Booleans accept `null`
meaning "unknown" (a missing safety input must reach the engine as unknown, never as "no").
`clinical_snapshot(patient)` merges the record's own fields (age from the birth date, stroke
date and side, pain locations, pain duration) into what `engine.evaluate` receives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lifeline.clinic.exceptions import InvalidClinicalInputs
from lifeline.core.dates import historical_date

BODY_REGIONS: tuple[str, ...] = (
    "head",
    "face_left",
    "face_right",
    "neck",
    "shoulder_left",
    "shoulder_right",
    "upper_arm_left",
    "upper_arm_right",
    "forearm_left",
    "forearm_right",
    "hand_left",
    "hand_right",
    "chest",
    "abdomen",
    "upper_back",
    "lower_back",
    "pelvis",
    "hip_left",
    "hip_right",
    "thigh_left",
    "thigh_right",
    "knee_left",
    "knee_right",
    "lower_leg_left",
    "lower_leg_right",
    "foot_left",
    "foot_right",
    "hemibody_left",
    "hemibody_right",
    "widespread",
)


def validate_clinical(data: Any) -> dict[str, Any]:
    """Validate clinical inputs against the engine's input dictionary (spec §C.2).

    Raises InvalidClinicalInputs with per-field errors (`clinical.<field>`); unknown field
    names are refused, `null` means unknown. The values are stored as given.
    """
    if not isinstance(data, dict):
        raise InvalidClinicalInputs(errors={"clinical": [_("Must be an object.")]})
    from lifeline.clinic.engine.clinical import DATE, FIELDS
    from lifeline.clinic.engine.clinical import validate_clinical as engine_validate

    cleaned, errors = engine_validate(data)
    errors = {
        (name if name.startswith("clinical") else f"clinical.{name}"): list(messages)
        for name, messages in errors.items()
    }
    for name, (kind, _extra) in FIELDS.items():
        # Dates in the dictionary are all past events: 1900-01-01 to today (core.dates).
        value = cleaned.data.get(name)
        if kind != DATE or not isinstance(value, dt.date) or f"clinical.{name}" in errors:
            continue
        try:
            historical_date(value)
        except ValidationError as exc:
            errors[f"clinical.{name}"] = list(exc.messages)
    if "pain_locations" in data and not errors.get("clinical.pain_locations"):
        locations = data["pain_locations"]
        if not isinstance(locations, list) or not all(r in BODY_REGIONS for r in locations):
            errors["clinical.pain_locations"] = [_("Unknown body region.")]
    if errors:
        raise InvalidClinicalInputs(errors=errors)
    return dict(data)


def validate_body_regions(regions: Any) -> list[str]:
    if not isinstance(regions, list) or not all(r in BODY_REGIONS for r in regions):
        raise InvalidClinicalInputs(errors={"pain_locations": [_("Unknown body region.")]})
    return list(dict.fromkeys(regions))


def clinical_snapshot(patient: Any, *, today: dt.date | None = None) -> dict[str, Any]:
    """What the engine receives: `patient.clinical` plus the record's own fields."""
    data: dict[str, Any] = dict(patient.clinical or {})
    if patient.date_of_birth and "age" not in data:
        data["age"] = patient.age
    if patient.sex in ("female", "male") and "sex" not in data:
        data["sex"] = patient.sex
    if patient.stroke_date:
        data.setdefault("stroke_date", patient.stroke_date.isoformat())
    if patient.stroke_type:
        data.setdefault("stroke_type", patient.stroke_type)
    if patient.lesion_side:
        data.setdefault("lesion_side", patient.lesion_side)
    if patient.lesion_site:
        data.setdefault("lesion_site", patient.lesion_site)
    if patient.pain_locations:
        data.setdefault("pain_locations", list(patient.pain_locations))
    if patient.pain_onset_date:
        data.setdefault("pain_onset_date", patient.pain_onset_date.isoformat())
        today = today or timezone.localdate()
        days = (today - patient.pain_onset_date).days
        data.setdefault("pain_duration_months", round(max(days, 0) / 30.44, 1))
    return data


BODY_REGION_LABELS = {
    "head": gettext_lazy("Head"),
    "face_left": gettext_lazy("Face, left"),
    "face_right": gettext_lazy("Face, right"),
    "neck": gettext_lazy("Neck"),
    "shoulder_left": gettext_lazy("Shoulder, left"),
    "shoulder_right": gettext_lazy("Shoulder, right"),
    "upper_arm_left": gettext_lazy("Upper arm, left"),
    "upper_arm_right": gettext_lazy("Upper arm, right"),
    "forearm_left": gettext_lazy("Forearm, left"),
    "forearm_right": gettext_lazy("Forearm, right"),
    "hand_left": gettext_lazy("Hand, left"),
    "hand_right": gettext_lazy("Hand, right"),
    "chest": gettext_lazy("Chest"),
    "abdomen": gettext_lazy("Abdomen"),
    "upper_back": gettext_lazy("Upper back"),
    "lower_back": gettext_lazy("Lower back"),
    "pelvis": gettext_lazy("Pelvis"),
    "hip_left": gettext_lazy("Hip, left"),
    "hip_right": gettext_lazy("Hip, right"),
    "thigh_left": gettext_lazy("Thigh, left"),
    "thigh_right": gettext_lazy("Thigh, right"),
    "knee_left": gettext_lazy("Knee, left"),
    "knee_right": gettext_lazy("Knee, right"),
    "lower_leg_left": gettext_lazy("Lower leg, left"),
    "lower_leg_right": gettext_lazy("Lower leg, right"),
    "foot_left": gettext_lazy("Foot, left"),
    "foot_right": gettext_lazy("Foot, right"),
    "hemibody_left": gettext_lazy("Left half of the body"),
    "hemibody_right": gettext_lazy("Right half of the body"),
    "widespread": gettext_lazy("Widespread"),
}

CLINICAL_LABELS = {
    "onset_after_stroke": gettext_lazy("Pain began after the stroke"),
    "distribution_matches_lesion": gettext_lazy("Distribution matches the lesion"),
    "sensory_signs_in_area": gettext_lazy("Sensory signs in the painful area"),
    "lesion_on_imaging": gettext_lazy("Lesion confirmed on imaging"),
    "other_causes_excluded": gettext_lazy("Other causes excluded"),
    "pain_confined_to_lesion_territory": gettext_lazy("Pain confined to the lesion territory"),
    "hsp": gettext_lazy("Hemiplegic shoulder pain"),
    "spasticity_pain": gettext_lazy("Painful spasticity"),
    "msk_pain": gettext_lazy("Musculoskeletal pain"),
    "headache": gettext_lazy("Headache"),
    "crps_signs": gettext_lazy("Signs of CRPS"),
    "self_report_reliable": gettext_lazy(
        "Self-report is reliable (no aphasia or cognitive barrier)"
    ),
    "cardiac_history": gettext_lazy("Cardiac history"),
    "cardiac_conduction_disease": gettext_lazy("Cardiac conduction disease"),
    "arrhythmia": gettext_lazy("Arrhythmia"),
    "heart_failure": gettext_lazy("Heart failure"),
    "ecg_on_file": gettext_lazy("ECG on file"),
    "angle_closure_glaucoma": gettext_lazy("Angle-closure glaucoma"),
    "urinary_retention_bph": gettext_lazy("Urinary retention or BPH"),
    "epilepsy_or_poststroke_seizures": gettext_lazy("Epilepsy or post-stroke seizures"),
    "falls_history": gettext_lazy("History of falls"),
    "orthostatic_hypotension": gettext_lazy("Orthostatic hypotension"),
    "cognitive_impairment": gettext_lazy("Cognitive impairment"),
    "hepatic_impairment": gettext_lazy("Hepatic impairment"),
    "uncontrolled_hypertension": gettext_lazy("Uncontrolled hypertension"),
    "copd_or_resp_insufficiency": gettext_lazy("COPD or respiratory insufficiency"),
    "substance_use_disorder": gettext_lazy("Substance use disorder"),
    "pregnancy_or_breastfeeding": gettext_lazy("Pregnancy or breastfeeding"),
    "suicidal_ideation": gettext_lazy("Suicidal ideation"),
    "hyponatremia": gettext_lazy("Hyponatraemia"),
    "hla_b1502_risk_ancestry": gettext_lazy(
        "Ancestry at risk for HLA-B*15:02 (Han Chinese, Thai, Malay, other South-East Asian)"
    ),
    "hla_b1502_positive": gettext_lazy("HLA-B*15:02 positive (genotyped)"),
    "weight": gettext_lazy("Weight, kg"),
    "serum_creatinine": gettext_lazy("Serum creatinine, µmol/L"),
    "crcl_cockcroft_gault": gettext_lazy("Creatinine clearance (Cockcroft–Gault), mL/min"),
    "egfr": gettext_lazy("eGFR, mL/min/1.73 m²"),
    "qtc_ms": gettext_lazy("QTc, ms"),
}
