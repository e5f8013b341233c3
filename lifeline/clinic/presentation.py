"""What the two entry layers (`api/` and `web/`) render the same way.

The conclusion PDF download (streamed through the files service, audited there) and the
SVG chart of a patient's scores. Both take an object the caller loaded through a scoped
selector (or load it that way), so neither widens anyone's access.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.http import FileResponse

from lifeline.accounts.models import User
from lifeline.clinic import charts
from lifeline.clinic.selectors.analytics import Dynamics, hads_subscale
from lifeline.clinic.selectors.conclusions import conclusion_version_get_for, raise_not_found
from lifeline.files import services as files

CHART_CACHE_SECONDS = 24 * 3600


def conclusion_pdf_response(
    *, actor: User, conclusion_id: UUID, number: int, request: Any
) -> FileResponse:
    """The PDF of one issued version, streamed through the files service (audited)."""
    version = conclusion_version_get_for(actor=actor, conclusion_id=conclusion_id, number=number)
    if version.pdf is None:
        raise_not_found()
    assert version.pdf is not None  # noqa: S101 - narrowed above
    handle = files.file_download(actor=actor, file=version.pdf, request=request)
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="conclusion-{version.conclusion_id}-v{version.number}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def dynamics_chart_svg(dynamics: Dynamics) -> str:
    from lifeline.clinic.services.conclusions import BAND_NAMES, INSTRUMENT_NAMES

    instrument = dynamics.instrument
    points: list[charts.ChartPoint] = []
    extra: list[charts.ChartPoint] = []
    for p in dynamics.points:
        if instrument == "hads":
            anxiety, _band_a = hads_subscale(p.subscores, "anxiety")
            depression, _band_d = hads_subscale(p.subscores, "depression")
            if anxiety is not None:
                points.append(charts.ChartPoint(p.measured_at, anxiety, bool(p.flags)))
            if depression is not None:
                extra.append(charts.ChartPoint(p.measured_at, depression, bool(p.flags)))
        elif p.value is not None:
            points.append(charts.ChartPoint(p.measured_at, float(p.value), bool(p.flags)))
    name = str(INSTRUMENT_NAMES.get(instrument, instrument.upper()))
    spec = charts.ChartSpec(
        title=name,
        y_label=name,
        y_max=charts.Y_MAX.get(instrument, 10),
        points=points,
        bands=charts.bands_for(instrument, {k: str(v) for k, v in BAND_NAMES.items()}),
        events=[charts.ChartEvent(e.at, e.label[:40]) for e in dynamics.events],
        series_label=str(INSTRUMENT_NAMES["hads_a"]) if instrument == "hads" else "",
        extra_points=extra,
        extra_label=str(INSTRUMENT_NAMES["hads_d"]),
    )
    # A render costs a few hundred ms; the same data gives the same picture, so cache it by
    # content (no patient id in the key; the key reveals nothing).
    key = "clinic.chart.v3." + hashlib.sha256(repr(spec).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = charts.render_chart_svg(spec)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return str(svg)
