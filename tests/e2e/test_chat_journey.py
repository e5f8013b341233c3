"""A doctor and a patient, in two browsers, exchange text, a photo and a voice message.

Each sees the other's messages and the read receipts arrive without reloading (WebSockets
through the ASGI live server). The patient's browser has a fake microphone, so the voice
message is recorded by MediaRecorder exactly as on a phone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, BrowserType, Page, expect

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory, user_with_role
from lifeline.accounts.tests.factories import DEFAULT_PASSWORD
from lifeline.clinic.tests.factories import CareTeamMemberFactory, PatientFactory
from lifeline.files.tests import samples
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, snap

pytestmark = pytest.mark.django_db(transaction=True)

IDENTIFIER = "input[autocomplete='username'], input[name='username'], input[name='identifier']"
FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture
def media_browser(browser_type: BrowserType) -> Iterator[Browser]:
    """Chromium with a fake microphone (a generated tone) and no permission prompt."""
    browser = browser_type.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *FAKE_MEDIA])
    yield browser
    browser.close()


def _sign_in(context: BrowserContext, base: str, user: Any) -> Page:
    """The patient signs in on /login/. Doctors must enrol 2FA at their first web sign-in,
    which is another journey's subject, so the doctor gets a session cookie directly."""
    page = context.new_page()
    if user.email.startswith("patient"):
        page.goto(f"{base}/login/")
        page.locator(IDENTIFIER).first.fill(user.email)
        page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
        page.locator("form[method='post'] button[type='submit']").first.click()
        expect(page).not_to_have_url(re.compile(r"/login/"))
    else:
        client = Client()
        client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
        cookie = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    page.goto(f"{base}/chat/")
    expect(page.locator("[data-chat]")).to_have_attribute("data-live", "true")
    return page


def _message(page: Page, text: str) -> Any:
    return page.locator("[data-messages] li", has_text=text)


def test_doctor_and_patient_exchange_text_image_and_voice(
    asgi_live_server: Any, media_browser: Browser
) -> None:
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient = PatientFactory(
        organization=clinic, user__full_name="Anna Petrova", user__email="patient@example.test"
    )
    MembershipFactory(user=patient.user, organization=clinic, role=Role.PATIENT)
    doctor = user_with_role(
        Role.DOCTOR, clinic, full_name="Ivan Sokolov", email="doctor@example.test"
    )
    CareTeamMemberFactory(patient=patient, doctor=doctor)
    base = asgi_live_server.url

    doctor_ctx = media_browser.new_context(locale="en-US", timezone_id="UTC")
    patient_ctx = media_browser.new_context(
        locale="en-US", timezone_id="UTC", viewport={"width": 390, "height": 844}
    )
    patient_ctx.grant_permissions(["microphone"], origin=base)
    doc = _sign_in(doctor_ctx, base, doctor)
    pat = _sign_in(patient_ctx, base, patient.user)

    # The doctor opens a conversation about medication; it appears for the patient live.
    doc.get_by_text("New conversation", exact=True).click()
    doc.get_by_label("Question about medication").check()
    doc.get_by_role("button", name="Start conversation").click()
    expect(doc.locator("[data-title]")).to_contain_text("Anna Petrova")
    pat_item = pat.locator("[data-conversation-list] button", has_text="Ivan Sokolov")
    expect(pat_item).to_be_visible()
    pat_item.click()
    expect(pat.locator("[data-title]")).to_contain_text("Question about medication")

    # Text, both ways, with read receipts.
    doc.get_by_role("textbox", name="Message").fill(
        "How is the pain today? See https://example.org/x"
    )
    doc.get_by_role("button", name="Send", exact=True).click()
    expect(_message(pat, "How is the pain today?")).to_be_visible()
    link = _message(pat, "How is the pain today?").get_by_role("link", name="https://example.org/x")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(_message(doc, "How is the pain today?").locator("[data-receipt]")).to_have_attribute(
        "data-receipt", "read"
    )

    pat.get_by_role("textbox", name="Message").fill("Worse at night")
    pat.get_by_role("button", name="Send", exact=True).click()
    expect(_message(doc, "Worse at night")).to_be_visible()
    expect(_message(pat, "Worse at night").locator("[data-receipt]")).to_have_attribute(
        "data-receipt", "read"
    )

    # A photo from the patient, previewed and confirmed: the doctor sees the image inline.
    pat.locator("[data-attach]").set_input_files(
        {"name": "rash.png", "mimeType": "image/png", "buffer": samples.png(size=(40, 30))}
    )
    expect(pat.locator("[data-preview] img")).to_be_visible()
    snap(pat, "patient-photo-preview")
    pat.get_by_role("button", name="Send attachment").click()
    image = doc.locator("[data-messages] img.chat__image")
    expect(image).to_be_visible()
    doc.wait_for_function(
        "() => { const i = document.querySelector('[data-messages] img.chat__image');"
        " return i && i.complete && i.naturalWidth === 40; }"
    )
    expect(
        pat.locator("[data-messages] li.chat__message--mine").last.locator("[data-receipt]")
    ).to_have_attribute("data-receipt", "read")

    # A voice message recorded with MediaRecorder (fake microphone), listened to in the
    # preview, sent, and played back inline.
    pat.get_by_role("button", name="Record a voice message").click()
    expect(pat.get_by_role("button", name="Stop recording")).to_be_visible()
    pat.wait_for_timeout(1500)
    pat.get_by_role("button", name="Stop recording").click()
    expect(pat.locator("[data-preview] audio")).to_have_attribute("src", re.compile(r"^blob:"))
    expect(pat.locator("[data-messages] audio")).to_have_count(0)
    snap(pat, "patient-voice-preview")
    pat.get_by_role("button", name="Send voice message").click()
    audio = doc.locator("[data-messages] audio")
    expect(audio).to_have_count(1)
    expect(audio).to_have_attribute("src", re.compile(r"/download/\?inline=1$"))
    doc.wait_for_function(
        "() => { const a = document.querySelector('[data-messages] audio');"
        " return a && a.readyState >= 1; }"
    )
    expect(pat.locator("[data-messages] audio")).to_have_count(1)
    expect(
        pat.locator("[data-messages] li.chat__message--mine").last.locator("[data-receipt]")
    ).to_have_attribute("data-receipt", "read")

    # The doctor replies; the patient reads it without reloading.
    doc.get_by_role("textbox", name="Message").fill("Thank you, I will adjust the dose.")
    doc.keyboard.press("Enter")
    expect(_message(pat, "I will adjust the dose")).to_be_visible()
    snap(doc, "doctor-conversation")
    snap(pat, "patient-conversation-390")
    doctor_ctx.close()
    patient_ctx.close()
