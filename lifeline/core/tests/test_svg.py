from __future__ import annotations

import pytest

from lifeline.core.svg import without_inline_styles

MATPLOTLIB_LIKE = (
    '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt" version="1.1">\n'
    " <defs>\n"
    '  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>\n'
    " </defs>\n"
    ' <path d="M 0 0 L 1 1" style="fill: #b00020; stroke: #ffffff; stroke-width: 0.8"/>\n'
    ' <text x="1" y="2" style="font-size: 10px; font-family: \'DejaVu Sans\'; '
    'text-anchor: end">a style="fill: red" &lt;b&gt;</text>\n'
    " <!-- a style=&quot;fill: red&quot; -->\n"
    ' <g fill="#000000" style="fill: #1565c0"><rect width="1" height="1"/></g>\n'
    "</svg>\n"
)


def test_styles_become_presentation_attributes() -> None:
    svg = without_inline_styles(MATPLOTLIB_LIKE)

    assert svg == (
        '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt" version="1.1"'
        ' stroke-linejoin="round" stroke-linecap="butt">\n'
        " <defs>\n"
        "  \n"
        " </defs>\n"
        ' <path d="M 0 0 L 1 1" fill="#b00020" stroke="#ffffff" stroke-width="0.8"/>\n'
        ' <text x="1" y="2" font-size="10px" font-family="\'DejaVu Sans\'" text-anchor="end">'
        'a style="fill: red" &lt;b&gt;</text>\n'
        " <!-- a style=&quot;fill: red&quot; -->\n"
        ' <g fill="#1565c0"><rect width="1" height="1"/></g>\n'
        "</svg>\n"
    )


def test_svg_without_css_is_unchanged() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M 0 0" fill="#fff"/></svg>'

    assert without_inline_styles(svg) == svg


@pytest.mark.parametrize(
    "css_svg",
    [
        "<svg><style>path{fill: red}</style></svg>",
        '<svg><path style="fill: red; mix-blend-mode: multiply"/></svg>',
        '<svg><path style="fill"/></svg>',
    ],
)
def test_css_without_an_attribute_equivalent_is_refused(css_svg: str) -> None:
    with pytest.raises(ValueError, match=r"<style>|presentation attribute|malformed"):
        without_inline_styles(css_svg)
