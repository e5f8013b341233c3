"""Builders of instrument answers with chosen totals, for the engine tests."""

from __future__ import annotations

from typing import Any

# Score of the first-listed HADS option per item (spec §A.4).
HADS_FIRST_SCORES_3 = {1, 3, 5, 6, 8, 10, 11, 13}


def dn4(yes: set[int] | list[int], *, exam: bool = True) -> dict[str, str]:
    last = 10 if exam else 7
    return {f"dn4-{i}": "yes" if i in yes else "no" for i in range(1, last + 1)}


def dn4_total(interview: int, exam_yes: int | None) -> dict[str, str]:
    """DN4 answers: `interview` yes among items 1–7, `exam_yes` among 8–10 (None: omitted)."""
    yes = set(range(1, interview + 1))
    if exam_yes is not None:
        yes |= set(range(8, 8 + exam_yes))
    return dn4(yes, exam=exam_yes is not None)


def csi(total: int, *, missing: int = 0) -> dict[str, int]:
    """CSI part A answers summing to `total` over the answered items (items 1.. answered)."""
    answered = 25 - missing
    assert 0 <= total <= 4 * answered
    answers = {}
    remaining = total
    for i in range(1, answered + 1):
        value = min(4, remaining)
        answers[f"csi-{i}"] = value
        remaining -= value
    return answers


def hads_letter(item: int, score: int) -> str:
    index = 3 - score if item in HADS_FIRST_SCORES_3 else score
    return "abcd"[index]


def _spread(total: int, n: int) -> list[int]:
    out = []
    for _ in range(n):
        value = min(3, total)
        out.append(value)
        total -= value
    assert total == 0
    return out


def hads(a: int | None, d: int | None, *, missing_a: int = 0, missing_d: int = 0) -> dict[str, str]:
    answers: dict[str, str] = {}
    for total, items, missing in ((a, range(1, 15, 2), missing_a), (d, range(2, 15, 2), missing_d)):
        if total is None:
            continue
        used = list(items)[: 7 - missing]
        for item, score in zip(used, _spread(total, len(used)), strict=True):
            answers[f"hads-{item}"] = hads_letter(item, score)
    return answers


def safe_clinical(**overrides: Any) -> dict[str, Any]:
    """Every safety input known and negative (vector 1 baseline: age 58, CrCl 90)."""
    data: dict[str, Any] = {
        "age": 58,
        "sex": "female",
        "weight": 70,
        "crcl_cockcroft_gault": 90,
        "hepatic_impairment": False,
        "cardiac_history": False,
        "cardiac_conduction_disease": False,
        "recent_mi": False,
        "arrhythmia": False,
        "ecg_on_file": True,
        "qtc_ms": 420,
        "heart_failure": False,
        "angle_closure_glaucoma": False,
        "urinary_retention_bph": False,
        "epilepsy_or_poststroke_seizures": False,
        "falls_history": False,
        "orthostatic_hypotension": False,
        "cognitive_impairment": False,
        "uncontrolled_hypertension": False,
        "hyponatremia": False,
        "copd_or_resp_insufficiency": False,
        "substance_use_disorder": False,
        "heavy_alcohol_use": False,
        "pregnancy_or_breastfeeding": False,
        "suicidal_ideation": False,
        "prior_gi_bleed": False,
        "implants_near_coil": False,
        "current_meds": [],
        "self_report_reliable": True,
        "pain_duration": "chronic",
    }
    data.update(overrides)
    return data


KLIT_DEFINITE = {
    "onset_after_stroke": True,
    "distribution_matches_lesion": True,
    "other_causes_excluded": True,
    "sensory_signs_in_area": True,
    "lesion_on_imaging": True,
}


def codes(result: dict[str, Any]) -> list[str]:
    return [label["code"] for label in result["labels"]]


def shown(result: dict[str, Any]) -> list[str]:
    return [s["option"] for s in result["suggestions"] if s["displayed"]]


def suggestion(result: dict[str, Any], option: str) -> dict[str, Any]:
    return next(s for s in result["suggestions"] if s["option"] == option)


def findings(
    result: dict[str, Any], option: str, rule_id: str | None = None
) -> list[dict[str, Any]]:
    return [
        f
        for f in result["safety"]
        if f["option"] == option and (rule_id is None or f["rule_id"] == rule_id)
    ]
