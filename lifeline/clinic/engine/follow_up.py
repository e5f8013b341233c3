"""Follow-up of an evaluation (F-rules): the tasks and change checks against the previous
record, and the defensive reading of that previous record. Pure; called by `evaluate`."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from lifeline.clinic.engine.clinical import ClinicalInput
from lifeline.clinic.engine.scoring import round_half_up


def hads_score(scores: dict[str, Any], name: str) -> int | None:
    value: int | None = scores.get("hads", {}).get("subscales", {}).get(name, {}).get("score")
    return value


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def previous_scores(previous: dict[str, Any] | None) -> dict[str, Any]:
    """The values the change rules need, taken defensively from a previous record or scores."""
    if not previous:
        return {}
    scores = previous.get("scores", previous)
    if not isinstance(scores, dict):
        return {}
    band = _get(scores, "csi", "band")
    result = _get(scores, "dn4", "result")
    return {
        "pain": {"pain_0_10": _num(_get(scores, "pain", "pain_0_10"))},
        "nrs": {"total": _num(_get(scores, "nrs", "total"))},
        "vas": {"total": _num(_get(scores, "vas", "total"))},
        "hads": {
            "subscales": {
                name: {"score": _num(_get(scores, "hads", "subscales", name, "score"))}
                for name in ("hads_a", "hads_d")
            }
        },
        "csi": {
            "total": _num(_get(scores, "csi", "total")),
            "band": band if isinstance(band, str) else None,
        },
        "dn4": {"result": result if isinstance(result, str) else None},
    }


def previous_pain(prev: dict[str, Any]) -> float | None:
    pain = prev.get("pain") or {}
    if pain.get("pain_0_10") is not None:
        return float(pain["pain_0_10"])
    if (prev.get("nrs") or {}).get("total") is not None:
        return float(prev["nrs"]["total"])
    if (prev.get("vas") or {}).get("total") is not None:
        return float(prev["vas"]["total"]) / 10
    return None


def _task(
    rs: ModuleType, rule_id: str, code: str, due_min: int, due_max: int | None = None, **extra: Any
) -> dict[str, Any]:
    task = {
        "rule_id": rule_id,
        "kind": "task",
        "code": code,
        "due_in_days": {"min": due_min, "max": due_max if due_max is not None else due_min},
        "message": rs.FOLLOW_UP[code],
    }
    task.update(extra)
    return task


def follow_up_items(
    c: ClinicalInput,
    scores: dict[str, Any],
    pain: dict[str, Any],
    prev: dict[str, Any],
    state: dict[str, Any],
    rs: ModuleType,
) -> list[dict[str, Any]]:
    t = rs.THRESHOLDS
    out: list[dict[str, Any]] = []
    # Tasks (F-1 schedule, S-2 exam, F-6 titration, RF-8 review).
    if not state["no_pain"]:
        out.append(_task(rs, "F-1", "reassess-pain", 28, 56, instruments=["nrs"]))
    if state.get("dn4_unconfirmed"):
        out.append(
            _task(
                rs,
                "M-1",
                "dn4-confirm",
                0,
                7,
                instruments=["dn4"],
                items=[f"dn4-{i}" for i in range(1, 8)],
            )
        )
    if (scores.get("dn4") or {}).get("provisional"):
        out.append(
            _task(
                rs, "S-2", "dn4-exam", 0, 7, instruments=["dn4"], items=["dn4-8", "dn4-9", "dn4-10"]
            )
        )
    hads_values = [
        v for v in (hads_score(scores, "hads_a"), hads_score(scores, "hads_d")) if v is not None
    ]
    if hads_values:
        if t["hads_possible"] <= max(hads_values) < t["hads_probable"]:
            out.append(_task(rs, "T-6", "reassess-hads", 14, 28, instruments=["hads"]))
        else:
            out.append(_task(rs, "F-1", "reassess-hads-routine", 90, instruments=["hads"]))
    if (scores.get("csi") or {}).get("total") is not None:
        out.append(_task(rs, "F-1", "reassess-csi", 90, 180, instruments=["csi"]))
    if c.is_true("new_drug_started"):
        out.append(_task(rs, "F-6", "tolerability-check", 14))
        out.append(_task(rs, "F-6", "efficacy-decision", 28, 56))

    # Change detection against the previous assessment (F-2..F-5).
    before, now = previous_pain(prev), pain.get("pain_0_10")
    if before is not None and now is not None:
        change = round_half_up(now - before, 1)
        pct = None if before == 0 else round_half_up((now - before) / before * 100, 1)
        code = "pain-no-important-change"
        worse = change >= t["pain_worsening_points"] or (
            pct is not None and pct >= t["pain_worsening_pct"]
        )
        if worse:
            code = "pain-worsening"
        elif pct is not None and -pct >= t["pain_substantial_pct"]:
            code = "pain-improvement-substantial"
        elif (
            pct is not None
            and -pct >= t["pain_moderate_pct"]
            and -change >= t["pain_moderate_points"]
        ):
            code = "pain-improvement-moderate"
        elif pct is not None and -pct >= t["pain_minimal_pct"]:
            code = "pain-improvement-minimal"
        out.append(
            {
                "rule_id": "F-2",
                "kind": "change",
                "code": code,
                "instrument": "pain",
                "previous": before,
                "current": now,
                "change": change,
                "change_pct": pct,
                "clinically_important": code
                in ("pain-improvement-moderate", "pain-improvement-substantial", "pain-worsening"),
                "message": rs.FOLLOW_UP[code],
            }
        )
        if worse:
            out.append(_task(rs, "RF-8", "clinician-review", 0, 7))
    prev_hads = (prev.get("hads") or {}).get("subscales") or {}
    for name in ("hads_a", "hads_d"):
        b, n = (prev_hads.get(name) or {}).get("score"), hads_score(scores, name)
        if b is None or n is None:
            continue
        change = n - b
        crossed = [
            cut for cut in (t["hads_possible"], t["hads_probable"]) if min(b, n) < cut <= max(b, n)
        ]
        important = abs(change) >= t["hads_mcid"]
        code = "hads-important-change" if important else "hads-no-important-change"
        out.append(
            {
                "rule_id": "F-3",
                "kind": "change",
                "code": code,
                "instrument": name,
                "previous": b,
                "current": n,
                "change": change,
                "clinically_important": important,
                "crossed_cutoffs": crossed,
                "message": rs.FOLLOW_UP[code],
            }
        )
    b_csi, csi = (prev.get("csi") or {}), (scores.get("csi") or {})
    if b_csi.get("total") is not None and csi.get("total") is not None:
        change = csi["total"] - b_csi["total"]
        real = abs(change) >= t["csi_mdc"]
        code = "csi-real-change" if real else "csi-within-error"
        band_change = None
        if b_csi.get("band") and b_csi.get("band") != csi.get("band"):
            band_change = {"from": b_csi["band"], "to": csi["band"]}
        out.append(
            {
                "rule_id": "F-4",
                "kind": "change",
                "code": code,
                "instrument": "csi",
                "previous": b_csi["total"],
                "current": csi["total"],
                "change": change,
                "beyond_measurement_error": real,
                "band_change": band_change,
                "message": rs.FOLLOW_UP[code],
            }
        )
    b_dn4, dn4 = (prev.get("dn4") or {}).get("result"), (scores.get("dn4") or {}).get("result")
    if b_dn4 and dn4 and (b_dn4 == "DN4_POS") != (dn4 == "DN4_POS"):
        out.append(_task(rs, "F-5", "dn4-reexamine", 0, 14, previous=b_dn4, current=dn4))
    return out
