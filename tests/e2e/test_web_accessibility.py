"""Keyboard use and target sizes of the web shell (WCAG 2.2: 2.4.1, 2.4.7, 2.5.8, 1.4.4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MIN_TARGET = 44


def _sign_in(page: Page, base: str) -> None:
    user = UserFactory(email="ida@example.test", full_name="Ida Noddack")
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail or phone number").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Page, live_server):
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/account/profile/")  # a page without autofocus

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.parametrize("path", ["/", "/notifications/", "/account/security/"])
def test_controls_are_at_least_44px_and_have_a_visible_focus(page: Page, live_server, path):
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}{path}")

    controls = page.locator(
        "header a, header button, header select, header input[type=submit], main button"
    )
    assert controls.count() > 3
    for i in range(controls.count()):
        control = controls.nth(i)
        if not control.is_visible():
            continue
        box = control.bounding_box()
        assert box is not None
        label = control.inner_text() or control.get_attribute("value") or ""
        assert box["height"] >= MIN_TARGET, (path, label, box)
    button = page.locator("header button:visible").first  # the menu button is for phones
    button.focus()
    outline = button.evaluate("(el) => getComputedStyle(el).outlineStyle")
    assert outline == "solid"


def test_text_at_200_percent_keeps_the_page_usable(page: Page, live_server):
    page.set_viewport_size({"width": 640, "height": 800})
    _sign_in(page, live_server.url)
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")

    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

    assert overflow <= 1  # reflows: no horizontal scrolling
    expect(page.get_by_role("heading", level=1)).to_be_visible()
