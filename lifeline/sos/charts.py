"""Statistics charts rendered server-side as SVG (matplotlib, Agg; no JavaScript).

Text stays text (`svg.fonttype = none`: no glyph outlines repeated in every chart of the page)
and colours are SVG attributes, not inline CSS, so the charts keep them under the site's
strict Content-Security-Policy (`lifeline.core.svg`).
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from lifeline.core.svg import chart_figure, chart_inline_svg


def _count_axis(axes: Any) -> None:
    """Label the y axis with whole numbers: it counts events."""
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(_("Events"))


def events_per_day(per_day: dict[str, int]) -> SafeString:
    title = _("SOS events per day")
    figure = chart_figure()
    axes = figure.subplots()
    days = list(per_day)
    axes.bar(range(len(days)), [per_day[d] for d in days], color="#b00020")
    axes.set_xticks(range(len(days)), [d[5:] for d in days], rotation=45, fontsize=8)
    axes.set_title(title)
    _count_axis(axes)
    return chart_inline_svg(figure, title)


def durations(seconds: list[float], title: str) -> SafeString:
    figure = chart_figure()
    axes = figure.subplots()
    minutes = [s / 60 for s in seconds]
    if minutes:
        axes.hist(minutes, bins=min(20, max(5, len(minutes))), color="#1565c0", edgecolor="#ffffff")
    else:
        axes.text(0.5, 0.5, _("No data yet"), ha="center", va="center", transform=axes.transAxes)
    axes.set_title(title)
    _count_axis(axes)
    return chart_inline_svg(figure, title)
