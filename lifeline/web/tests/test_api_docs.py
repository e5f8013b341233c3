"""/api/docs/ under the site's Content-Security-Policy: Swagger UI from the installed package's
static files (no CDN), its init script as a same-origin file, no inline script or style."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

SIDECAR = "/static/drf_spectacular_sidecar/swagger-ui-dist/"


def test_docs_page_loads_only_same_origin_files_that_exist() -> None:
    response = Client().get("/api/docs/")

    page = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.DOTALL)
    sources = [re.search(r'src="([^"]*)"', attributes)[1] for attributes, _body in scripts]  # type: ignore[index]
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]*)">', page)
    icon = re.findall(r'<link rel="icon" href="([^"]*)">', page)
    assert response.status_code == 200
    assert sources == [
        f"{SIDECAR}swagger-ui-bundle.js",
        f"{SIDECAR}swagger-ui-standalone-preset.js",
        "/api/docs/?script=",
    ]
    assert [body.strip() for _attributes, body in scripts] == ["", "", ""]  # nothing inline
    assert stylesheets == [f"{SIDECAR}swagger-ui.css", "/static/web/swagger_ui.css"]
    assert icon == [f"{SIDECAR}favicon-32x32.png"]
    assert "<style" not in page
    assert " style=" not in page
    for url in [*sources[:2], *stylesheets, *icon]:
        assert finders.find(url.removeprefix("/static/")), url
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "cdn" not in policy


def test_docs_init_script_is_served_as_javascript_pointing_at_the_schema() -> None:
    response = Client().get("/api/docs/?script=")

    script = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert 'url: "/api/schema/"' in script
    assert 'dom_id: "#swagger-ui"' in script
