"""Analytics over the patients the actor sees: dynamics of scores, comparison of two
assessments, the doctor's dashboard and the cohort summary (read-only computations)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.utils import timezone

from lifeline.accounts.models import User
from lifeline.clinic.enums import (
    ScheduledAssessmentStatus,
)
from lifeline.clinic.models.assessments import Evaluation, Score
from lifeline.clinic.models.conclusions import Conclusion
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.models.protocols import ScheduledAssessment
from lifeline.clinic.selectors.assessments import evaluation_confirmed_labels
from lifeline.clinic.selectors.patients import patients_clinical_scope, raise_not_found

PAIN_INSTRUMENTS = ("nrs", "vas")


# --- analytics: change rules (spec §C.8 F-2..F-5) ---------------------------------------
HADS_IMPORTANT_CHANGE = 1.5


CSI_MDC = 10.0


HADS_KEYS = {"anxiety": ("hads_a", "anxiety"), "depression": ("hads_d", "depression")}


def hads_subscale(subscores: Any, which: str) -> tuple[float | None, str]:
    """(score, band) of a HADS subscale from stored subscores, whichever shape they have:
    `{"hads_a": {"score": 12, "band": "abnormal"}}` (stored scores) or `{"anxiety": 12}`."""
    for key in HADS_KEYS[which]:
        entry = (subscores or {}).get(key)
        if isinstance(entry, dict):
            value = entry.get("score", entry.get("total"))
            return (float(value) if isinstance(value, (int, float)) else None), str(
                entry.get("band") or ""
            )
        if isinstance(entry, (int, float)) and not isinstance(entry, bool):
            return float(entry), ""
    return None, ""


def _pct(baseline: float, value: float) -> float | None:
    if baseline == 0:
        return None
    return round((value - baseline) / baseline * 100, 1)


def pain_change_flag(baseline: float, value: float, *, scale_max: float = 10) -> str:
    """F-2 on a 0–10 scale (VAS values are divided by 10 before): the change category."""
    if scale_max != 10:
        baseline, value = baseline * 10 / scale_max, value * 10 / scale_max
    delta = value - baseline
    percent = _pct(baseline, value)
    if delta >= 2 or (percent is not None and percent >= 30):
        return "worsening"
    if percent is None or delta >= 0:
        return "no_change"
    drop = -percent
    if drop >= 50:
        return "substantial_improvement"
    if drop >= 30 and -delta >= 2:
        return "important_improvement"
    if drop >= 30:
        return "moderate_improvement"
    if drop >= 10:
        return "minimal_improvement"
    return "no_change"


def change_flags(instrument: str, previous: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Flags for `current` against `previous` (dicts with `value`, `band`, `subscores`)."""
    flags: list[str] = []
    before, after = previous.get("value"), current.get("value")
    if instrument in PAIN_INSTRUMENTS and before is not None and after is not None:
        flag = pain_change_flag(
            float(before), float(after), scale_max=100 if instrument == "vas" else 10
        )
        if flag != "no_change":
            flags.append(flag)
    elif instrument == "csi" and before is not None and after is not None:
        flags.append("beyond_mdc" if abs(after - before) >= CSI_MDC else "within_error")
        if previous.get("band") != current.get("band"):
            flags.append("band_changed")
    elif instrument == "hads":
        for sub in ("anxiety", "depression"):
            b, _band_b = hads_subscale(previous.get("subscores"), sub)
            a, _band_a = hads_subscale(current.get("subscores"), sub)
            if b is None or a is None:
                continue
            if abs(a - b) >= HADS_IMPORTANT_CHANGE:
                flags.append(f"{sub}_important_change")
            for threshold in (8, 11):
                if (b < threshold) != (a < threshold):
                    flags.append(f"{sub}_crossed_{threshold}")
    elif (
        instrument == "dn4"
        and before is not None
        and after is not None
        and (before >= 4) != (after >= 4)
    ):
        flags.append("status_changed_reexamine")
    return flags


@dataclass
class DynamicsPoint:
    measured_at: datetime
    value: float | None
    band: str
    subscores: dict[str, Any]
    assessment_id: UUID
    flags: list[str] = field(default_factory=list)
    change_from_baseline_percent: float | None = None


@dataclass
class TreatmentEvent:
    at: datetime
    label: str


@dataclass
class Dynamics:
    instrument: str
    points: list[DynamicsPoint]
    events: list[TreatmentEvent]


def _score_dict(score: Score) -> dict[str, Any]:
    return {"value": score.value, "band": score.band, "subscores": score.subscores or {}}


def dynamics_default_instrument(*, patient: Patient, instruments: Sequence[str]) -> str:
    """The instrument the dynamics page opens on: the first of `instruments` the patient has
    scores of (a history of VAS only opens on VAS, not on an empty NRS), else the first."""
    scored = set(
        Score.objects.filter(patient=patient).values_list("instrument", flat=True).distinct()
    )
    return next((name for name in instruments if name in scored), instruments[0])


def patient_dynamics(*, patient: Patient, instrument: str) -> Dynamics:
    """Scores of one instrument over time, change flags (F-2..F-5) and treatment events.

    Flags compare each point with the previous one; the percentage is against the baseline
    (the first point). Treatment events are the issue dates of conclusions.
    """
    scores = list(
        Score.objects.filter(patient=patient, instrument=instrument).order_by("measured_at", "pk")
    )
    points: list[DynamicsPoint] = []
    for index, score in enumerate(scores):
        point = DynamicsPoint(
            measured_at=score.measured_at,
            value=score.value,
            band=score.band,
            subscores=score.subscores or {},
            assessment_id=score.assessment_id,
        )
        if index > 0:
            point.flags = change_flags(
                instrument, _score_dict(scores[index - 1]), _score_dict(score)
            )
            if scores[0].value is not None and score.value is not None:
                point.change_from_baseline_percent = _pct(scores[0].value, score.value)
        points.append(point)
    events = [
        TreatmentEvent(at=c.issued_at, label=", ".join(i.title for i in c.items.all()))
        for c in Conclusion.objects.filter(patient=patient, issued_at__isnull=False)
        .prefetch_related("items")
        .order_by("issued_at")
        if c.issued_at is not None
    ]
    return Dynamics(instrument=instrument, points=points, events=events)


def assessment_comparison(
    *, patient: Patient, first_id: UUID | str, second_id: UUID | str
) -> list[dict[str, Any]]:
    """Per-instrument scores of two assessments of `patient` with delta and change flags."""
    scores = Score.objects.filter(patient=patient, assessment_id__in=[first_id, second_id])
    by_assessment: dict[str, dict[str, Score]] = {str(first_id): {}, str(second_id): {}}
    for score in scores:
        by_assessment[str(score.assessment_id)][score.instrument] = score
    if not by_assessment[str(first_id)] or not by_assessment[str(second_id)]:
        raise_not_found()
    first, second = by_assessment[str(first_id)], by_assessment[str(second_id)]
    if (
        first
        and second
        and min(s.measured_at for s in second.values()) < min(s.measured_at for s in first.values())
    ):
        first, second = second, first
    rows = []
    for instrument in sorted(set(first) | set(second)):
        a, b = first.get(instrument), second.get(instrument)
        delta = None
        if a is not None and b is not None and a.value is not None and b.value is not None:
            delta = round(b.value - a.value, 2)
        rows.append(
            {
                "instrument": instrument,
                "first": _score_dict(a) if a else None,
                "second": _score_dict(b) if b else None,
                "delta": delta,
                "flags": change_flags(instrument, _score_dict(a), _score_dict(b))
                if a and b
                else [],
            }
        )
    return rows


# --- analytics: dashboard and cohort ----------------------------------------------------
def _pain_series(patient_ids: Any) -> dict[Any, list[tuple[datetime, float]]]:
    """Pain values on a 0–10 scale per patient, oldest first (NRS preferred, else VAS/10)."""
    series: dict[Any, dict[UUID, tuple[datetime, float, str]]] = {}
    rows = (
        Score.objects.filter(patient_id__in=patient_ids, instrument__in=PAIN_INSTRUMENTS)
        .exclude(value__isnull=True)
        .values_list("patient_id", "assessment_id", "instrument", "value", "measured_at")
        .order_by("measured_at")
    )
    for patient_id, assessment_id, instrument, value, measured_at in rows:
        if value is None:
            continue
        value_10 = value / 10 if instrument == "vas" else value
        existing = series.setdefault(patient_id, {}).get(assessment_id)
        if existing is None or (existing[2] == "vas" and instrument == "nrs"):
            series[patient_id][assessment_id] = (measured_at, value_10, instrument)
    return {
        pid: sorted(((at, v) for at, v, _i in by_assessment.values()), key=lambda x: x[0])
        for pid, by_assessment in series.items()
    }


def doctor_dashboard(*, actor: User, now: datetime | None = None) -> dict[str, Any]:
    """Overdue assessments, patients with red flags and with important worsening (F-2, RF-8).

    A constant number of queries whatever the number of patients.
    """
    now = now or timezone.now()
    patients = patients_clinical_scope(actor).filter(is_archived=False).distinct()
    names = dict(patients.values_list("pk", "full_name"))
    patient_ids = list(names)
    scope = patients.values("pk")
    overdue = list(
        ScheduledAssessment.objects.filter(
            patient_id__in=scope,
            status=ScheduledAssessmentStatus.PENDING,
            due_at__lt=now,
        )
        .select_related("patient")
        .order_by("due_at")
    )
    latest_evaluations: dict[Any, tuple[Any, bool]] = {}
    for patient_id, evaluation_id, flagged in (
        Evaluation.objects.filter(patient_id__in=scope)
        .order_by("patient_id", "-created_at")
        .values_list("patient_id", "pk", "has_red_flags")
    ):
        latest_evaluations.setdefault(patient_id, (evaluation_id, flagged))
    red_flags = [
        {"patient_id": pid, "patient_name": names.get(pid, ""), "evaluation_id": evaluation_id}
        for pid, (evaluation_id, flagged) in latest_evaluations.items()
        if flagged
    ]
    worsening = []
    for pid, series in _pain_series(scope).items():
        if len(series) < 2:
            continue
        (_at0, before), (at1, after) = series[-2], series[-1]
        if pain_change_flag(before, after) == "worsening":
            worsening.append(
                {
                    "patient_id": pid,
                    "patient_name": names.get(pid, ""),
                    "before": before,
                    "after": after,
                    "measured_at": at1,
                }
            )
    return {
        "overdue": overdue,
        "red_flags": sorted(red_flags, key=lambda r: r["patient_name"]),
        "worsening": sorted(worsening, key=lambda r: r["patient_name"]),
        "patient_count": len(patient_ids),
    }


def _label_code(label: Any) -> str:
    if isinstance(label, dict):
        return str(label.get("code") or label.get("label") or "")
    return str(label)


MECHANISM_PREFIXES = ("CPSP", "NEURO", "NOCICEPTIVE", "NOCIPLASTIC", "MIXED", "UNCLASSIFIED")


def mechanism_of(labels: Iterable[Any]) -> str:
    """The mechanism group of an evaluation's labels (MIXED wins, then the first found)."""
    codes = [_label_code(label).upper() for label in labels]
    for prefix in ("MIXED", "CPSP", "NEURO", "NOCIPLASTIC", "NOCICEPTIVE", "UNCLASSIFIED"):
        if any(code.startswith(prefix) for code in codes):
            return {"NEURO": "NEUROPATHIC_SCREEN"}.get(prefix, prefix)
    if any(code.startswith("NO_PAIN") or code == "NO_CURRENT_PAIN" for code in codes):
        return "NO_PAIN"
    return "NOT_EVALUATED"


# Evaluated, but no pain mechanism confirmed by the clinician (screening results only).
UNCONFIRMED = "UNCONFIRMED"


@dataclass
class CohortRow:
    patient_id: Any
    patient_name: str
    mechanism: str
    baseline: float | None
    latest: float | None
    change_percent: float | None
    responder_30: bool
    responder_50: bool


def cohort_summary(*, actor: User) -> dict[str, Any]:
    """Mechanism distribution, mean pain change (0–10) and ≥30 % / ≥50 % responders.

    A patient's mechanism is the one the clinician confirmed on their latest evaluation
    (`UNCONFIRMED` when none is; `NOT_EVALUATED` without an evaluation).
    """
    patients = patients_clinical_scope(actor).filter(is_archived=False).distinct()
    names = dict(patients.values_list("pk", "full_name"))
    patient_ids = list(names)
    scope = patients.values("pk")
    latest_ids: dict[Any, Any] = {}
    for pid, evaluation_id in (
        Evaluation.objects.filter(patient_id__in=scope)
        .order_by("patient_id", "-created_at", "-id")
        .values_list("patient_id", "pk")
    ):
        latest_ids.setdefault(pid, evaluation_id)
    # The mechanism the clinician confirmed on the latest evaluation, not the engine's flag.
    latest_mechanism = {
        evaluation.patient_id: mechanism_of(evaluation_confirmed_labels(evaluation))
        for evaluation in Evaluation.objects.filter(pk__in=list(latest_ids.values()))
        .only("pk", "patient_id", "labels")
        .prefetch_related("label_decisions")
    }
    series = _pain_series(scope)
    rows: list[CohortRow] = []
    for pid in sorted(patient_ids, key=lambda p: (names[p], str(p))):
        points = series.get(pid, [])
        baseline = points[0][1] if points else None
        latest = points[-1][1] if len(points) > 1 else None
        change = None
        if baseline is not None and latest is not None and baseline > 0:
            change = round((latest - baseline) / baseline * 100, 1)
        rows.append(
            CohortRow(
                patient_id=pid,
                patient_name=names[pid],
                mechanism=(
                    UNCONFIRMED
                    if latest_mechanism.get(pid) == "NOT_EVALUATED"
                    else latest_mechanism.get(pid, "NOT_EVALUATED")
                ),
                baseline=baseline,
                latest=latest,
                change_percent=change,
                responder_30=change is not None and change <= -30,
                responder_50=change is not None and change <= -50,
            )
        )
    with_change = [r for r in rows if r.change_percent is not None]
    deltas = [
        r.latest - r.baseline
        for r in with_change
        if r.latest is not None and r.baseline is not None
    ]
    mean_change = round(sum(deltas) / len(deltas), 2) if deltas else None
    return {
        "rows": rows,
        "patient_count": len(rows),
        "mechanisms": dict(Counter(r.mechanism for r in rows).most_common()),
        "with_follow_up": len(with_change),
        "mean_change": mean_change,
        "mean_change_percent": (
            round(sum(r.change_percent for r in with_change) / len(with_change), 1)  # type: ignore[misc]
            if with_change
            else None
        ),
        "responders_30": sum(r.responder_30 for r in with_change),
        "responders_50": sum(r.responder_50 for r in with_change),
    }
