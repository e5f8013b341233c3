"""A doctor runs NRS + DN4 in clinic (including the examination items 8–10), reviews the
suggestions, builds a consultative conclusion from them and issues the PDF, which the
patient can download."""

from __future__ import annotations

import io
import re
import time

import pypdf
import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.accounts.tests.factories import DEFAULT_PASSWORD
from lifeline.clinic.enums import ConclusionStatus
from lifeline.clinic.models.assessments import Assessment, Score
from lifeline.clinic.models.conclusions import Conclusion
from lifeline.clinic.tests.factories import care_team
from tests.e2e.conftest import snap

pytestmark = pytest.mark.django_db(transaction=True)

IDENTIFIER = "input[autocomplete='username'], input[name='username'], input[name='identifier']"


def _sign_in(page: Page, base: str, user) -> None:
    """Password, then the code from the doctor's authenticator (2FA is required for doctors)."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{base}/login/")
    page.locator(IDENTIFIER).first.fill(user.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("form[method='post'] button[type='submit']").first.click()
    expect(page.locator("main")).to_contain_text("Enter the code from your authenticator app.")
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = time.time()
    page.locator("input[name='otp']").fill(f"{totp.token():0{device.digits}d}")
    page.locator("form[method='post'] button[type='submit']").first.click()
    expect(page).to_have_url(f"{base}/")


def _answer_screen(page: Page) -> None:
    yes = page.locator(".clinic-option", has_text="Yes")
    if yes.count():
        yes.first.click()
        return
    number = page.locator("input#answer-number")
    if number.count() and number.is_visible():
        number.fill("7")
        return
    line = page.locator("[data-vas-line]")
    if line.count() and line.is_visible():
        box = line.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
        return
    options = page.locator(".clinic-option")
    options.nth(min(7, options.count() - 1)).click()


def test_doctor_issues_a_pdf_conclusion(page: Page, live_server):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC, name="Pain Clinic")
    patient, doctor = care_team(organization=clinic)
    base = live_server.url

    _sign_in(page, base, doctor)
    page.goto(f"{base}/clinic/patients/{patient.pk}/")
    # Clinician mode: NRS and the full DN4 (interview + examination items).
    for box in page.locator("input[name='instruments']").all():
        if box.get_attribute("value") in ("nrs", "dn4"):
            box.check()
        else:
            box.uncheck()
    page.get_by_test_id("start-clinician").click()

    while "/q/" in page.url:
        _answer_screen(page)
        page.get_by_test_id("next").click()
    expect(page).to_have_url(re.compile(r"/review/$"))
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/results/$"))

    assessment = Assessment.objects.get(patient=patient)
    assert assessment.mode == "clinician"
    dn4 = Score.objects.get(assessment=assessment, instrument="dn4")
    assert dn4.value == 10.0  # all ten items, the examination ones included
    assert dn4.provisional is False

    # Review the suggestions, then build the conclusion from them.
    page.get_by_role("link", name="Review suggestions").click()
    expect(page.locator("h1")).to_contain_text("Decision support")
    expect(page.locator(".clinic-suggestion").first).to_be_visible()
    snap(page, "doctor-decision-support")

    page.goto(f"{base}/clinic/patients/{patient.pk}/conclusions/new/")
    expect(page.locator("h1")).to_contain_text("Conclusion builder")
    picks = page.locator("input[name='pick']")
    assert picks.count() >= 1
    expect(page.locator("input[name='pick']:checked")).to_have_count(0)  # never preselected
    option = page.locator("input[name='pick'][value='T-1a|amitriptyline|amitriptyline']")
    if not option.count():
        option = picks.first
    key = option.get_attribute("value")
    option.check()
    row = page.locator(f"[data-option='{key}']")
    row.locator("textarea").fill("5 мг на ночь, +5 мг в неделю")
    page.locator("#free_text").fill("Контроль через 4 недели")
    snap(page, "doctor-conclusion-builder")
    page.get_by_role("button", name="Save draft").click()

    expect(page.locator("h1")).to_contain_text("Consultative conclusion")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "draft")
    page.get_by_role("button", name="Issue PDF").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "issued")
    link = page.locator("[data-versions] a").first
    expect(link).to_contain_text("Version 1")
    snap(page, "doctor-conclusion-issued")

    conclusion = Conclusion.objects.get(patient=patient)
    assert conclusion.status == ConclusionStatus.ISSUED
    response = page.request.get(f"{base}{link.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert "5 мг на ночь, +5 мг в неделю" in text
    assert "Контроль через 4 недели" in text
    assert "Decision support for the physician" in text
