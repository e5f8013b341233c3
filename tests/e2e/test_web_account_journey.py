"""Register → verify the e-mail → sign in → enrol 2FA → sign out → sign in with a code."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from lifeline.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Journey-Secret-2024!"
EMAIL = "katherine@example.test"


def _code_in_last_mail() -> str:
    deadline = time.monotonic() + 10
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    match = re.search(r"^(\d{6})$", mail.outbox[-1].body, re.MULTILINE)
    assert match is not None
    return match.group(1)


def _totp(secret: str, *, step_offset: int = 0) -> str:
    totp = TOTP(base64.b32decode(secret), step=30, digits=6)
    totp.time = time.time() + 30 * step_offset
    return f"{totp.token():06d}"


def _submit(page: Page) -> None:
    page.locator("main form[method='post'] button[type='submit']").first.click()


def test_register_verify_sign_in_enrol_2fa_and_sign_in_with_a_code(page: Page, live_server):
    base = live_server.url
    mail.outbox.clear()

    # Register.
    page.goto(f"{base}/login/", timeout=90_000)  # the first request of a run can be slow
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("Full name").fill("Katherine Johnson")
    page.get_by_label("E-mail").fill(EMAIL)
    page.locator("input[name='password']").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    _submit(page)

    # Verify the address with the code from the e-mail.
    expect(page).to_have_url(f"{base}/verify/")
    page.locator("main form[action='/verify/'] input[name='code']").fill(_code_in_last_mail())
    page.locator("main form[action='/verify/'] button[type='submit']").click()
    expect(page).to_have_url(f"{base}/login/")
    expect(page.locator(".messages")).to_contain_text("Your e-mail address is confirmed")

    # Sign in with the password.
    page.get_by_label("E-mail or phone number").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    _submit(page)
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Katherine Johnson")

    # Enrol 2FA: the QR code and the key are shown; the app's code turns it on.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Security").click()
    page.get_by_role("button", name="Set up two-factor authentication").click()
    expect(page.locator("img.qr")).to_be_visible()
    secret = page.locator("[data-totp-secret]").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(_totp(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    assert page.locator("[data-backup-codes] li").count() == 10
    user = User.objects.get(email=EMAIL)
    assert user.totpdevice_set.filter(confirmed=True).count() == 1

    # Sign out, then sign in again: the password, then a fresh code (the next time step).
    page.locator("form[action$='/logout/'] button").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    page.get_by_label("E-mail or phone number").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    _submit(page)
    expect(page.locator("main")).to_contain_text("Enter the code from your authenticator app.")
    page.locator("input[name='otp']").fill(_totp(secret, step_offset=1))
    _submit(page)

    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Katherine Johnson")
