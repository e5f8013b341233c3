"""SVG that a strict Content-Security-Policy renders: no inline CSS, only presentation attributes.

matplotlib writes every colour and line width as a `style="…"` attribute and adds a
`<style>*{…}</style>` rule. Under `style-src 'self' 'nonce-…'` the browser drops all of them
(one console violation each), so an inline chart loses its fills and every shape paints
black. SVG has an attribute for each of these properties (`fill="#b00020"`), and attributes
are not CSS, so CSP does not touch them. `without_inline_styles()` rewrites the one into the
other; anything it does not know how to rewrite raises, so a library upgrade that writes new
CSS fails the chart tests instead of painting black rectangles in a browser.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# The SVG 1.1 presentation attributes matplotlib writes (and their close relatives).
PRESENTATION_ATTRIBUTES = frozenset(
    {
        "clip-path",
        "clip-rule",
        "color",
        "display",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "letter-spacing",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "text-decoration",
        "visibility",
        "word-spacing",
    }
)

# matplotlib's attribute values escape `<`, `>`, `&` and `"` (and its comments escape `<`),
# so a tag is `<name …>` without those characters inside, and an attribute value ends at `"`.
_TAG = re.compile(r"<([A-Za-z][\w:.-]*)(\s[^<>]*?)?(/?)>")
_ROOT = re.compile(r"<(svg)(\s[^<>]*?)?(/?)>")
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)
_UNIVERSAL_RULE = re.compile(r"^\s*\*\s*\{([^{}]*)\}\s*$")


def without_inline_styles(svg: str) -> str:
    """Return `svg` with every `style` attribute and `<style>` element turned into attributes.

    A `<style>` element may hold only one universal rule (`*{…}`, as matplotlib writes): its
    declarations go onto the root `<svg>`, where they are inherited, and an element's own
    attribute still wins, as it did over the rule. Raises `ValueError` on CSS that has no
    attribute equivalent (other selectors, properties that are not presentation attributes).
    """
    root_declarations: list[tuple[str, str]] = []

    def drop_style_element(match: re.Match[str]) -> str:
        rule = _UNIVERSAL_RULE.match(match.group(1))
        if rule is None:
            raise ValueError(f"cannot turn this <style> into attributes: {match.group(1)!r}")
        root_declarations.extend(_declarations(rule.group(1)))
        return ""

    svg = _STYLE_ELEMENT.sub(drop_style_element, svg)
    svg = _TAG.sub(_rewrite_tag, svg)
    if root_declarations:
        root = _ROOT.search(svg)
        if root is None:
            raise ValueError("no <svg> element to carry the <style> rule")
        svg = svg[: root.start()] + _with_attributes(root, root_declarations) + svg[root.end() :]
    return svg


def _rewrite_tag(match: re.Match[str]) -> str:
    attributes = match.group(2) or ""
    style = _STYLE_ATTRIBUTE.search(attributes)
    if style is None:
        return match.group(0)
    declarations = _declarations(style.group(1))
    attributes = attributes[: style.start()] + attributes[style.end() :]
    return _with_attributes(match, declarations, attributes=attributes)


def _with_attributes(
    match: re.Match[str], declarations: list[tuple[str, str]], *, attributes: str | None = None
) -> str:
    if attributes is None:
        attributes = match.group(2) or ""
    for name, _value in declarations:
        # An inline style overrode the element's own attribute of the same name; keep its value.
        attributes = re.sub(rf'\s{re.escape(name)}="[^"]*"', "", attributes)
    added = "".join(f' {name}="{value}"' for name, value in declarations)
    return f"<{match.group(1)}{attributes}{added}{match.group(3)}>"


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = []
    for declaration in css.split(";"):
        if not declaration.strip():
            continue
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not colon or not value:
            raise ValueError(f"malformed CSS declaration: {declaration!r}")
        if name not in PRESENTATION_ATTRIBUTES:
            raise ValueError(f"{name!r} has no SVG presentation attribute")
        pairs.append((name, value))
    return pairs


_XML_DECL = re.compile(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)


def chart_figure(height: float = 2.8) -> Figure:
    """A matplotlib figure of the size the server-side charts share (6.4 in wide)."""
    # Imported here: matplotlib costs seconds at import, and every process loads the URLconf.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, height), dpi=100)
    figure.set_layout_engine("tight")
    return figure


def chart_inline_svg(figure: Figure, title: str) -> SafeString:
    """The figure as inline SVG for a page: text stays text (`svg.fonttype = none`), no XML
    declaration, colours as presentation attributes (`without_inline_styles`), and an
    accessible name (`role="img"`, `aria-label` = `title`)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = without_inline_styles(_XML_DECL.sub("", buffer.getvalue()))
    label = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return mark_safe(svg)  # noqa: S308 - generated by matplotlib from numbers and our own labels


MIN_DATE_SPAN_DAYS = 4.0  # a narrower axis would get hourly ticks, which a date cannot label


def date_axis(axes: Any, *, date_format: str, time_zone: str, max_ticks: int = 8) -> None:
    """Label the x axis of `axes` (matplotlib dates, plotted already) in `date_format`, a
    Django format string: the locale's SHORT_DATE_FORMAT ("d.m.Y" in Russian, "m/d/Y" in
    English), as on every page, with dates read in `time_zone`. Ticks fall on whole days.

    The caller passes the format and zone it resolved (`get_format("SHORT_DATE_FORMAT")`,
    `timezone.get_current_timezone_name()`), so a cached picture can key on them.
    """
    from zoneinfo import ZoneInfo

    from django.utils import dateformat
    from matplotlib import dates as mdates
    from matplotlib.ticker import FuncFormatter

    zone = ZoneInfo(time_zone)

    def label(value: float, _position: int | None = None) -> str:
        return str(dateformat.format(mdates.num2date(value).astimezone(zone), date_format))

    low, high = axes.get_xlim()
    if high - low < MIN_DATE_SPAN_DAYS:
        middle = (low + high) / 2
        axes.set_xlim(middle - MIN_DATE_SPAN_DAYS / 2, middle + MIN_DATE_SPAN_DAYS / 2)
    # interval_multiples=False: ticks every N days from the first one, evenly spaced, where
    # the default restarts at each month's first day (17, 21, 25, 29 Nov, 1 Dec).
    axes.xaxis.set_major_locator(
        mdates.AutoDateLocator(minticks=2, maxticks=max_ticks, tz=zone, interval_multiples=False)
    )
    axes.xaxis.set_major_formatter(FuncFormatter(label))


def number_axis(axis: Any) -> None:
    """Label `axis` (matplotlib's `axes.xaxis` or `axes.yaxis`) in the active locale's number
    format, as every page writes numbers: "1,5" in Russian, "1.5" in English (matplotlib
    writes "1.50" whatever the language)."""
    from django.utils.formats import number_format
    from matplotlib.ticker import FuncFormatter

    def label(value: float, _position: int | None = None) -> str:
        rounded = round(value, 2)
        return str(number_format(int(rounded) if rounded == int(rounded) else rounded))

    axis.set_major_formatter(FuncFormatter(label))
