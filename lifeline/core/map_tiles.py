"""Where the maps' background tiles come from, as a Content-Security-Policy source.

Read by `config/settings.py` (no Django imports here): the tile server of
`LIFELINE_MAP_TILES_URL` must be allowed in `img-src` (Leaflet draws tiles as `<img>`), or the
browser blocks every tile and the map has no background.
"""

from __future__ import annotations

from urllib.parse import urlsplit

OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def csp_source(url_template: str) -> str | None:
    """Return the CSP host source that allows tiles from `url_template`.

    `https://{s}.tile.example.org/{z}/{x}/{y}.png` gives `https://*.tile.example.org` (CSP
    allows a wildcard only as the whole leftmost label). An empty template (no tiles) or a
    path on the site itself (`/tiles/{z}/{x}/{y}.png`, covered by 'self') gives None.
    Raises ValueError on a template CSP cannot express.
    """
    if not url_template or (url_template.startswith("/") and not url_template.startswith("//")):
        return None
    parts = urlsplit(url_template)
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        raise ValueError(f"map tiles URL must be http(s)://host/… or /path/…: {url_template!r}")
    host, _colon, port = parts.netloc.partition(":")
    labels = host.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    if any("{" in label for label in labels) or "{" in port:
        raise ValueError(
            f"map tiles host can vary only in its leftmost label ({{s}}.example.org): "
            f"{url_template!r}"
        )
    return f"{parts.scheme}://{'.'.join(labels)}{':' + port if port else ''}"
