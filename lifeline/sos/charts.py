"""Statistics charts rendered server-side as SVG (matplotlib, Agg; no JavaScript).

Text stays text (`svg.fonttype = none`: no glyph outlines repeated in every chart of the page)
and colours are SVG attributes, not inline CSS, so the charts keep them under the site's
strict Content-Security-Policy (`lifeline.core.svg`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from lifeline.core.svg import chart_figure, chart_inline_svg, date_axis, number_axis


def _count_axis(axes: Any) -> None:
    """Label the y axis with whole numbers: it counts events."""
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(_("Events"))


def events_per_day(per_day: dict[str, int]) -> SafeString:
    """Bars per local day (`per_day`: ISO date → count) on a date axis labelled in the locale's
    short date ("07.12.2026" / "12/07/2026"), as every page writes dates; days without
    events are gaps, not missing bars squeezed together."""
    from matplotlib import dates as mdates

    title = _("SOS events per day")
    figure = chart_figure()
    axes = figure.subplots()
    if per_day:
        # Each bar is centred on its day's local midnight, where the axis puts that day's tick.
        zone = timezone.get_current_timezone()
        days = [
            dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), tzinfo=zone)
            for day in per_day
        ]
        axes.bar(
            [float(mdates.date2num(day)) for day in days],
            list(per_day.values()),
            width=0.8,
            color="#b00020",
        )
        date_axis(
            axes,
            date_format=str(get_format("SHORT_DATE_FORMAT")),
            time_zone=timezone.get_current_timezone_name(),
        )
        axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    else:
        axes.text(0.5, 0.5, _("No data yet"), ha="center", va="center", transform=axes.transAxes)
    axes.set_title(title)
    _count_axis(axes)
    return chart_inline_svg(figure, title)


def durations(seconds: list[float], title: str) -> SafeString:
    figure = chart_figure()
    axes = figure.subplots()
    minutes = [s / 60 for s in seconds]
    if minutes:
        axes.hist(minutes, bins=min(20, max(5, len(minutes))), color="#1565c0", edgecolor="#ffffff")
        number_axis(axes.xaxis)
        axes.set_xlabel(_("Minutes"))
    else:
        axes.text(0.5, 0.5, _("No data yet"), ha="center", va="center", transform=axes.transAxes)
    axes.set_title(title)
    _count_axis(axes)
    return chart_inline_svg(figure, title)
