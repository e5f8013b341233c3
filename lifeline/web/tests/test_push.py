"""Browser push from the web UI: the site-wide service worker and the settings section."""

from __future__ import annotations

import pytest
from django.test import Client

from lifeline.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/notifications/preferences/"


def test_service_worker_is_served_site_wide_without_caching(client: Client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert 'self.addEventListener("push"' in body
    assert "showNotification(" in body
    assert 'self.addEventListener("notificationclick"' in body
    assert "clients.openWindow(" in body
    assert 'var DEFAULT_URL = "/notifications/";' in body


def test_service_worker_is_reachable_for_a_signed_in_user(client: Client):
    client.force_login(UserFactory())

    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"


def test_service_worker_only_answers_get(client: Client):
    assert client.post("/sw.js").status_code == 405


@pytest.mark.parametrize(
    ("language", "button", "heading"),
    [
        ("en", "Turn on notifications in this browser", "Notifications in this browser"),
        ("ru", "Включить уведомления в этом браузере", "Уведомления в этом браузере"),
    ],
)
def test_preferences_page_has_the_push_section(
    client: Client, language: str, button: str, heading: str
):
    client.force_login(UserFactory())
    client.cookies["django_language"] = language

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h2 id="push-heading">{heading}</h2>' in html
    assert f'<button type="button" data-push-on>{button}</button>' in html
    assert "data-push-off hidden>" in html
    assert 'data-sw-url="/sw.js"' in html
    assert 'data-vapid-key=""' in html  # push is off in the test settings
    assert 'data-devices-url="/api/v1/notifications/devices/"' in html
    assert 'data-csrf="' in html
    nonce = response.wsgi_request.csp_nonce  # type: ignore[attr-defined]
    assert f'<script src="/static/web/push.js" nonce="{nonce}" defer></script>' in html


def test_preferences_page_carries_the_vapid_key_so_the_script_never_asks_the_api(
    client: Client, settings
):
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "WEBPUSH": {
            **settings.NOTIFICATIONS["WEBPUSH"],
            "ENABLED": True,
            "VAPID_PRIVATE_KEY": "private-key",
            "VAPID_PUBLIC_KEY": "BPublicKey_1",
        },
    }
    client.force_login(UserFactory())

    html = client.get(PAGE).content.decode()

    assert 'data-vapid-key="BPublicKey_1"' in html
    assert "vapid-public-key" not in html


def test_preferences_page_sends_anonymous_visitors_to_sign_in(client: Client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={PAGE}"
