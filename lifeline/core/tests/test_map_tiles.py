from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lifeline.core import map_tiles

PRINT_IMG_SRC = (
    "from config import settings_test as s\n"
    "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
)


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png", "https://*.tiles.example.org"),
        ("http://tiles.hospital.local:8080/{z}/{x}/{y}.png", "http://tiles.hospital.local:8080"),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("", None),
    ],
)
def test_tile_server_as_a_csp_source(template: str, source: str | None) -> None:
    assert map_tiles.csp_source(template) == source


@pytest.mark.parametrize(
    "template",
    [
        "tiles.example.org/{z}/{x}/{y}.png",
        "https://a.{s}.example.org/{z}.png",
        "https://user@tiles.example.org/{z}.png",
        "ftp://x/{z}",
    ],
)
def test_tile_url_csp_cannot_express_is_refused(template: str) -> None:
    with pytest.raises(ValueError, match="map tiles"):
        map_tiles.csp_source(template)


def _settings_with(**variables: str) -> subprocess.CompletedProcess[str]:
    # Settings read the environment once, at import: a fresh interpreter sees the variable.
    env = {**os.environ, **variables}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRINT_IMG_SRC],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("url", "img_src"),
    [
        (
            "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
            "'self' data: blob: https://*.tiles.example.org",
        ),
        ("", "'self' data: blob:"),
    ],
)
def test_the_configured_tile_server_joins_img_src(url: str, img_src: str) -> None:
    result = _settings_with(LIFELINE_MAP_TILES_URL=url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == repr(img_src.split(" "))


def test_a_tile_url_csp_cannot_express_stops_the_settings() -> None:
    result = _settings_with(LIFELINE_MAP_TILES_URL="https://a.{s}.example.org/{z}/{x}/{y}.png")

    assert result.returncode != 0
    assert "ImproperlyConfigured: LIFELINE_MAP_TILES_URL: map tiles host" in result.stderr
