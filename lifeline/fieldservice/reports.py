"""Reports of the fieldservice module (read-only aggregates for managers and directors):
the call centre (calls, missed, callbacks within SLA, requests, conversion to «Готово»,
revenue, cost of a lead per campaign) and the masters (requests, completion, handover)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum

from lifeline.fieldservice.enums import CallbackStatus, CallDirection, CallOutcome, RequestStatus
from lifeline.fieldservice.models import Call, CallbackTask, ServiceRequest, Transaction


@dataclass(frozen=True)
class Period:
    organization_id: Any
    date_from: date | None = None
    date_to: date | None = None
    city_id: int | None = None
    # The call-centre report of one operator: the calls they answered, the callbacks they
    # took and the requests they took. Missed calls rang nobody's line, so they count 0.
    operator_id: Any = None


def _window(period: Period, field: str = "created_at", operator_field: str | None = None) -> Q:
    q = Q(organization_id=period.organization_id)
    if period.operator_id is not None and operator_field is not None:
        q &= Q(**{operator_field: period.operator_id})
    if period.date_from:
        q &= Q(**{f"{field}__date__gte": period.date_from})
    if period.date_to:
        q &= Q(**{f"{field}__date__lte": period.date_to})
    if period.city_id:
        q &= Q(city_id=period.city_id)
    return q


def _money(value: Any) -> Decimal:
    """Sums come back as Decimal('2000') on SQLite: always two places."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def callcentre_report(period: Period) -> dict[str, Any]:
    calls = Call.objects.filter(
        _window(period, operator_field="operator_id"), direction=CallDirection.INCOMING
    ).aggregate(
        total=Count("id"),
        missed=Count("id", filter=Q(outcome=CallOutcome.MISSED)),
        answered=Count("id", filter=Q(outcome=CallOutcome.ANSWERED)),
    )
    callbacks = CallbackTask.objects.filter(
        _window(period, operator_field="taken_by_id")
    ).aggregate(
        total=Count("id"),
        within_sla=Count(
            "id",
            filter=Q(
                status__in=[CallbackStatus.TAKEN, CallbackStatus.DONE], taken_at__lte=F("due_at")
            ),
        ),
    )
    requests = ServiceRequest.objects.filter(_window(period, operator_field="operator_id"))
    totals = requests.aggregate(
        created=Count("id"),
        done=Count("id", filter=Q(status=RequestStatus.DONE)),
        revenue=Sum("master_handover", filter=Q(status=RequestStatus.DONE)),
    )
    by_campaign = list(
        requests.exclude(campaign=None)
        .values("campaign_id", "campaign__name", "campaign__monthly_cost")
        .annotate(
            created=Count("id"),
            done=Count("id", filter=Q(status=RequestStatus.DONE)),
            revenue=Sum("master_handover", filter=Q(status=RequestStatus.DONE)),
        )
        .order_by("campaign__name", "campaign_id")
    )
    by_status = dict(requests.values_list("status").annotate(n=Count("id")).order_by("status"))
    return {
        "calls": calls["total"],
        "calls_answered": calls["answered"],
        "calls_missed": calls["missed"],
        "callbacks": callbacks["total"],
        "callbacks_within_sla": callbacks["within_sla"],
        "requests_created": totals["created"],
        "requests_done": totals["done"],
        "conversion": _ratio(totals["done"], totals["created"]),
        "revenue": _money(totals["revenue"]),
        "by_status": {status: by_status.get(status, 0) for status in RequestStatus.values},
        "campaigns": [
            {
                "campaign_id": row["campaign_id"],
                "name": row["campaign__name"],
                "requests": row["created"],
                "done": row["done"],
                "revenue": _money(row["revenue"]),
                "cost_per_lead": (
                    (row["campaign__monthly_cost"] / row["created"]).quantize(Decimal("0.01"))
                    if row["campaign__monthly_cost"] is not None and row["created"]
                    else None
                ),
            }
            for row in by_campaign
        ],
    }


def masters_report(period: Period) -> list[dict[str, Any]]:
    """Per master over the period and city (the operator filter does not apply)."""
    rows = (
        ServiceRequest.objects.filter(_window(period), master__isnull=False)
        .values("master_id", "master__full_name", "master__email")
        .annotate(
            requests=Count("id"),
            done=Count("id", filter=Q(status=RequestStatus.DONE)),
            handover_due=Sum("master_handover", filter=Q(status=RequestStatus.DONE)),
        )
        .order_by("master__full_name", "master_id")
    )
    received = dict(
        Transaction.objects.filter(_window(period), master__isnull=False, request__isnull=True)
        .values_list("master_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return [
        {
            "master_id": str(row["master_id"]),
            "name": row["master__full_name"] or row["master__email"] or "",
            "requests": row["requests"],
            "done": row["done"],
            "completion_rate": _ratio(row["done"], row["requests"]),
            "handover_due": _money(row["handover_due"]),
            "handover_received": _money(received.get(row["master_id"])),
        }
        for row in rows
    ]
