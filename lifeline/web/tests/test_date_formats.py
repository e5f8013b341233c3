"""One short date and one date-time format on every page (issue 14, item 8): templates show
dates through the locale's SHORT_DATE_FORMAT / SHORT_DATETIME_FORMAT, never a long format
("7 декабря 2026 г. 12:21" beside "07.12.2026 12:21") or a literal one. Machine formats are
allowed where a machine reads them: `date:'c'` in a `datetime` attribute, `date:'Y-m-d'` as
the value of an `<input type="date">`."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

APPS = ("web", "clinic", "sos", "chat", "notifications", "accounts")
SHOWN = {"SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"}
DATE_FILTER = re.compile(r"""\|date:["']([^"']*)["']""")
# `|date` without a format is the long DATE_FORMAT; `|time` is a clock without its day.
BARE_FILTER = re.compile(r"""\|(?:date|time)(?![\w:])|\|time:["'][^"']*["']""")


def _templates() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted(Path(settings.BASE_DIR, "lifeline", app).glob("templates/**/*.html"))
    ]


def _uses() -> list[tuple[str, str, str]]:
    found = []
    for path in _templates():
        for line in path.read_text().splitlines():
            for match in DATE_FILTER.finditer(line):
                before = line[: match.start()]
                found.append((path.name, match.group(1), before))
    return found


def _machine(fmt: str, before: str) -> bool:
    if fmt == "c":
        return bool(re.search(r'datetime="\{\{[^"]*$', before))
    if fmt == "Y-m-d":
        return bool(re.search(r'type="date"[^<>]*value="\{\{[^"]*$', before))
    return False


def test_pages_show_dates_in_one_short_date_and_one_date_time_format() -> None:
    uses = _uses()

    wrong = [
        (name, fmt) for name, fmt, before in uses if fmt not in SHOWN and not _machine(fmt, before)
    ]

    assert len(uses) > 20
    assert wrong == []


def test_pages_show_no_bare_date_or_clock_time() -> None:
    """`|time:"H:i:s"` on the SOS event's timeline and `|time:"H:i"` on the live map showed a
    clock without its day beside the short date-times of the same page."""
    found = [
        (path.name, match.group(0))
        for path in _templates()
        for match in BARE_FILTER.finditer(path.read_text())
    ]

    assert found == []
