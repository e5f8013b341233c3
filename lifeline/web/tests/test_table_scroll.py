"""Tables scroll inside their own box on a phone (issue 14 item 10): a table is as wide as its
longest words, so at 390 px the conclusion's results table pushed the whole page 23–34 px
sideways. Every table of these apps' pages sits directly in a `.table-wrap` (web.css:
`overflow-x: auto`)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

APPS = (
    "web",
    "clinic",
    "sos",
    "chat",
    "notifications",
    "accounts",
    "ambulance",
    "fieldservice",
    "freelance",
    "market",
    "content",
)
TABLE = re.compile(r"<table\b")
# tabindex="0": a box that scrolls must be reachable by keyboard (axe, WCAG 2.1.1:
# scrollable-region-focusable), or a keyboard user cannot read the cut-off columns.
WRAP = re.compile(r"""<div class="table-wrap" tabindex="0"[^>]*>\s*$""")


def test_every_table_scrolls_in_its_own_box() -> None:
    bare = []
    tables = 0
    for app in APPS:
        for path in sorted(Path(settings.BASE_DIR, "lifeline", app).glob("templates/**/*.html")):
            text = path.read_text()
            for match in TABLE.finditer(text):
                tables += 1
                if not WRAP.search(text[: match.start()]):
                    bare.append(f"{app}/{path.name}:{text[: match.start()].count(chr(10)) + 1}")

    assert tables > 5
    assert bare == []
