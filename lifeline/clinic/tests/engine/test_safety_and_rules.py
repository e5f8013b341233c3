"""Safety rules (X), red flags (RF) and mechanism rules (M) beyond the spec vectors."""

from __future__ import annotations

from typing import Any

import pytest

from lifeline.clinic.engine import evaluate
from lifeline.clinic.tests.engine.helpers import (
    KLIT_DEFINITE,
    codes,
    csi,
    dn4,
    findings,
    hads,
    safe_clinical,
    shown,
    suggestion,
)

CPSP = {"nrs": {"nrs": 6}, "dn4": dn4({1, 2, 3, 8, 9})}


def run(responses: dict[str, Any] | None = None, **clinical: Any) -> dict[str, Any]:
    return evaluate(responses or CPSP, safe_clinical(**KLIT_DEFINITE, **clinical))


@pytest.mark.parametrize(
    ("field", "value", "condition"),
    [
        ("cardiac_conduction_disease", True, "cardiac_conduction_disease"),
        ("arrhythmia", True, "arrhythmia"),
        ("recent_mi", True, "recent_mi"),
        ("angle_closure_glaucoma", True, "angle_closure_glaucoma"),
        ("urinary_retention_bph", True, "urinary_retention_bph"),
        ("qtc_ms", 480, "qtc_prolonged"),
        ("heart_failure_decompensated", True, "heart_failure_decompensated"),
        ("maoi_within_14_days", True, "maoi"),
        ("current_meds", ["moclobemide"], "maoi"),
    ],
)
def test_tca_block_collapses_amitriptyline(field: str, value: Any, condition: str) -> None:
    r = run(**{field: value})
    (block,) = [f for f in findings(r, "amitriptyline", "X-TCA-1") if f["level"] == "BLOCK"]
    assert block["conditions"] == [condition]
    assert block["message"]["en"].startswith("TCA contraindicated or high risk:")
    s = suggestion(r, "amitriptyline")
    assert s["displayed"] is False
    assert s["reason_if_collapsed"] == {"code": "blocked_by_safety_rule", "rule_ids": ["X-TCA-1"]}
    assert "pregabalin" in shown(r)


def test_recent_mi_date_uses_recovery_window() -> None:
    r = run(recent_mi=None, recent_mi_date="2026-01-10", assessment_date="2026-03-01")
    assert [f["level"] for f in findings(r, "amitriptyline", "X-TCA-1")] == ["BLOCK"]
    r = run(recent_mi=None, recent_mi_date="2025-01-10", assessment_date="2026-03-01")
    assert findings(r, "amitriptyline", "X-TCA-1") == []


def test_qtc_threshold_by_sex() -> None:
    assert findings(run(qtc_ms=460, sex="female"), "amitriptyline", "X-TCA-1") == []
    assert findings(run(qtc_ms=460, sex="male"), "amitriptyline", "X-TCA-1")[0]["level"] == "BLOCK"


def test_tca_ecg_not_needed_under_41_without_cardiac_history() -> None:
    r = run(age=40, ecg_on_file=False, qtc_ms=None)
    assert findings(r, "amitriptyline", "X-TCA-3") == []
    r = run(age=41, ecg_on_file=False, qtc_ms=None)
    assert findings(r, "amitriptyline", "X-TCA-3")[0]["level"] == "SAFETY_UNCHECKED"
    r = run(age=30, ecg_on_file=False, qtc_ms=None, cardiac_history=True)
    assert findings(r, "amitriptyline", "X-TCA-3")[0]["missing"] == ["ecg"]


def test_tca_interactions_and_suicide() -> None:
    r = run(current_meds=["fluoxetine", {"atc": "N02AX02", "name": "tramadol"}])
    (f,) = findings(r, "amitriptyline", "X-TCA-4")
    assert (f["level"], f["interacting_drugs"]) == ("WARN", ["fluoxetine", "tramadol"])
    r = run(suicidal_ideation=True)
    assert findings(r, "amitriptyline", "X-TCA-5")[0]["level"] == "WARN"
    assert findings(r, "duloxetine", "X-GEN-1")[0]["level"] == "WARN"
    assert [rf["rule_id"] for rf in r["red_flags"]] == ["RF-5"]


@pytest.mark.parametrize(
    ("crcl", "pregabalin", "gabapentin"),
    [
        (90, ("INFO", 600), ("INFO", 3600)),
        (80, ("INFO", 600), ("INFO", 3600)),
        (79, ("INFO", 600), ("WARN", 1800)),
        (60, ("INFO", 600), ("WARN", 1800)),
        (59, ("WARN", 300), ("WARN", 1800)),
        (50, ("WARN", 300), ("WARN", 1800)),
        (49, ("WARN", 300), ("WARN", 900)),
        (30, ("WARN", 300), ("WARN", 900)),
        (29, ("WARN", 150), ("WARN", 600)),
        (15, ("WARN", 150), ("WARN", 600)),
        (14, ("WARN", 75), ("WARN", 300)),
    ],
)
def test_gabapentinoid_renal_bands(crcl: float, pregabalin: tuple, gabapentin: tuple) -> None:
    r = run(crcl_cockcroft_gault=crcl)
    (p,) = findings(r, "pregabalin", "X-GABA-1")
    (g,) = findings(r, "gabapentin", "X-GABA-2")
    assert (p["level"], p["max_daily_dose_mg"]) == pregabalin
    assert (g["level"], g["max_daily_dose_mg"]) == gabapentin


def test_crcl_computed_from_creatinine() -> None:
    # (140 − 70) × 70 × 1.23 / 100 µmol/L = 60.3 mL/min
    r = run(crcl_cockcroft_gault=None, age=70, weight=70, sex="male", serum_creatinine=100)
    (p,) = findings(r, "pregabalin", "X-GABA-1")
    assert (p["crcl"], p["max_daily_dose_mg"]) == (60.3, 600)


def test_pregabalin_current_dose_above_max_blocks() -> None:
    r = run(crcl_cockcroft_gault=40, current_meds=[{"atc": "N03AX16", "daily_dose_mg": 450}])
    levels = [f["level"] for f in findings(r, "pregabalin", "X-GABA-1")]
    assert levels == ["BLOCK", "WARN"]
    assert suggestion(r, "pregabalin")["displayed"] is False


def test_gabapentinoid_cns_depressants() -> None:
    r = run(current_meds=["diazepam", "morphine"])
    (f,) = findings(r, "pregabalin", "X-GABA-3")
    assert (f["level"], f["conditions"], f["interacting_drugs"]) == (
        "WARN",
        ["cns_depressants"],
        ["morphine", "diazepam"],
    )


def test_duloxetine_blocks() -> None:
    r = run(crcl_cockcroft_gault=25, current_meds=["ciprofloxacin"])
    (block,) = [f for f in findings(r, "duloxetine", "X-SNRI-1") if f["level"] == "BLOCK"]
    assert block["conditions"] == ["severe_renal_impairment", "strong_cyp1a2_inhibitor"]
    assert "duloxetine" not in shown(r)
    assert "venlafaxine" in shown(r)


def test_snri_serotonergic_and_hyponatraemia() -> None:
    r = run(age=70, current_meds=["sumatriptan", "furosemide"])
    (f,) = findings(r, "venlafaxine", "X-SNRI-4")
    assert f["conditions"] == ["serotonergic", "older_adult_diuretic"]


def test_lamotrigine_always_info_and_valproate_warn() -> None:
    r = run(current_meds=["valproate"])
    levels = [(f["level"], f["conditions"]) for f in findings(r, "lamotrigine", "X-LTG-1")]
    assert levels == [("WARN", ["current_meds"]), ("INFO", ["always"])]


def test_missing_inputs_never_pass_silently() -> None:
    r = evaluate(CPSP, KLIT_DEFINITE)
    for option in (
        "amitriptyline",
        "pregabalin",
        "gabapentin",
        "duloxetine",
        "venlafaxine",
        "lamotrigine",
    ):
        unchecked = [f for f in findings(r, option) if f["level"] == "SAFETY_UNCHECKED"]
        assert unchecked, option
        assert all(f["missing"] and f["via"] == "X-GEN-3" for f in unchecked)
    # Men are not asked about pregnancy.
    r = evaluate(CPSP, {**KLIT_DEFINITE, "sex": "male"})
    assert findings(r, "amitriptyline", "X-GEN-2") == []


def test_opioids_after_two_failed_classes() -> None:
    history = [
        {"drug": "amitriptyline", "adequate_trial": True, "response_pct": 10, "tolerated": True},
        {"drug": "pregabalin", "adequate_trial": False, "tolerated": False},
    ]
    r = run(treatment_history=history, substance_use_disorder=True)
    for option in ("switch-or-combine", "tramadol-opioids", "pain-centre-referral", "hf-rtms-m1"):
        assert any(s["option"] == option for s in r["suggestions"])
    (block,) = [f for f in findings(r, "tramadol-opioids", "X-OPI-1") if f["level"] == "BLOCK"]
    assert block["conditions"] == ["substance_use_disorder"]


def test_nsaid_blocked_with_anticoagulant() -> None:
    r = evaluate({"nrs": {"nrs": 5}}, safe_clinical(hsp=True, current_meds=["apixaban"]))
    assert "nsaid-short-term" not in shown(r)
    assert "paracetamol" in shown(r)


def test_rtms_implants() -> None:
    history = [
        {"drug": d, "adequate_trial": True, "response_pct": 0} for d in ("pregabalin", "duloxetine")
    ]
    r = run(treatment_history=history, implants_near_coil=True)
    assert findings(r, "hf-rtms-m1", "X-RTMS-1")[0]["level"] == "BLOCK"


# --- Red flags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "rule_id", "severity"),
    [
        ("new_focal_deficit", "RF-1", "emergency"),
        ("reduced_consciousness", "RF-1", "emergency"),
        ("acute_limb_swelling", "RF-2", "urgent"),
        ("fall_or_trauma_with_new_pain", "RF-3", "urgent"),
        ("fever", "RF-4", "urgent"),
        ("cancer_history", "RF-4", "urgent"),
        ("self_harm", "RF-5", "emergency"),
        ("new_pain_location", "RF-8", "soon"),
        ("pain_limits_daily_life", "RF-10", "routine"),
    ],
)
def test_red_flag_triggers(field: str, rule_id: str, severity: str) -> None:
    r = run(**{field: True})
    (rf,) = r["red_flags"]
    assert (rf["rule_id"], rf["severity"], rf["triggers"]) == (rule_id, severity, [field])
    assert rf["banner"] is (rule_id in ("RF-1", "RF-2", "RF-3", "RF-4", "RF-5"))
    assert rf["suppresses_routine"] is (rule_id == "RF-1")
    assert bool(shown(r)) is (rule_id != "RF-1")


def test_rf7_and_rf9() -> None:
    r = evaluate({"hads": hads(9, 3)}, safe_clinical(functional_impairment=True))
    assert [(rf["rule_id"], rf["triggers"]) for rf in r["red_flags"]] == [
        ("RF-7", ["hads_a", "functional_impairment"])
    ]
    assert [rf["rule_id"] for rf in evaluate({"csi": csi(60)}, safe_clinical())["red_flags"]] == [
        "RF-7"
    ]
    r = evaluate({}, safe_clinical(adverse_effects=["rash"], current_meds=["lamotrigine"]))
    assert [(rf["rule_id"], rf["severity"]) for rf in r["red_flags"]] == [
        ("RF-9", "emergency"),
        ("RF-9", "urgent"),
    ]


# --- Mechanism ---------------------------------------------------------------------------------


def test_no_current_pain_skips_mechanism_but_keeps_mood() -> None:
    r = evaluate(
        {"nrs": {"nrs": 0}, "dn4": dn4({1, 2, 3, 8}), "hads": hads(12, 2)}, safe_clinical()
    )
    assert codes(r) == ["NO_CURRENT_PAIN", "ANXIETY_probable"]
    assert "T-6" in {s["rule_id"] for s in r["suggestions"]}
    assert "self-management-plan" not in shown(r)


def test_subacute_prefix() -> None:
    r = evaluate(CPSP, safe_clinical(**KLIT_DEFINITE, pain_duration="subacute"))
    cpsp = next(lab for lab in r["labels"] if lab["code"].startswith("CPSP_"))
    assert (cpsp["provisional"], cpsp["subacute_provisional"]) == (True, True)
    assert cpsp["prefix"]["ru"] == "подострая – предварительно"


def test_cpsp_grades() -> None:
    base = {"onset_after_stroke": True, "distribution_matches_lesion": True}
    assert "CPSP_possible" not in codes(evaluate(CPSP, safe_clinical(**base)))
    possible = safe_clinical(**base, other_causes_excluded=True, sensory_signs_in_area=False)
    assert "CPSP_possible" in codes(evaluate(CPSP, possible))
    # DN4 exam signs count as sensory signs when the checklist item is unknown.
    probable = safe_clinical(**base, other_causes_excluded=True)
    assert "CPSP_probable" in codes(evaluate(CPSP, probable))


def test_nociplastic_possible_requires_chronic_duration() -> None:
    clinical = safe_clinical(
        pain_distribution="regional_beyond_territory",
        evoked_hypersensitivity_in_region=True,
        not_fully_explained_by_nociceptive_or_neuropathic=True,
    )
    responses = {"nrs": {"nrs": 5}, "csi": csi(45)}
    assert "NOCIPLASTIC_POSSIBLE" in codes(evaluate(responses, clinical))
    clinical["pain_duration"] = "subacute"
    assert "NOCIPLASTIC_POSSIBLE" not in codes(evaluate(responses, clinical))


def test_neuro_screen_without_post_stroke_distribution_is_unconfirmed() -> None:
    r = evaluate({"nrs": {"nrs": 5}, "dn4": dn4({1, 2, 3, 4})}, safe_clinical())
    assert codes(r) == ["NEURO_SCREEN_POSITIVE"]
    assert "amitriptyline" not in shown(r)
    r = evaluate(
        {"nrs": {"nrs": 5}, "dn4": dn4({1, 2, 3, 4})},
        safe_clinical(pain_distribution="within_lesion_territory"),
    )
    assert "amitriptyline" in shown(r)


def test_mood_synergy_tags() -> None:
    r = run({"nrs": {"nrs": 6}, "dn4": dn4({1, 2, 3, 8, 9}), "hads": hads(9, 9)})
    assert [t["code"] for t in suggestion(r, "duloxetine")["tags"]] == ["also-antidepressant"]
    assert [t["code"] for t in suggestion(r, "pregabalin")["tags"]] == ["also-anxiety-sleep"]
    assert suggestion(r, "gabapentin")["tags"] == []


def test_s5_stroke_note() -> None:
    r = evaluate({"hads": hads(4, 3)}, safe_clinical())
    assert [n["code"] for n in r["scores"]["hads"]["subscales"]["hads_a"]["notes"]] == ["S-5"]
    assert r["scores"]["hads"]["subscales"]["hads_d"]["notes"] == []
    r = evaluate({"hads": hads(4, 3)}, safe_clinical(stroke=False))
    assert r["scores"]["hads"]["subscales"]["hads_a"]["notes"] == []


def test_deterministic() -> None:
    responses = {
        "nrs": {"nrs": 7},
        "dn4": dn4({1, 2, 3, 8, 9, 10}),
        "csi": csi(50),
        "hads": hads(9, 12),
    }
    clinical = safe_clinical(**KLIT_DEFINITE, assessment_date="2026-03-01")
    assert evaluate(responses, clinical) == evaluate(responses, clinical)


def test_unrecognised_medicine_name_is_unchecked_not_passed() -> None:
    r = run(current_meds=["Mystery-drug 5 mg"])
    (f,) = findings(r, "duloxetine", "X-SNRI-3")
    assert (f["level"], f["missing"], f["unclassified_meds"]) == (
        "SAFETY_UNCHECKED",
        ["unclassified_meds"],
        ["Mystery-drug 5 mg"],
    )
    r = run(current_meds=["clopidogrel", {"atc": "N02BE01"}])
    assert findings(r, "duloxetine", "X-SNRI-3")[0]["level"] == "WARN"


def test_unconfirmed_patient_dn4_does_not_classify() -> None:
    responses = {"nrs": {"nrs": 5}, "dn4": dn4({1, 2, 3, 4}, exam=False)}
    r = evaluate(responses, safe_clinical(dn4_interview_confirmed=False))
    assert "NEURO_SCREEN_POSITIVE" not in codes(r)
    (task,) = [f for f in r["follow_up"] if f["code"] == "dn4-confirm"]
    assert task["items"] == [f"dn4-{i}" for i in range(1, 8)]
    confirmed = evaluate(responses, safe_clinical(dn4_interview_confirmed=True))
    assert "NEURO_SCREEN_POSITIVE" in codes(confirmed)


def test_caregiver_answers_limit_self_report_validity() -> None:
    r = evaluate({"hads": hads(9, 9), "nrs": {"nrs": 4}}, safe_clinical(respondent="caregiver"))
    assert r["scores"]["hads"]["validity_limited"] is True
    assert [n["code"] for n in r["scores"]["hads"]["notes"]] == ["proxy"]
    assert r["scores"]["nrs"]["validity_limited"] is False
