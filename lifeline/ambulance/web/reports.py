"""The station administrator's report page: a period (and optionally a team), response
intervals p50/p90 per criticality against the targets, calls by outcome and team load as
server-rendered SVG charts, and CSV/XLSX downloads of the same period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifeline.ambulance import charts, reports, selectors
from lifeline.ambulance.enums import Criticality
from lifeline.ambulance.models import Team
from lifeline.ambulance.web.views import _admin_station, web_view
from lifeline.audit.services import record
from lifeline.core.dates import historical_date

INTERVAL_LABELS = {
    "call_to_assign": _("Call → assigned"),
    "assign_to_en_route": _("Assigned → en route"),
    "en_route_to_on_scene": _("En route → on scene"),
    "call_to_on_scene": _("Call → on scene"),
}


class ReportForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        validators=[historical_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        validators=[historical_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # A UUID (not a choice) so that another station's team is a 404, like in the API.
    team = forms.UUIDField(label=_("Team"), required=False, widget=forms.Select)

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["team"].widget
        assert isinstance(widget, forms.Select)  # noqa: S101 - narrows the type
        widget.choices = [("", _("All teams"))] + [(str(t.pk), t.name) for t in teams]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(days=29)
        if start > end:
            self.add_error("start", _("The start is after the end."))
        elif (end - start).days > 366:
            self.add_error("start", _("Choose at most a year."))
        data["start"], data["end"] = start, end
        return data


def _minutes(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f}"


@web_view
def report(request: HttpRequest) -> HttpResponse:
    station = _admin_station(request)
    teams = list(Team.objects.filter(organization=station).order_by("name", "id"))
    form = ReportForm(request.GET, teams=teams)  # every field is optional: bound even if empty
    context: dict[str, Any] = {"station": station, "form": form}
    if not form.is_valid():
        return render(request, "ambulance/reports.html", context, status=400)
    data = form.cleaned_data
    team_id = None
    if data.get("team"):
        team_id = selectors.team_of_station(station_id=station.pk, team_id=data["team"]).pk
    calls = reports.calls_in_period(
        organization_id=station.pk, start=data["start"], end=data["end"], team_id=team_id
    )
    record(
        actor=request.user,
        action="ambulance.report_viewed",
        organization=station,
        request=request,
        metadata={"start": data["start"], "end": data["end"]},
    )
    outcomes = reports.outcomes(calls=calls)
    intervals = reports.intervals(calls=calls)
    load = reports.team_load(calls=calls)
    total = calls.count()
    query = {"start": data["start"].isoformat(), "end": data["end"].isoformat()}
    query["station"] = str(station.pk)
    if team_id:
        query["team"] = str(team_id)
    context.update(
        {
            "start": data["start"],
            "end": data["end"],
            "total": total,
            "interval_rows": [
                {
                    "criticality": Criticality(r.criticality).label,
                    "interval": INTERVAL_LABELS[r.interval],
                    "count": r.count,
                    "p50": _minutes(r.p50_seconds),
                    "p90": _minutes(r.p90_seconds),
                    "target": _minutes(r.target_seconds) if r.target_seconds else "—",
                    "within": None
                    if r.within_target_share is None
                    else round(r.within_target_share * 100),
                    "late": r.target_seconds is not None
                    and r.p90_seconds is not None
                    and r.p90_seconds > r.target_seconds,
                }
                for r in intervals
                if r.count
            ],
            "outcome_rows": [(charts.outcome_label(k), v) for k, v in outcomes.items()],
            "load": [
                {
                    "team": r.team,
                    "calls": r.calls,
                    "completed": r.completed,
                    "busy_hours": f"{r.busy_seconds / 3600:.1f}",
                }
                for r in load
            ],
            "charts": []
            if total == 0
            else [
                charts.response_times(intervals),
                charts.outcomes(outcomes),
                *([charts.team_load(load)] if load else []),
            ],
            "csv_url": reverse("ambulance:report-calls-csv") + "?" + urlencode(query),
            "xlsx_url": reverse("ambulance:report-calls-xlsx") + "?" + urlencode(query),
        }
    )
    return render(request, "ambulance/reports.html", context)
