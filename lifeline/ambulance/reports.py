"""Reports of a station for a period: outcomes, response intervals (p50/p90), CSV export.

Reads only (selectors' rules): the caller passes a station it is allowed to report on.
Intervals follow NEMSIS eTimes: call -> assign (unit notified), assign -> en route,
en route -> on scene, call -> on scene, each per criticality against the configured target.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from lifeline.ambulance import conf
from lifeline.ambulance.enums import CallStatus, Criticality
from lifeline.ambulance.models import Call, CallTransition

INTERVALS = (
    ("call_to_assign", "received_at", "assigned_at"),
    ("assign_to_en_route", "assigned_at", "en_route_at"),
    ("en_route_to_on_scene", "en_route_at", "on_scene_at"),
    ("call_to_on_scene", "received_at", "on_scene_at"),
)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in the current time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def calls_in_period(
    *, organization_id: Any, start: date, end: date, team_id: Any = None
) -> QuerySet[Call]:
    since, until = period_bounds(start, end)
    calls = Call.objects.filter(
        organization_id=organization_id, received_at__gte=since, received_at__lt=until
    )
    if team_id is not None:
        calls = calls.filter(team_id=team_id)
    return calls


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (`share` in 0..1) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class IntervalRow:
    criticality: str
    interval: str
    count: int
    p50_seconds: float | None
    p90_seconds: float | None
    target_seconds: int | None
    within_target_share: float | None


def intervals(*, calls: QuerySet[Call]) -> list[IntervalRow]:
    fields = {name for _i, a, b in INTERVALS for name in (a, b)}
    rows = list(calls.values("criticality", *sorted(fields)))
    targets = conf.get("TARGET_MINUTES")
    result = []
    for criticality in Criticality.values:
        mine = [r for r in rows if r["criticality"] == criticality]
        for name, begin, finish in INTERVALS:
            seconds = [
                (r[finish] - r[begin]).total_seconds()
                for r in mine
                if r[begin] is not None and r[finish] is not None
            ]
            target_minutes = targets.get(criticality, {}).get(name)
            target = int(target_minutes * 60) if target_minutes else None
            within = None
            if target is not None and seconds:
                within = round(sum(1 for s in seconds if s <= target) / len(seconds), 4)
            result.append(
                IntervalRow(
                    criticality=criticality,
                    interval=name,
                    count=len(seconds),
                    p50_seconds=percentile(seconds, 0.5),
                    p90_seconds=percentile(seconds, 0.9),
                    target_seconds=target,
                    within_target_share=within,
                )
            )
    return result


def outcomes(*, calls: QuerySet[Call]) -> dict[str, int]:
    """Calls by final status, plus how many went through trouble at least once."""
    counts = dict(calls.values_list("status").annotate(n=Count("id")).order_by())
    trouble = (
        CallTransition.objects.filter(call__in=calls, to_status=CallStatus.TROUBLE)
        .values("call_id")
        .distinct()
        .count()
    )
    return {
        "completed": counts.get(CallStatus.COMPLETED, 0),
        "rejected": counts.get(CallStatus.REJECTED, 0),
        "cancelled": counts.get(CallStatus.CANCELLED, 0),
        "open": sum(
            n
            for status, n in counts.items()
            if status not in {CallStatus.COMPLETED, CallStatus.REJECTED, CallStatus.CANCELLED}
        ),
        "trouble": trouble,
    }


CSV_HEADER = [
    "number",
    "received_at",
    "criticality",
    "determinant_code",
    "status",
    "address",
    "patient",
    "team",
    "car",
    "assigned_at",
    "on_scene_at",
    "completed_at",
    "closed_at",
]


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def calls_csv(*, calls: QuerySet[Call]) -> bytes:
    """`;`-separated, UTF-8 with a BOM (opens in Russian Excel); an empty period gives the
    header only."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for call in calls.select_related("team", "team__car").order_by("received_at", "number"):
        patient = ", ".join(
            part
            for part in (
                call.patient_name,
                {"male": "М", "female": "Ж"}.get(call.patient_sex, ""),
                str(call.patient_age) if call.patient_age is not None else "",
            )
            if part
        )
        writer.writerow(
            [
                call.number,
                _iso(call.received_at),
                call.criticality,
                call.determinant_code,
                call.status,
                call.address,
                patient,
                call.team.name if call.team else "",
                call.team.car.plate if call.team else "",
                _iso(call.assigned_at),
                _iso(call.on_scene_at),
                _iso(call.completed_at),
                _iso(call.closed_at),
            ]
        )
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
