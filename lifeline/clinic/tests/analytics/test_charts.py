"""The dynamics charts draw under the site's Content-Security-Policy (`style-src` has no
'unsafe-inline'): no inline CSS, colours as SVG attributes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.clinic import charts
from lifeline.clinic.tests.factories import AssessmentFactory, ScoreFactory, care_team

SVG = "{http://www.w3.org/2000/svg}"
HEX_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


def _spec(instrument: str) -> charts.ChartSpec:
    start = datetime(2025, 1, 6, tzinfo=UTC)
    y_max = charts.Y_MAX[instrument]
    points = [
        charts.ChartPoint(start + timedelta(days=14 * i), y_max * share, flagged=i == 2)
        for i, share in enumerate((0.8, 0.7, 0.4))
    ]
    return charts.ChartSpec(
        title=instrument.upper(),
        y_label=instrument.upper(),
        y_max=y_max,
        points=points,
        bands=charts.bands_for(instrument),
        events=[charts.ChartEvent(start + timedelta(days=10), "Pregabalin")],
        extra_points=points[:2] if instrument == "hads" else [],
        extra_label="HADS-D" if instrument == "hads" else "",
    )


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())  # noqa: S314 - matplotlib's output, no outside XML


def _paint(svg: str, attribute: str) -> set[str]:
    root = _parse(svg)
    return {element.attrib[attribute] for element in root.iter() if attribute in element.attrib}


@pytest.mark.parametrize("instrument", sorted(charts.BANDS))
def test_chart_has_no_inline_css_and_paints_real_colours(instrument: str) -> None:
    svg = charts.render_chart_svg(_spec(instrument))

    root = _parse(svg)
    assert [e.tag for e in root.iter() if "style" in e.attrib] == []
    assert list(root.iter(f"{SVG}style")) == []
    fills = _paint(svg, "fill")
    assert {c for _low, _high, _code, c in charts.BANDS[instrument]} <= fills  # the bands
    assert all(HEX_COLOUR.match(fill) or fill == "none" for fill in fills), fills
    strokes = _paint(svg, "stroke")
    assert {"#1f4e79", "#c00000", "#555555"} <= strokes  # line, change rings, treatment
    assert root.attrib["stroke-linejoin"] == "round"  # matplotlib's <style> rule, kept
    assert "Pregabalin" in svg


def test_hads_chart_draws_the_second_series_in_its_own_colour() -> None:
    svg = charts.render_chart_svg(_spec("hads"))

    assert "#7a1fa2" in _paint(svg, "stroke")


@pytest.mark.django_db
def test_dynamics_page_inlines_a_chart_without_inline_css() -> None:
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    for days_ago, value, band in ((30, 8, "severe"), (2, 5, "moderate")):
        assessment = AssessmentFactory(patient=patient, instruments=["nrs"], status="submitted")
        ScoreFactory(
            assessment=assessment,
            instrument="nrs",
            value=value,
            band=band,
            measured_at=timezone.now() - timedelta(days=days_ago),
        )
    client = Client()
    client.force_login(doctor)

    response = client.get(
        reverse("clinic-web:patient-dynamics", kwargs={"patient_id": patient.pk}),
        {"instrument": "nrs"},
    )

    page = response.content.decode()
    chart = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    assert response.status_code == 200
    assert " style=" not in chart
    assert "<style" not in chart
    assert {"#d8f0d8", "#fff4c2", "#ffe0b3", "#ffc9c9"} <= _paint(chart, "fill")
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy


def _axis_dates(svg: str) -> list[str]:
    """The chart's date labels, in order: text elements that read as a date."""
    return [
        text.strip()
        for text in (element.text or "" for element in _parse(svg).iter(f"{SVG}text"))
        if re.fullmatch(r"\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}\s*", text)
    ]


@pytest.mark.parametrize(
    ("language", "dates"),
    [
        # Evenly weekly (the default locator restarted on the 1st: 22.01, then 01.02).
        ("ru", ["08.01.2025", "15.01.2025", "22.01.2025", "29.01.2025"]),
        ("en", ["01/08/2025", "01/15/2025", "01/22/2025", "01/29/2025"]),
    ],
)
def test_chart_dates_read_in_the_locales_short_date_like_every_page(
    language: str, dates: list[str]
) -> None:
    """Issue 14 item 8: the axis wrote "08.01.25" in both languages beside pages that write
    "08.01.2025" / "01/08/2025"."""
    with translation.override(language):
        svg = charts.render_chart_svg(_spec("nrs"))

    assert _axis_dates(svg) == dates


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "pattern"), [("ru", r"\d{2}\.\d{2}\.\d{4}"), ("en", r"\d{2}/\d{2}/\d{4}")]
)
def test_dynamics_page_chart_follows_the_readers_date_format(language: str, pattern: str) -> None:
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    for days_ago, value in ((40, 8), (2, 5)):
        assessment = AssessmentFactory(patient=patient, instruments=["nrs"], status="submitted")
        ScoreFactory(
            assessment=assessment,
            instrument="nrs",
            value=value,
            band="moderate",
            measured_at=timezone.now() - timedelta(days=days_ago),
        )
    client = Client()
    client.force_login(doctor)
    client.cookies["django_language"] = language

    response = client.get(
        reverse("clinic-web:patient-dynamics", kwargs={"patient_id": patient.pk}),
        {"instrument": "nrs"},
    )

    page = response.content.decode()
    chart = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    dates = _axis_dates(chart)
    assert response.status_code == 200
    assert len(dates) >= 2
    assert [d for d in dates if not re.fullmatch(pattern, d)] == []
