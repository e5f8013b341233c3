"""`evaluate`: red flags → scoring → mechanism → treatment options → safety → follow-up (§C.0.5).

Pure and deterministic: the same inputs and rule-set version give the same output. Nothing is
stored here; the stored flow keeps `inputs_snapshot`/`inputs_hash` (see `snapshot_inputs`)
next to the returned record (spec §C.9).

Output::

    {"scores": {<instrument>: {...}, "pain": {...}},
     "labels": [{"code", "rule_id", "kind", "status": "screening", "provisional", ...}],
     "suggestions": [{"rule_id", "option", "kind", "line", "evidence_tag", "source_grade",
                      "citation_ids", "title", "text", "tags", "safety": [...],
                      "displayed", "reason_if_collapsed", "preselected": False}],
     "safety": [{"rule_id", "option", "level", "message", "conditions", "missing"}],
     "red_flags": [{"rule_id", "severity", "banner", "suppresses_routine", "message", ...}],
     "follow_up": [{"rule_id", "kind": task|change, "code", ...}],
     "ruleset_version": "2026.2"}
"""

from __future__ import annotations

import hashlib
import json
from types import ModuleType
from typing import Any

from django.utils.translation import gettext as _

from lifeline.clinic.engine import safety as x
from lifeline.clinic.engine.clinical import ClinicalInput, snapshot, validate_clinical
from lifeline.clinic.engine.exceptions import InvalidResponses
from lifeline.clinic.engine.follow_up import (
    follow_up_items,
    hads_score,
    previous_pain,
    previous_scores,
)
from lifeline.clinic.engine.rules import get_ruleset
from lifeline.clinic.engine.scoring import band_for, round_half_up, score
from lifeline.clinic.engine.validation import validate_all

SELF_REPORT_INSTRUMENTS = ("vas", "nrs", "dn4", "csi", "hads")


NEUROPATHIC_FIRST_LINE = (
    "amitriptyline",
    "pregabalin",
    "gabapentin",
    "duloxetine",
    "venlafaxine",
    "lamotrigine",
)


DRUG_CLASSES = {
    "amitriptyline": "tca",
    "nortriptyline": "tca",
    "pregabalin": "gabapentinoid",
    "gabapentin": "gabapentinoid",
    "duloxetine": "snri",
    "venlafaxine": "snri",
    "lamotrigine": "lamotrigine",
}


def snapshot_inputs(
    responses: dict[str, Any], clinical: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """(inputs snapshot, SHA-256 of its canonical JSON) for the stored evaluation record."""
    cin, _errors = validate_clinical(clinical)
    snap = {"responses": responses or {}, "clinical": snapshot(cin)}
    canonical = json.dumps(
        snap, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return snap, hashlib.sha256(canonical.encode()).hexdigest()


def _label(
    rs: ModuleType, code: str, rule_id: str, kind: str = "classification", **extra: Any
) -> dict[str, Any]:
    label = {
        "code": code,
        "rule_id": rule_id,
        "kind": kind,
        "status": "screening",
        "provisional": False,
        "title": rs.LABELS[code],
    }
    label.update(extra)
    return label


def _pain(scores: dict[str, Any], c: ClinicalInput, rs: ModuleType) -> dict[str, Any]:
    """S-1: pain_0_10 = NRS if present, else VAS/10; the band of the scale that was used."""
    t = rs.THRESHOLDS
    nrs = scores.get("nrs", {}).get("total")
    vas = scores.get("vas", {}).get("total")
    source, value, band = None, None, None
    if nrs is not None:
        source, value, band = "nrs", float(nrs), scores["nrs"]["band"]
    elif c.known("nrs_now"):
        source, value = "clinical.nrs_now", float(c.get("nrs_now"))
        band = band_for(value, t["nrs_bands"])
    elif vas is not None:
        source, value, band = "vas", scores["vas"]["pain_0_10"], scores["vas"]["band"]
    elif c.known("vas_mm"):
        mm = round_half_up(c.get("vas_mm"))
        source, value = "clinical.vas_mm", round_half_up(c.get("vas_mm") / 10, 1)
        band = band_for(mm, t["vas_bands"])
    pain: dict[str, Any] = {"pain_0_10": value, "source": source, "band": band, "band_label": None}
    if band is not None:
        pain["band_label"] = rs.BAND_LABELS["pain"][band]
        from lifeline.clinic.engine.codes import SNOMED_PAIN_BAND

        pain["snomed"] = SNOMED_PAIN_BAND[
            "excruciating" if value is not None and value >= 10 else band
        ]
    pain["validity_limited"] = False
    return pain


def _trials(c: ClinicalInput, rs: ModuleType) -> tuple[list[str], list[str], bool]:
    """(failed first-line classes, failed trials, partial response to a tolerated class)."""
    failed_classes: list[str] = []
    failed_trials: list[str] = []
    partial = False
    pct_limit = rs.THRESHOLDS["partial_response_pct"]
    for trial in c.get("treatment_history", []):
        if not trial.get("adequate_trial") and trial.get("tolerated") is not False:
            continue
        response = trial.get("response_pct")
        failed = trial.get("tolerated") is False or (response is not None and response < pct_limit)
        if not failed:
            continue
        failed_trials.append(trial["drug"])
        cls = DRUG_CLASSES.get(trial["drug"])
        if cls and cls not in failed_classes:
            failed_classes.append(cls)
        if (
            trial.get("tolerated") is not False
            and response is not None
            and response < pct_limit
            and cls
        ):
            partial = True
    return failed_classes, failed_trials, partial


def _red_flags(
    c: ClinicalInput,
    scores: dict[str, Any],
    pain: dict[str, Any],
    prev_pain: float | None,
    rs: ModuleType,
    failed_trials: list[str],
) -> list[dict[str, Any]]:
    t = rs.THRESHOLDS
    fired: list[tuple[str, list[str]]] = []

    def any_true(*names: str) -> list[str]:
        return [n for n in names if c.is_true(n)]

    for rule_id, names in (
        ("RF-1", ("new_focal_deficit", "sudden_severe_headache", "reduced_consciousness")),
        ("RF-2", ("acute_limb_swelling",)),
        ("RF-3", ("fall_or_trauma_with_new_pain",)),
        (
            "RF-4",
            (
                "fever",
                "weight_loss",
                "cancer_history",
                "night_pain_unrelated_to_stroke",
                "systemic_symptoms",
            ),
        ),
        ("RF-5", ("suicidal_ideation", "self_harm")),
    ):
        triggers = any_true(*names)
        if triggers:
            fired.append((rule_id, triggers))
    hads_a, hads_d = hads_score(scores, "hads_a"), hads_score(scores, "hads_d")
    hads_high = [
        n
        for n, v in (("hads_a", hads_a), ("hads_d", hads_d))
        if v is not None and v >= t["hads_probable"]
    ]
    if hads_high:
        fired.append(("RF-6", hads_high))
    rf7: list[str] = []
    borderline = [
        n
        for n, v in (("hads_a", hads_a), ("hads_d", hads_d))
        if v is not None and t["hads_possible"] <= v < t["hads_probable"]
    ]
    if borderline and c.is_true("functional_impairment"):
        rf7 += [*borderline, "functional_impairment"]
    csi_total = scores.get("csi", {}).get("total")
    if csi_total is not None and csi_total >= t["csi_extreme"]:
        rf7.append("csi_extreme")
    if rf7:
        fired.append(("RF-7", rf7))
    rf8: list[str] = []
    current = pain.get("pain_0_10")
    if prev_pain is not None and current is not None:
        rise = current - prev_pain
        if rise >= t["pain_worsening_points"] or (
            prev_pain > 0 and rise / prev_pain * 100 >= t["pain_worsening_pct"]
        ):
            rf8.append("pain_worsening")
    if c.is_true("new_pain_location"):
        rf8.append("new_pain_location")
    if rf8:
        fired.append(("RF-8", rf8))
    effects = list(c.get("adverse_effects", []))
    if c.is_true("rash_on_lamotrigine") or (
        "rash" in effects and c.meds_known() and c.on("lamotrigine")
    ):
        fired.append(("RF-9-rash", ["rash", "lamotrigine"]))
    if c.is_true("adverse_effects_reported") and not effects:
        effects = ["adverse_effects_reported"]
    if effects:
        fired.append(("RF-9", effects))
    rf10: list[str] = []
    if current is not None and current >= 7 and len(failed_trials) >= 2:
        rf10.append("severe_pain_after_2_trials")
    if c.is_true("pain_limits_daily_life"):
        rf10.append("pain_limits_daily_life")
    if rf10:
        fired.append(("RF-10", rf10))
    if c.is_false("self_report_reliable"):
        fired.append(("RF-11", ["self_report_reliable"]))

    out = []
    for key, triggers in fired:
        data = rs.RED_FLAGS[key]
        rule_id = "RF-9" if key == "RF-9-rash" else key
        out.append(
            {
                "rule_id": rule_id,
                "severity": data["severity"],
                "banner": key in rs.EMERGENCY_BANNER_RULES or data["severity"] == "emergency",
                "suppresses_routine": key in rs.SUPPRESSING_RULES,
                "message": data["message"],
                "triggers": triggers,
                "citation_ids": list(data["citations"]),
            }
        )
    return out


def _mechanism(
    c: ClinicalInput,
    scores: dict[str, Any],
    pain: dict[str, Any],
    rs: ModuleType,
    answers: dict[str, Any],
) -> dict[str, Any]:
    t = rs.THRESHOLDS
    labels: list[dict[str, Any]] = []
    suppressed: list[str] = []
    reliable = not c.is_false("self_report_reliable")
    dn4 = scores.get("dn4") or {}
    dn4_result = dn4.get("result")
    csi = scores.get("csi") or {}
    csi_high = bool(csi.get("high")) and reliable
    if csi.get("high") and not reliable:
        suppressed += ["M-4a", "M-4b", "M-4c"]
    hads_a, hads_d = hads_score(scores, "hads_a"), hads_score(scores, "hads_d")
    distribution = c.get("pain_distribution")
    months = c.duration_months()
    subacute = months is not None and months < t["chronic_months"]
    value = pain.get("pain_0_10")
    no_pain = value == 0 and reliable
    post_stroke_distribution = distribution == "within_lesion_territory" or c.is_true(
        "distribution_matches_lesion"
    )
    state: dict[str, Any] = {
        "cpsp": None,
        "neuro": False,
        "neuro_post_stroke": False,
        "nociceptive": [],
        "nociplastic": None,
        "no_pain": no_pain,
        "dn4_result": dn4_result,
    }

    if no_pain:
        labels.append(_label(rs, "NO_CURRENT_PAIN", "M-0"))
    else:
        # M-1
        if dn4_result in ("DN4_POS", "DN4_INT_POS"):
            if c.is_false("dn4_interview_confirmed"):
                state["dn4_unconfirmed"] = True
            elif reliable:
                provisional = dn4_result == "DN4_INT_POS"
                labels.append(_label(rs, "NEURO_SCREEN_POSITIVE", "M-1", provisional=provisional))
                state["neuro"] = True
                state["neuro_post_stroke"] = post_stroke_distribution
            else:
                suppressed.append("M-1")
        # M-2 (clinician checklist)
        grade = None
        if all(
            c.is_true(n)
            for n in ("onset_after_stroke", "distribution_matches_lesion", "other_causes_excluded")
        ):
            grade = "possible"
            exam_signs = any(
                answers.get("dn4", {}).get(f"dn4-{i}") in ("yes", True) for i in (8, 9, 10)
            )
            sensory = c.is_true("sensory_signs_in_area") or (
                not c.known("sensory_signs_in_area") and exam_signs
            )
            if sensory:
                grade = "probable"
                if c.is_true("lesion_on_imaging"):
                    grade = "definite"
            labels.append(
                _label(
                    rs, f"CPSP_{grade}", "M-2", grade=grade, dn4_supportive=dn4_result == "DN4_POS"
                )
            )
            state["cpsp"] = grade
        # M-3
        subtypes = [
            s
            for s, f in (
                ("HSP", "hsp"),
                ("spasticity", "spasticity_pain"),
                ("musculoskeletal", "msk_pain"),
                ("headache", "headache"),
            )
            if c.is_true(f)
        ]
        if (
            dn4_result == "DN4_NEG"
            and distribution in ("shoulder_only", "joint_muscle")
            and c.is_true("movement_related_pain")
        ):
            extra = "HSP" if distribution == "shoulder_only" else "musculoskeletal"
            if extra not in subtypes:
                subtypes.append(extra)
        if c.is_true("crps_signs"):
            subtypes.append("CRPS_suspected")
        if subtypes:
            labels.append(
                _label(
                    rs,
                    "NOCICEPTIVE",
                    "M-3",
                    subtypes=subtypes,
                    subtype_labels=[rs.SUBTYPE_LABELS[s] for s in subtypes],
                )
            )
            state["nociceptive"] = subtypes
        # M-4a
        if (
            csi_high
            and months is not None
            and months >= t["chronic_months"]
            and distribution in ("regional_beyond_territory", "widespread")
            and c.is_true("not_fully_explained_by_nociceptive_or_neuropathic")
            and c.is_true("evoked_hypersensitivity_in_region")
        ):
            probable = c.is_true("history_hypersensitivity") and any(
                c.is_true(n) for n in ("sleep_disturbance", "fatigue", "cognitive_problems")
            )
            code = "NOCIPLASTIC_PROBABLE" if probable else "NOCIPLASTIC_POSSIBLE"
            state["nociplastic"] = code
        # M-4b
        if (
            csi_high
            and state["cpsp"] in ("probable", "definite")
            and distribution == "within_lesion_territory"
        ):
            labels.append(_label(rs, "CPSP_HIGH_CS_BURDEN", "M-4b"))
            state["nociplastic"] = None  # never a separate nociplastic label here
        if state["nociplastic"]:
            labels.append(_label(rs, state["nociplastic"], "M-4a"))
        # M-5
        components = []
        if state["cpsp"] or (state["neuro"] and state["neuro_post_stroke"]):
            components.append(f"CPSP_{state['cpsp']}" if state["cpsp"] else "NEURO_SCREEN_POSITIVE")
        if state["nociceptive"]:
            components.append("NOCICEPTIVE")
        if state["nociplastic"]:
            components.append(state["nociplastic"])
        if len(components) >= 2:
            labels.append(_label(rs, "MIXED", "M-5", components=components, primary_component=None))
        # M-6
        if not (state["neuro"] or state["cpsp"] or state["nociceptive"] or state["nociplastic"]):
            labels.append(_label(rs, "UNCLASSIFIED", "M-6", requires_clinician=True))
        # M-0b
        if subacute:
            for label in labels:
                label["provisional"] = True
                label["subacute_provisional"] = True
                label["prefix"] = rs.SUBACUTE_PREFIX
    # M-4c
    if csi_high and any(v is not None and v >= t["hads_probable"] for v in (hads_a, hads_d)):
        labels.append(_label(rs, "CSI_DISTRESS_NOTE", "M-4c", kind="note"))
    # M-7
    if reliable:
        for value_, name in ((hads_a, "ANXIETY"), (hads_d, "DEPRESSION")):
            if value_ is None:
                continue
            if value_ >= t["hads_probable"]:
                labels.append(_label(rs, f"{name}_probable", "M-7", kind="comorbidity"))
            elif value_ >= t["hads_possible"]:
                labels.append(_label(rs, f"{name}_possible", "M-7", kind="comorbidity"))
    elif hads_a is not None or hads_d is not None:
        suppressed.append("M-7")
    if not reliable:
        if value == 0:
            suppressed.append("M-0")
        labels.append(
            _label(
                rs,
                "VALIDITY_LIMITED",
                "S-6",
                kind="validity",
                requires_clinician=True,
                suppressed_rules=sorted(set(suppressed)),
            )
        )
    state["labels"] = labels
    return state


def _suggestions(
    c: ClinicalInput,
    scores: dict[str, Any],
    state: dict[str, Any],
    rs: ModuleType,
    red_flags: list[dict[str, Any]],
    failed_classes: list[str],
    failed_trials: list[str],
    partial: bool,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    t = rs.THRESHOLDS
    hads_a, hads_d = hads_score(scores, "hads_a"), hads_score(scores, "hads_d")
    chosen: list[str] = []

    def add(*codes: str) -> None:
        for code in codes:
            if code not in chosen:
                chosen.append(code)

    if not state["no_pain"]:
        add("self-management-plan")
    neuro_t1 = state["cpsp"] or (state["neuro"] and state["neuro_post_stroke"])
    hsp_neuro = "HSP" in state["nociceptive"] and state["dn4_result"] == "DN4_POS"
    if (neuro_t1 or hsp_neuro) and not state["no_pain"]:
        first = sorted(
            (code for code in NEUROPATHIC_FIRST_LINE),
            key=lambda code: (rs.OPTIONS[code]["evidence_tag"], rs.OPTIONS[code]["cpsp_rank"]),
        )
        add(*first)
        if partial:
            add("switch-or-combine")
        if len(failed_classes) >= 2:
            add("tramadol-opioids")
        if len(failed_trials) >= 2:
            add("pain-centre-referral", "hf-rtms-m1", "motor-cortex-stimulation")
        add("cpsp-physiotherapy-education-cbt")
        # T-1g, T-1h, T-2/T-7 scope rules (shown collapsed as "do not use for CPSP").
        add("lidocaine-5-plaster", "capsaicin-8-patch", "botulinum-toxin-a-for-cpsp")
        add("levetiracetam", "mexiletine", "cannabinoids", "valproate", "carbamazepine")
        add("dbs-for-cpsp", "tens-for-cpsp")
    if "HSP" in state["nociceptive"]:
        add(
            "hsp-positioning",
            "hsp-physiotherapy",
            "botulinum-toxin-a-shoulder",
            "suprascapular-nerve-block",
            "intra-articular-corticosteroid",
            "paracetamol",
            "nsaid-short-term",
        )
    if "spasticity" in state["nociceptive"]:
        add("spasticity-physical", "botulinum-toxin-a-spasticity", "oral-antispasticity")
    if state["nociplastic"]:
        add(
            "graded-exercise",
            "pain-neuroscience-education",
            "cbt-act",
            "acupuncture-single-course",
            "antidepressant-nociplastic",
        )
    mood = [v for v in (hads_a, hads_d) if v is not None]
    if mood and max(mood) >= t["hads_possible"]:
        add("psychological-support")
        if max(mood) >= t["hads_probable"]:
            add("mental-health-referral")
        add("benzodiazepines")

    # A drug the engine does not suggest is still safety-checked when the clinician considers
    # it or the patient already takes it (X-CBZ-1 for carbamazepine).
    considered = [
        code
        for code, opt in rs.OPTIONS.items()
        if opt.get("kind") == "avoid"
        and opt.get("safety")
        and (
            code in (c.get("considered_drugs") or [])
            or any(a.upper().startswith(opt.get("atc") or "-") for a in c.med_atcs())
        )
    ]
    add(*considered)

    ctx = x.Context(clinical=c, rs=rs, hads_a=hads_a, hads_d=hads_d)
    suppress = next((rf["rule_id"] for rf in red_flags if rf["suppresses_routine"]), None)
    suggestions: list[dict[str, Any]] = []
    all_findings: list[dict[str, Any]] = []
    for code in chosen:
        opt = rs.OPTIONS[code]
        kind = opt.get("kind", "option")
        checked = kind == "option" or code in considered
        findings = x.check_option(ctx, code, opt.get("safety", [])) if checked else []
        all_findings.extend(findings)
        tags = []
        if (
            code in ("amitriptyline", "duloxetine", "venlafaxine")
            and hads_d is not None
            and hads_d >= t["hads_possible"]
        ):
            tags.append({"code": "also-antidepressant", "text": rs.FIT_TAGS["also-antidepressant"]})
        if code == "pregabalin" and (
            (hads_a is not None and hads_a >= t["hads_possible"]) or c.is_true("sleep_disturbance")
        ):
            tags.append({"code": "also-anxiety-sleep", "text": rs.FIT_TAGS["also-anxiety-sleep"]})
        blocked = [f["rule_id"] for f in findings if f["level"] == x.BLOCK]
        displayed, reason = True, None
        if kind == "avoid":
            displayed, reason = False, {"code": "not_for_this_indication", "text": opt["text"]}
        elif blocked:
            displayed = False
            reason = {"code": "blocked_by_safety_rule", "rule_ids": sorted(set(blocked))}
        if suppress:
            displayed = False
            reason = {"code": "suppressed_by_red_flag", "rule_ids": [suppress]}
        suggestions.append(
            {
                "rule_id": opt["rule_id"],
                "option": code,
                "kind": kind,
                "line": opt["line"],
                "category": opt["category"],
                "drug_class": opt.get("drug_class"),
                "atc": opt.get("atc"),
                "evidence_tag": opt["evidence_tag"],
                "source_grade": opt["source_grade"],
                "citation_ids": list(opt["citations"]),
                "title": opt["title"],
                "text": opt["text"],
                "tags": tags,
                "safety": findings,
                "displayed": displayed,
                "reason_if_collapsed": reason,
                "preselected": False,
            }
        )
    return suggestions, all_findings


def evaluate(
    responses: dict[str, Any],
    clinical: dict[str, Any],
    *,
    previous: dict[str, Any] | None = None,
    ruleset: str | None = None,
) -> dict[str, Any]:
    """Evaluate one assessment. Raises InvalidResponses (400, per-item errors) on bad input.

    `responses`: {"<instrument>": {"<item id>": answer}}; missing items are allowed (the
    scoring rules handle them). `clinical`: the §C.2 input dictionary. `previous`: the
    previous evaluation (its output, or just its "scores") for the change rules.
    """
    rs = get_ruleset(ruleset)
    responses = responses if responses is not None else {}
    errors = validate_all(responses, mode="clinician", partial=True)
    c, clinical_errors = validate_clinical(clinical)
    errors.update(clinical_errors)
    if previous is not None and not isinstance(previous, dict):
        errors["previous"] = [_("Expected the previous evaluation or its scores.")]
    if errors:
        raise InvalidResponses(errors=errors)

    from lifeline.clinic.engine.validation import clean_answers

    answers = {inst: clean_answers(inst, a) for inst, a in responses.items()}
    scores: dict[str, Any] = {
        inst: score(inst, a, ruleset=rs.VERSION) for inst, a in answers.items()
    }
    pain = _pain(scores, c, rs)
    scores["pain"] = pain
    prev = previous_scores(previous)
    failed_classes, failed_trials, partial = _trials(c, rs)

    # S-5: stroke-specific HADS note; S-6: validity flags.
    if "hads" in scores and c.get("stroke", True) is not False:
        for sub in scores["hads"]["subscales"].values():
            if (
                sub["score"] is not None
                and rs.THRESHOLDS["hads_stroke_note_min"]
                <= sub["score"]
                < rs.THRESHOLDS["hads_possible"]
            ):
                sub["notes"].append({"code": "S-5", "text": rs.NOTES["S-5"]})
    if c.get("respondent") == "caregiver":
        # Proxy answers to self-report questionnaires are never silently valid (spec §D.3).
        for inst in ("csi", "hads"):
            if inst in scores:
                scores[inst]["validity_limited"] = True
                scores[inst]["notes"].append({"code": "proxy", "text": rs.NOTES["proxy"]})
    if c.is_false("self_report_reliable"):
        for inst in SELF_REPORT_INSTRUMENTS:
            if inst in scores:
                scores[inst]["validity_limited"] = True
                scores[inst]["notes"].append({"code": "S-6", "text": rs.NOTES["S-6"]})
        if pain["source"] in ("nrs", "vas", "clinical.nrs_now", "clinical.vas_mm"):
            pain["validity_limited"] = True

    red_flags = _red_flags(c, scores, pain, previous_pain(prev), rs, failed_trials)
    state = _mechanism(c, scores, pain, rs, answers)
    suggestions, findings = _suggestions(
        c, scores, state, rs, red_flags, failed_classes, failed_trials, partial
    )
    follow_up = follow_up_items(c, scores, pain, prev, state, rs)
    return {
        "scores": scores,
        "labels": state["labels"],
        "suggestions": suggestions,
        "safety": findings,
        "red_flags": red_flags,
        "follow_up": follow_up,
        "ruleset_version": rs.VERSION,
    }
