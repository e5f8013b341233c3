"""Charts of the call-centre report, rendered server-side as SVG (matplotlib, no
JavaScript) through `lifeline.core.svg.chart_inline_svg`: colours are SVG attributes, so
they survive the strict Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lifeline.core.svg import chart_figure, chart_inline_svg

REQUESTS_COLOUR = "#90caf9"
DONE_COLOUR = "#2e7d32"
# Bars shown at most (the busiest); the tables below the charts list every row.
LIMIT = 12


def _integer_axis(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def requests_and_done(rows: Sequence[dict[str, Any]], *, title: str) -> SafeString:
    """Requests and those done per row (campaign or master), busiest at the top."""
    shown = sorted(rows, key=lambda r: (-int(r["requests"]), str(r["name"])))[:LIMIT]
    figure = chart_figure(height=max(1.6, 0.7 + 0.35 * len(shown)))
    axes = figure.subplots()
    positions = list(range(len(shown)))[::-1]
    height = 0.38
    axes.barh(
        [p + height / 2 for p in positions],
        [int(r["requests"]) for r in shown],
        height,
        color=REQUESTS_COLOUR,
        label=_("Requests"),
    )
    axes.barh(
        [p - height / 2 for p in positions],
        [int(r["done"]) for r in shown],
        height,
        color=DONE_COLOUR,
        label=pgettext("fieldservice", "Done"),
    )
    axes.set_yticks(positions, [str(r["name"])[:30] or "—" for r in shown], fontsize=8)
    _integer_axis(axes.xaxis)
    axes.set_title(title)
    if shown:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return chart_inline_svg(figure, title)


def campaigns(rows: Sequence[dict[str, Any]]) -> SafeString:
    return requests_and_done(rows, title=_("Requests and done by campaign"))


def masters(rows: Sequence[dict[str, Any]]) -> SafeString:
    return requests_and_done(rows, title=_("Requests and done by master"))
