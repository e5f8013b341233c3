"""Report charts rendered server-side as SVG (matplotlib, Agg; no JavaScript).

Drawn like the SOS statistics, through `lifeline.core.svg.chart_inline_svg`: text stays
text and colours are SVG presentation attributes, so the charts keep their colours under
the site's strict Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lifeline.ambulance.enums import CallStatus, Criticality
from lifeline.ambulance.reports import IntervalRow, TeamLoadRow
from lifeline.core.svg import chart_figure, chart_inline_svg, number_axis

CRITICALITY_COLOURS = {"critical": "#b00020", "important": "#e65100", "common": "#1565c0"}
P50_COLOUR = "#90caf9"
P90_COLOUR = "#1565c0"
TARGET_COLOUR = "#b00020"
OUTCOME_COLOURS = {
    "completed": "#2e7d32",
    "rejected": "#757575",
    "cancelled": "#6d4c41",
    "open": "#1565c0",
    "trouble": "#e65100",
}
LOAD_COLOUR = "#00695c"


def _integer_axis(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def response_times(rows: Sequence[IntervalRow], interval: str = "call_to_on_scene") -> SafeString:
    """p50 and p90 (minutes) of one interval per criticality, with the target as a line."""
    title = _("Call to on scene: p50 and p90 against the target (min)")
    figure = chart_figure()
    axes = figure.subplots()
    mine = {r.criticality: r for r in rows if r.interval == interval}
    order = [c for c in Criticality.values if c in mine]
    width = 0.38
    target_labelled = False
    for i, criticality in enumerate(order):
        row = mine[criticality]
        p50 = (row.p50_seconds or 0) / 60
        p90 = (row.p90_seconds or 0) / 60
        axes.bar(i - width / 2, p50, width, color=P50_COLOUR, label="p50" if i == 0 else None)
        axes.bar(i + width / 2, p90, width, color=P90_COLOUR, label="p90" if i == 0 else None)
        if row.target_seconds:
            axes.hlines(
                row.target_seconds / 60,
                i - width - 0.05,
                i + width + 0.05,
                colors=TARGET_COLOUR,
                linewidth=2,
                label="_nolegend_" if target_labelled else _("target"),
            )
            target_labelled = True
    axes.set_xticks(range(len(order)), [str(Criticality(c).label) for c in order])
    axes.set_ylabel(_("Minutes"))
    number_axis(axes.yaxis)
    axes.set_title(title)
    if order:
        axes.legend(loc="upper right", fontsize=8, frameon=False)
    return chart_inline_svg(figure, title)


def outcome_label(outcome: str) -> str:
    if outcome == "open":
        return pgettext("ambulance call outcome", "Still open")
    if outcome == "trouble":
        return str(CallStatus.TROUBLE.label)
    return str(CallStatus(outcome.upper()).label)


def outcomes(counts: dict[str, int]) -> SafeString:
    title = _("Calls by outcome")
    figure = chart_figure()
    axes = figure.subplots()
    names = list(counts)
    axes.bar(
        range(len(names)),
        [counts[n] for n in names],
        color=[OUTCOME_COLOURS.get(n, "#1565c0") for n in names],
    )
    axes.set_xticks(range(len(names)), [outcome_label(n) for n in names], fontsize=8)
    _integer_axis(axes.yaxis)
    axes.set_ylabel(_("Calls"))
    axes.set_title(title)
    return chart_inline_svg(figure, title)


def team_load(rows: Sequence[TeamLoadRow], limit: int = 15) -> SafeString:
    """Calls handled per team (the busiest `limit`), busiest at the top."""
    title = _("Team load: calls handled")
    shown = list(rows[:limit])
    figure = chart_figure(height=max(2.0, 0.6 + 0.3 * len(shown)))
    axes = figure.subplots()
    positions = list(range(len(shown)))[::-1]
    axes.barh(positions, [r.calls for r in shown], color=LOAD_COLOUR)
    axes.set_yticks(positions, [r.team for r in shown], fontsize=8)
    _integer_axis(axes.xaxis)
    axes.set_xlabel(_("Calls"))
    axes.set_title(title)
    return chart_inline_svg(figure, title)
