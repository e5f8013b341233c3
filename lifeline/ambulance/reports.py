"""Reports of a station for a period: outcomes, response intervals (p50/p90), team load,
CSV and XLSX exports.

Reads only (selectors' rules): the caller passes a station it is allowed to report on.
Intervals follow NEMSIS eTimes: call -> assign (unit notified), assign -> en route,
en route -> on scene, call -> on scene, each per criticality against the configured target.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
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


@dataclass(frozen=True)
class TeamLoadRow:
    team_id: Any
    team: str
    calls: int  # calls the team was assigned (and still holds) in the period
    completed: int
    busy_seconds: int  # assigned -> completed/closed (or now, while in progress)


def team_load(*, calls: QuerySet[Call]) -> list[TeamLoadRow]:
    """Per team: calls handled, of them completed, and busy time; busiest first."""
    now = timezone.now()
    rows: dict[Any, dict[str, Any]] = {}
    for team_id, name, status, assigned, completed, closed in (
        calls.filter(team__isnull=False, assigned_at__isnull=False)
        .values_list("team_id", "team__name", "status", "assigned_at", "completed_at", "closed_at")
        .order_by()
    ):
        row = rows.setdefault(team_id, {"team": name, "calls": 0, "completed": 0, "busy": 0.0})
        row["calls"] += 1
        row["completed"] += status == CallStatus.COMPLETED
        finish = completed or closed or now
        row["busy"] += max(0.0, (finish - assigned).total_seconds()) if assigned else 0.0
    return sorted(
        (
            TeamLoadRow(
                team_id=team_id,
                team=row["team"],
                calls=row["calls"],
                completed=row["completed"],
                busy_seconds=round(row["busy"]),
            )
            for team_id, row in rows.items()
        ),
        key=lambda r: (-r.calls, -r.busy_seconds, r.team),
    )


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
    "at_patient_at",
    "completed_at",
    "closed_at",
    # The dispatcher chose another team than the suggested one (issue 16: "the override
    # and its reason are kept and reported"); empty when the suggested team went.
    "suggested_team",
    "override_reason",
]


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _call_rows(calls: QuerySet[Call]) -> Iterator[list[Any]]:
    for call in calls.select_related("team", "team__car", "suggested_team").order_by(
        "received_at", "number"
    ):
        patient = ", ".join(
            part
            for part in (
                call.patient_name,
                {"male": "М", "female": "Ж"}.get(call.patient_sex, ""),
                str(call.patient_age) if call.patient_age is not None else "",
            )
            if part
        )
        yield (
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
                _iso(call.at_patient_at),
                _iso(call.completed_at),
                _iso(call.closed_at),
                call.suggested_team.name
                if call.suggested_team is not None and call.suggested_team_id != call.team_id
                else "",
                call.override_reason,
            ]
        )


def calls_csv(*, calls: QuerySet[Call]) -> bytes:
    """`;`-separated, UTF-8 with a BOM (opens in Russian Excel); an empty period gives the
    header only."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(_call_rows(calls))
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


INTERVALS_HEADER = [
    "criticality",
    "interval",
    "count",
    "p50_seconds",
    "p90_seconds",
    "target_seconds",
    "within_target_share",
]
TEAMS_HEADER = ["team", "calls", "completed", "busy_seconds"]


def calls_xlsx(*, calls: QuerySet[Call]) -> bytes:
    """A workbook with four sheets: `calls` (the CSV's columns), `intervals` (p50/p90 per
    criticality and interval with the target), `outcomes` and `teams` (load). An empty
    period gives the headers only (and zero outcomes)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # streams rows; no default sheet
    sheet = book.create_sheet("calls")
    sheet.append(CSV_HEADER)
    for row in _call_rows(calls):
        sheet.append(row)
    sheet = book.create_sheet("intervals")
    sheet.append(INTERVALS_HEADER)
    for interval in intervals(calls=calls):
        if interval.count:
            sheet.append([getattr(interval, name) for name in INTERVALS_HEADER])
    sheet = book.create_sheet("outcomes")
    sheet.append(["outcome", "calls"])
    for outcome, count in outcomes(calls=calls).items():
        sheet.append([outcome, count])
    sheet = book.create_sheet("teams")
    sheet.append(TEAMS_HEADER)
    for load in team_load(calls=calls):
        sheet.append([load.team, load.calls, load.completed, load.busy_seconds])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
