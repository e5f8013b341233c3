"""The ASGI live server fixture serves pages, static files and authenticated WebSockets."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from lifeline.notifications.services import notify

pytestmark = pytest.mark.django_db(transaction=True)


def test_page_static_file_and_websocket_event(page: Page, asgi_live_server):
    user = UserFactory(email="grace@example.test", full_name="Grace Hopper")

    response = page.request.get(f"{asgi_live_server.url}/static/leaflet/leaflet.js")
    assert response.status == 200
    assert "leaflet" in response.text()[:2000].lower()

    page.goto(f"{asgi_live_server.url}/login/")
    page.locator("input[name='identifier'], input[name='username']").first.fill(user.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("form[method='post'] button[type='submit']").first.click()
    page.wait_for_url(f"{asgi_live_server.url}/")

    # A browser WebSocket with the session cookie and this page's Origin.
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            window.__events = [];
            const ws = new WebSocket(`ws://${location.host}/ws/notifications/`);
            ws.onmessage = (e) => window.__events.push(e.data);
            ws.onopen = () => resolve();
            ws.onerror = () => reject(new Error("websocket failed"));
        })"""
    )
    asgi_live_server.call(notify, user, "system.test", {})

    page.wait_for_function("() => window.__events.some(e => e.includes('notification_created'))")
    events = [json.loads(e) for e in page.evaluate("() => window.__events")]
    created = [e for e in events if e["type"] == "notifications.notification_created"]
    assert created[0]["data"]["topic"] == "system.test"
