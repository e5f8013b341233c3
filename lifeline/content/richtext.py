"""Members' rich text, sanitised on the server with nh3 (an allow-list HTML cleaner).

Only formatting tags survive; no script or style element, no event-handler or style
attribute, and links keep only http(s) and mailto URLs (no `javascript:` or `data:`), with
`rel="nofollow noopener noreferrer ugc"`. Images are not allowed in text: pictures go
through the files service.
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "blockquote", "code", "pre",
        "ul", "ol", "li", "a", "h2", "h3", "h4", "hr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize(html: str) -> str:
    """The safe subset of `html` (plain text comes back escaped)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    ).strip()


def plain_text(html: str) -> str:
    """The text of sanitised HTML, for checking it is not empty and for excerpts."""
    return nh3.clean(html, tags=set()).strip()


def has_links(html: str) -> bool:
    """Whether sanitised HTML contains a link (what new members may not post)."""
    return "<a " in html or "<a>" in html
