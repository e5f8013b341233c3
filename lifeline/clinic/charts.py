"""Server-side SVG charts of a patient's scores over time (matplotlib, no JavaScript).

Pure: takes plain data and returns SVG text. Cut-off bands are shaded behind the line,
treatment events are vertical markers, points with a change flag (spec §C.8) are ringed.
Text stays text in the SVG (`svg.fonttype = none`), so it is small, accessible and testable.
Colours are SVG attributes, not inline CSS, so the chart keeps them under the site's strict
Content-Security-Policy (`lifeline.core.svg`). Dates on the axis are in the locale's short date
format, like every page ("07.12.2026" / "12/07/2026").
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.formats import get_format

from lifeline.core.svg import date_axis, without_inline_styles


def _short_date_format() -> str:
    return str(get_format("SHORT_DATE_FORMAT"))


@dataclass(frozen=True)
class Band:
    """A shaded range [low, high) of the score axis with its label."""

    low: float
    high: float
    label: str
    color: str


@dataclass(frozen=True)
class ChartPoint:
    at: datetime
    value: float
    flagged: bool = False


@dataclass(frozen=True)
class ChartEvent:
    at: datetime
    label: str


@dataclass
class ChartSpec:
    title: str
    y_label: str
    y_max: float
    points: list[ChartPoint]
    bands: list[Band] = field(default_factory=list)
    events: list[ChartEvent] = field(default_factory=list)
    series_label: str = ""
    # A second series on the same axis (HADS: depression next to anxiety).
    extra_points: list[ChartPoint] = field(default_factory=list)
    extra_label: str = ""
    # How the date axis reads (a Django format and a time zone): the active locale's short
    # date, as on every page, unless given. Part of the spec, so a cached chart keys on it.
    date_format: str = field(default_factory=_short_date_format)
    time_zone: str = field(default_factory=timezone.get_current_timezone_name)


GREEN, YELLOW, ORANGE, RED, DARK_RED = "#d8f0d8", "#fff4c2", "#ffe0b3", "#ffc9c9", "#f5a3a3"

# Cut-off bands per instrument (spec §A.5, §C.3), upper bounds exclusive on a continuous axis.
BANDS: dict[str, list[tuple[float, float, str, str]]] = {
    "nrs": [
        (0, 1, "none", GREEN),
        (1, 4, "mild", YELLOW),
        (4, 7, "moderate", ORANGE),
        (7, 10.01, "severe", RED),
    ],
    "vas": [(0, 35, "mild", YELLOW), (35, 75, "moderate", ORANGE), (75, 100.1, "severe", RED)],
    "dn4": [(0, 4, "negative", GREEN), (4, 10.01, "positive", RED)],
    "csi": [
        (0, 30, "subclinical", GREEN),
        (30, 40, "mild", YELLOW),
        (40, 50, "moderate", ORANGE),
        (50, 60, "severe", RED),
        (60, 100.1, "extreme", DARK_RED),
    ],
    "hads": [(0, 8, "normal", GREEN), (8, 11, "borderline", YELLOW), (11, 21.01, "abnormal", RED)],
    "painad": [
        (0, 1, "none", GREEN),
        (1, 4, "mild", YELLOW),
        (4, 7, "moderate", ORANGE),
        (7, 10.01, "severe", RED),
    ],
    "ncsr": [
        (0, 1, "none", GREEN),
        (1, 3, "mild", YELLOW),
        (3, 5, "moderate", ORANGE),
        (5, 9.01, "severe", RED),
    ],
}
SINGLE_POINT_PAD_DAYS = 3.0  # date2num units are days
Y_MAX = {"nrs": 10, "vas": 100, "dn4": 10, "csi": 100, "hads": 21, "painad": 10, "ncsr": 9}


def bands_for(instrument: str, labels: dict[str, str] | None = None) -> list[Band]:
    """The instrument's bands, with `labels` translating band codes for the legend."""
    labels = labels or {}
    return [
        Band(low, high, labels.get(code, code), color)
        for low, high, code, color in BANDS.get(instrument, [])
    ]


def render_chart_svg(spec: ChartSpec, *, width: float = 7.0, height: float = 3.2) -> str:
    """Return the chart as an SVG document (a string starting with `<?xml`)."""
    # Imported here: matplotlib costs seconds at import, and every process loads the URLconf.
    import matplotlib
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        figure = Figure(figsize=(width, height))
        axes = figure.add_subplot()
        for band in spec.bands:
            axes.axhspan(
                band.low, min(band.high, spec.y_max), color=band.color, zorder=0, label=band.label
            )
        if spec.points:
            xs = [float(mdates.date2num(p.at)) for p in spec.points]
            ys = [p.value for p in spec.points]
            axes.plot(
                xs,
                ys,
                marker="o",
                color="#1f4e79",
                linewidth=2,
                zorder=3,
                label=spec.series_label or spec.y_label,
            )
            if spec.extra_points:
                axes.plot(
                    [float(mdates.date2num(p.at)) for p in spec.extra_points],
                    [p.value for p in spec.extra_points],
                    marker="s",
                    linestyle="--",
                    color="#7a1fa2",
                    linewidth=2,
                    zorder=3,
                    label=spec.extra_label,
                )
            flagged = [p for p in [*spec.points, *spec.extra_points] if p.flagged]
            if flagged:
                axes.scatter(
                    [float(mdates.date2num(p.at)) for p in flagged],
                    [p.value for p in flagged],
                    s=160,
                    facecolors="none",
                    edgecolors="#c00000",
                    linewidths=2,
                    zorder=4,
                )
            for event in spec.events:
                axes.axvline(
                    float(mdates.date2num(event.at)),
                    color="#555555",
                    linestyle="--",
                    linewidth=1,
                    zorder=2,
                )
                axes.annotate(
                    event.label,
                    xy=(float(mdates.date2num(event.at)), spec.y_max),
                    xytext=(3, -12),
                    textcoords="offset points",
                    fontsize=7,
                    color="#333333",
                    rotation=0,
                    zorder=5,
                )
            if len(xs) == 1:
                axes.set_xlim(xs[0] - SINGLE_POINT_PAD_DAYS, xs[0] + SINGLE_POINT_PAD_DAYS)
            date_axis(axes, date_format=spec.date_format, time_zone=spec.time_zone)
            figure.autofmt_xdate()
        else:
            axes.text(0.5, 0.5, "—", transform=axes.transAxes, ha="center", va="center")
        axes.set_ylim(0, spec.y_max)
        axes.set_title(spec.title, fontsize=10)
        axes.set_ylabel(spec.y_label, fontsize=9)
        axes.grid(axis="y", alpha=0.3)
        if spec.bands:
            axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        # Fixed margins: tight_layout() measures every text twice and costs ~40 % of a render.
        figure.subplots_adjust(left=0.09, right=0.78 if spec.bands else 0.97, bottom=0.2, top=0.9)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return without_inline_styles(buffer.getvalue())


def series_values(points: Sequence[ChartPoint]) -> list[float]:
    return [p.value for p in points]
