"""A notification sent to a user appears in their open inbox, and the badge counts it, live."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from lifeline.notifications.services import notify

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_notification_appears_in_the_open_inbox_without_a_reload(page: Page, asgi_live_server):
    base = asgi_live_server.url
    user = UserFactory(email="mary@example.test", full_name="Mary Jackson")

    page.goto(f"{base}/login/")
    page.get_by_label("E-mail or phone number").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main form[method='post'] button[type='submit']").first.click()
    page.wait_for_url(f"{base}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(page.get_by_text("Nothing here.")).to_be_visible()
    badge = page.locator("[data-unread-badge]")
    expect(badge).to_be_hidden()
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    page.evaluate("() => { window.__sameDocument = true; }")

    asgi_live_server.call(notify, user, "system.test", {})

    expect(page.locator("[data-notification-id]")).to_have_count(1)
    expect(page.locator("[data-notification-id]")).to_contain_text("Test notification")
    expect(badge).to_be_visible()
    expect(page.locator("[data-unread-count]")).to_have_text("1")
    assert page.evaluate("() => window.__sameDocument") is True  # no reload happened

    # Marking it read (a normal form post) clears the badge.
    page.get_by_role("button", name="Mark read: Test notification").click()
    expect(page.locator("[data-unread-badge]")).to_be_hidden()
