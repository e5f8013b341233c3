"""The SOS statistics charts and the live map under the site's Content-Security-Policy: charts
without inline CSS, map tiles from LIFELINE_MAP_TILES_URL allowed in img-src, and a map that
still has a scale, legend and markers without tiles."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from lifeline.sos import charts
from lifeline.sos.enums import EventStatus
from lifeline.sos.tests.factories import SosEventFactory

pytestmark = pytest.mark.django_db

HEX_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    return client


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())  # noqa: S314 - matplotlib's output, no outside XML


def _fills(root: ET.Element) -> set[str]:
    return {e.attrib["fill"] for e in root.iter() if "fill" in e.attrib}


@pytest.mark.parametrize(
    ("chart", "colour"),
    [
        (lambda: charts.events_per_day({"2026-03-01": 3, "2026-03-02": 1}), "#b00020"),
        (lambda: charts.durations([60.0, 120.0, 300.0], "Time to resolve (min)"), "#1565c0"),
        (lambda: charts.durations([], "Time to first accept (min)"), "#ffffff"),
    ],
)
def test_statistics_chart_has_no_inline_css_and_paints_real_colours(chart: Any, colour: str):
    svg = str(chart())

    root = _parse(svg)
    assert " style=" not in svg
    assert "<style" not in svg
    assert [e.tag for e in root.iter() if "style" in e.attrib] == []
    assert colour in _fills(root)
    assert all(HEX_COLOUR.match(fill) or fill == "none" for fill in _fills(root))
    assert root.attrib["role"] == "img"
    assert root.findall(".//{http://www.w3.org/2000/svg}text")  # text, not glyph outlines


def test_statistics_page_inlines_three_charts_without_inline_css(device: Any, sos_admin: Any):
    SosEventFactory(
        device=device,
        status=EventStatus.RESOLVED,
        first_accepted_at=timezone.now(),
        resolved_at=timezone.now(),
    )

    response = browser(sos_admin).get("/sos/admin/statistics/")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 3
    charts_html = page[page.index("<svg") : page.rindex("</svg>")]
    assert " style=" not in charts_html
    assert "<style" not in charts_html
    assert 'fill="#b00020"' in charts_html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_csp_allows_the_default_tile_server_for_images(sos_admin: Any):
    response = browser(sos_admin).get("/sos/admin/map/")

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["img-src"] == "'self' data: blob: https://tile.openstreetmap.org"
    assert "tile.openstreetmap.org" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]


def _map_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script id="sos-map-data" type="application/json">(.*?)</script>', page)
    assert found is not None
    return json.loads(found.group(1))


def test_map_gets_the_configured_tiles_and_attribution(sos_admin: Any, settings: Any):
    settings.LIFELINE_MAP_TILES_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.LIFELINE_MAP_TILES_ATTRIBUTION = "© Example Maps"

    page = browser(sos_admin).get("/sos/admin/map/").content.decode()

    data = _map_data(page)
    assert data["tile_url"] == "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    assert data["tile_attribution"] == "© Example Maps"
    assert 'class="sos-map"' in page
    assert '<p id="sos-map-no-tiles" class="muted" hidden>' in page


def test_map_without_tiles_keeps_a_legend_and_says_why_it_is_plain(
    device: Any, sos_admin: Any, settings: Any
):
    settings.LIFELINE_MAP_TILES_URL = ""
    event = SosEventFactory(device=device)

    page = browser(sos_admin).get("/sos/admin/map/").content.decode()

    data = _map_data(page)
    assert data["tile_url"] == ""
    assert [e["event_uid"] for e in data["events"]] == [str(event.pk)]
    assert 'class="sos-map sos-map--no-tiles"' in page
    assert '<p id="sos-map-no-tiles" class="muted" >' in page
    legend = page[
        page.index('<ul id="sos-map-legend"') : page.index("</ul>", page.index("sos-map-legend"))
    ]
    for swatch in ("new", "accepted", "escalated", "helper", "device", "offline"):
        assert f"sos-swatch--{swatch}" in legend


def test_live_map_labels_statuses_and_types_in_the_readers_language(sos_admin: Any):
    client = browser(sos_admin)
    client.cookies["django_language"] = "ru"

    page = client.get("/sos/admin/map/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    data = _map_data(page)

    assert data["status_labels"] == {
        "NEW": "Новое",
        "ACCEPTED": "Принято",
        "RESOLVED": "Завершено",
        "CANCELLED": "Отменено",
        "ESCALATED": "Эскалировано",
    }
    assert data["type_labels"]["FALL_DETECTED"] == "Обнаружено падение"


def _axis_dates(svg: str) -> list[str]:
    return [
        (element.text or "").strip()
        for element in _parse(svg).iter("{http://www.w3.org/2000/svg}text")
        if re.fullmatch(r"\s*\d{1,2}[./-]\d{1,2}([./-]\d{2,4})?\s*", element.text or "")
    ]


@pytest.mark.parametrize(
    ("language", "dates"),
    [
        # Evenly every second day (not restarting on the 1st of a month).
        ("ru", ["02.03.2026", "04.03.2026", "06.03.2026", "08.03.2026"]),
        ("en", ["03/02/2026", "03/04/2026", "03/06/2026", "03/08/2026"]),
    ],
)
def test_events_per_day_reads_dates_in_the_locales_short_date(language: str, dates: list[str]):
    """Issue 14 item 8: the axis wrote ISO "03-01" beside pages that write "01.03.2026"."""
    with translation.override(language):
        svg = str(charts.events_per_day({"2026-03-01": 3, "2026-03-02": 1, "2026-03-09": 2}))

    assert _axis_dates(svg) == dates


@pytest.mark.parametrize(
    ("language", "shown", "absent"),
    [
        ("ru", "07.03.2026 09:05", "09:05:07"),
        ("en", "03/07/2026 9:05 a.m.", "09:05:07"),
    ],
)
def test_event_timeline_and_live_map_show_the_short_date_time(
    device: Any, sos_admin: Any, language: str, shown: str, absent: str, time_machine: Any
):
    """The timeline showed "09:05:07" and the live map "09:05": clocks without their day,
    beside the page's "07.03.2026 09:05"."""
    at = timezone.make_aware(timezone.datetime(2026, 3, 7, 9, 5, 7))
    time_machine.move_to(at, tick=False)
    event = SosEventFactory(device=device)
    event.timeline.create(kind="created", at=at)
    time_machine.move_to(at + timezone.timedelta(minutes=1), tick=False)
    client = browser(sos_admin)
    client.cookies["django_language"] = language

    event_page = client.get(f"/sos/events/{event.pk}/").content.decode()
    map_page = client.get("/sos/admin/map/").content.decode()

    timeline = event_page[event_page.index('<ol class="sos-timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert f'<time datetime="2026-03-07T09:05:07+00:00">{shown}</time>' in timeline
    assert f">{absent}<" not in event_page
    assert f">{shown}</time>" in map_page


@pytest.mark.parametrize(
    ("language", "shown", "absent"), [("ru", "1,5", "1.5"), ("en", "1.5", "1,5")]
)
def test_duration_chart_writes_minutes_in_the_locales_number_format(
    language: str, shown: str, absent: str
) -> None:
    """Issue 14 item 8: the duration axis read "1.10" on Russian pages."""
    with translation.override(language):
        svg = str(charts.durations([60, 75, 90, 105, 120, 150, 170], "Time to accept"))
    ticks = [
        (element.text or "").strip()
        for element in _parse(svg).iter("{http://www.w3.org/2000/svg}text")
    ]
    assert shown in ticks
    assert absent not in ticks
    assert not any(re.fullmatch(r"\d+[.,]\d*0", tick) for tick in ticks)  # no "1.50"
