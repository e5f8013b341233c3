"""A person signs in on /login/, lands on the home page, and signs out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lifeline.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

IDENTIFIER = "input[autocomplete='username'], input[name='username'], input[name='identifier']"


def test_sign_in_see_home_and_sign_out(page: Page, live_server):
    user = UserFactory(email="ada@example.test", full_name="Ada Lovelace")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.locator(IDENTIFIER).first.fill(user.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("form[method='post'] button[type='submit']").first.click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text("Ada Lovelace")

    page.locator("form[action$='/logout/'] button").click()

    expect(page).to_have_url(re.compile(r"/login/"))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
