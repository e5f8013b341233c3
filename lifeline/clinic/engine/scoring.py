"""Scoring per instrument, exactly per spec §A / §C.3 (rules S-1..S-4).

Scores are sums of the per-option `ordinalValue` of the Questionnaire (never option
positions). Every result has the same frame::

    {"instrument", "version", "scoring_version", "status": complete|partial|not_scorable,
     "total", "band", "band_label": {"en", "ru"}, "missing": [...], "prorated": bool,
     "flags": [...], "notes": [{"code", "text": {"en", "ru"}}], "validity_limited": False}

plus instrument-specific keys (DN4: `interview_total`, `result`, `provisional`; CSI:
`high`, `stroke_confounded_subtotal`, `part_b`; HADS: `subscales`; VAS/NRS: `pain_0_10`,
`snomed`). Missing items are never imputed silently: prorated values say so.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from types import ModuleType
from typing import Any

from lifeline.clinic.engine import codes
from lifeline.clinic.engine.questionnaires import current_version, items
from lifeline.clinic.engine.rules import RULESET_VERSION, get_ruleset
from lifeline.clinic.engine.validation import clean_answers

COMPLETE = "complete"
PARTIAL = "partial"
NOT_SCORABLE = "not_scorable"


def round_half_up(value: float, places: int = 0) -> float:
    q = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP))


def band_for(value: float, bands: list[tuple[float, str]]) -> str:
    """The band whose inclusive lower bound is the highest one not above `value`."""
    chosen = bands[0][1]
    for lower, code in bands:
        if value >= lower:
            chosen = code
    return chosen


def _frame(instrument: str) -> dict[str, Any]:
    return {
        "instrument": instrument,
        "version": current_version(instrument),
        "scoring_version": RULESET_VERSION,
        "status": NOT_SCORABLE,
        "total": None,
        "band": None,
        "band_label": None,
        "missing": [],
        "prorated": False,
        "flags": [],
        "notes": [],
        "validity_limited": False,
    }


def _note(rs: ModuleType, code: str) -> dict[str, Any]:
    return {"code": code, "text": rs.NOTES[code]}


def _int(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _sum(instrument: str, answers: dict[str, Any], link_ids: list[str]) -> tuple[float, list[str]]:
    metas = items(instrument)
    total = 0.0
    missing = []
    for link_id in link_ids:
        if link_id in answers:
            total += metas[link_id].options[answers[link_id]]
        else:
            missing.append(link_id)
    return total, missing


def _pain_interpretation(band: str, nrs_value: float | None = None) -> str:
    if nrs_value is not None and nrs_value >= 10:
        return codes.SNOMED_PAIN_BAND["excruciating"]
    return codes.SNOMED_PAIN_BAND[band]


def score_nrs(answers: dict[str, Any], rs: ModuleType) -> dict[str, Any]:
    out = _frame("nrs")
    value = answers.get("nrs")
    if value is None:
        out["missing"] = ["nrs"]
        return out
    band = band_for(value, rs.THRESHOLDS["nrs_bands"])
    out.update(
        status=COMPLETE,
        total=value,
        pain_0_10=value,
        band=band,
        band_label=rs.BAND_LABELS["pain"][band],
        snomed=_pain_interpretation(band, value),
    )
    return out


def score_vas(answers: dict[str, Any], rs: ModuleType) -> dict[str, Any]:
    out = _frame("vas")
    value = answers.get("vas")
    if value is None:
        out["missing"] = ["vas"]
        return out
    mm = round_half_up(value)
    band = band_for(mm, rs.THRESHOLDS["vas_bands"])
    out.update(
        status=COMPLETE,
        total=value,
        total_mm=int(mm),
        pain_0_10=round_half_up(value / 10, 1),
        band=band,
        band_label=rs.BAND_LABELS["pain"][band],
        snomed=_pain_interpretation(band),
    )
    return out


def score_dn4(answers: dict[str, Any], rs: ModuleType) -> dict[str, Any]:
    """S-2: DN4-10 when all 10 items are present; else the provisional DN4-interview."""
    out = _frame("dn4")
    out.update(interview_total=None, result=None, provisional=False)
    interview, missing_int = _sum("dn4", answers, [f"dn4-{i}" for i in range(1, 8)])
    exam, missing_exam = _sum("dn4", answers, [f"dn4-{i}" for i in range(8, 11)])
    out["missing"] = missing_int + missing_exam
    if missing_int:
        out["notes"].append(_note(rs, "dn4_not_scorable"))
        return out
    out["interview_total"] = int(interview)
    if not missing_exam:
        total = int(interview + exam)
        result = "DN4_POS" if total >= rs.THRESHOLDS["dn4_cutoff"] else "DN4_NEG"
        out.update(status=COMPLETE, total=total, result=result, band=result)
    else:
        result = "DN4_INT_POS" if interview >= rs.THRESHOLDS["dn4_interview_cutoff"] else "DN4_NEG"
        out.update(status=PARTIAL, result=result, band=result, provisional=True)
        out["notes"].append(_note(rs, "dn4_exam_missing"))
    out["band_label"] = rs.BAND_LABELS["dn4"][result]
    out["flags"].append(result)
    return out


def score_csi(answers: dict[str, Any], rs: ModuleType) -> dict[str, Any]:
    """S-3: Part A total 0–100, bands, CSI_HIGH; ≤2 missing → prorated, non-standard."""
    out = _frame("csi")
    metas = items("csi")
    link_ids = [f"csi-{i}" for i in range(1, 26)]
    total, missing = _sum("csi", answers, link_ids)
    out["missing"] = missing
    out["part_b"] = [
        {"item": f"csi-b-{i}", "year": answers.get(f"csi-b-{i}-year")}
        for i in range(1, 11)
        if answers.get(f"csi-b-{i}") is True
    ]
    confounded = [lid for lid in link_ids if metas[lid].stroke_confounded]
    sub, sub_missing = _sum("csi", answers, confounded)
    out["stroke_confounded_subtotal"] = None if sub_missing else int(sub)
    out["stroke_confounded_items"] = confounded
    if len(missing) > rs.THRESHOLDS["csi_max_missing"]:
        out["notes"].append(_note(rs, "not_scorable"))
        return out
    if missing:
        answered = len(link_ids) - len(missing)
        total = round_half_up(total / answered * len(link_ids))
        out.update(status=PARTIAL, prorated=True)
        out["notes"].append(_note(rs, "csi_prorated"))
    else:
        out["status"] = COMPLETE
    total_i = int(total)
    band = band_for(total_i, rs.THRESHOLDS["csi_bands"])
    high = total_i >= rs.THRESHOLDS["csi_high"]
    out.update(total=total_i, band=band, band_label=rs.BAND_LABELS["csi"][band], high=high)
    if high:
        out["flags"].append("CSI_HIGH")
        out["notes"].append(_note(rs, "csi_construct"))
    out["notes"].append(_note(rs, "csi_stroke_confounded"))
    return out


def _hads_subscale(answers: dict[str, Any], link_ids: list[str], rs: ModuleType) -> dict[str, Any]:
    total, missing = _sum("hads", answers, link_ids)
    sub: dict[str, Any] = {
        "status": NOT_SCORABLE,
        "score": None,
        "band": None,
        "band_label": None,
        "missing": missing,
        "prorated": False,
        "notes": [],
    }
    if len(missing) > rs.THRESHOLDS["hads_max_missing"]:
        sub["notes"].append(_note(rs, "not_scorable"))
        return sub
    if missing:
        total = round_half_up(total * len(link_ids) / (len(link_ids) - len(missing)))
        sub.update(status=PARTIAL, prorated=True)
        sub["notes"].append(_note(rs, "hads_prorated"))
    else:
        sub["status"] = COMPLETE
    score_i = int(total)
    band = band_for(score_i, rs.THRESHOLDS["hads_bands"])
    sub.update(score=score_i, band=band, band_label=rs.BAND_LABELS["hads"][band])
    return sub


def score_hads(answers: dict[str, Any], rs: ModuleType) -> dict[str, Any]:
    """S-4: HADS-A (odd items) and HADS-D (even items) from per-option scores; no total."""
    out = _frame("hads")
    metas = items("hads")
    groups: dict[str, list[str]] = {"hads_a": [], "hads_d": []}
    for link_id, meta in metas.items():
        if meta.subscale in ("hads-a", "hads-d"):
            groups[meta.subscale.replace("-", "_")].append(link_id)
    subscales = {name: _hads_subscale(answers, ids, rs) for name, ids in groups.items()}
    out["subscales"] = subscales
    out["item_scores"] = {
        lid: _int(metas[lid].options[answers[lid]])
        for lid in groups["hads_a"] + groups["hads_d"]
        if lid in answers
    }
    out["missing"] = subscales["hads_a"]["missing"] + subscales["hads_d"]["missing"]
    statuses = {s["status"] for s in subscales.values()}
    if statuses == {COMPLETE}:
        out["status"] = COMPLETE
    elif statuses == {NOT_SCORABLE}:
        out["status"] = NOT_SCORABLE
    else:
        out["status"] = PARTIAL
    out["prorated"] = any(s["prorated"] for s in subscales.values())
    for name, flag in (("hads_a", "ANXIETY"), ("hads_d", "DEPRESSION")):
        value = subscales[name]["score"]
        if value is None:
            continue
        if value >= rs.THRESHOLDS["hads_probable"]:
            out["flags"].append(f"{flag}_probable")
        elif value >= rs.THRESHOLDS["hads_possible"]:
            out["flags"].append(f"{flag}_possible")
    return out


def _score_observational(
    instrument: str, answers: dict[str, Any], rs: ModuleType
) -> dict[str, Any]:
    out = _frame(instrument)
    link_ids = [lid for lid, m in items(instrument).items() if not m.read_only]
    total, missing = _sum(instrument, answers, link_ids)
    out["missing"] = missing
    if missing:
        out["notes"].append(_note(rs, "not_scorable"))
        return out
    total_i = int(total)
    band = band_for(total_i, rs.THRESHOLDS[f"{instrument}_bands"])
    out.update(
        status=COMPLETE, total=total_i, band=band, band_label=rs.BAND_LABELS[instrument][band]
    )
    return out


SCORERS = {
    "vas": score_vas,
    "nrs": score_nrs,
    "dn4": score_dn4,
    "csi": score_csi,
    "hads": score_hads,
    "painad": lambda a, rs: _score_observational("painad", a, rs),
    "ncsr": lambda a, rs: _score_observational("ncsr", a, rs),
}


def score(
    instrument: str, answers: dict[str, Any], *, ruleset: str | None = None
) -> dict[str, Any]:
    """Score one instrument. Invalid or unknown answers are ignored (validate first)."""
    from lifeline.clinic.engine.exceptions import UnknownInstrument

    if instrument not in SCORERS:
        raise UnknownInstrument(instrument)
    rs = get_ruleset(ruleset)
    result: dict[str, Any] = SCORERS[instrument](clean_answers(instrument, answers or {}), rs)
    return result
