"""What a patient and a doctor meet on a 390 px phone and in the messenger (issue 14, items 9
and 10), in Russian and English:

- the VAS reaches 0 and 100 by tapping the ends of the line and by keyboard, its targets are
  at least 44 px and nothing leaves the screen (stroke patients answer one-handed);
- the site header is one compact row with a menu button, not 30 % of the screen;
- conversation names are readable (they were white on white), the doctor's empty main panel
  says what to do, message actions do not overlap, and a chosen attachment is previewed and
  sent only on confirmation.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from lifeline.chat import services as chat
from lifeline.chat.models import Message
from lifeline.clinic.models.assessments import Assessment
from lifeline.clinic.models.patients import CareTeamMember
from lifeline.clinic.tests.factories import care_team, doctor_in
from lifeline.files.tests import samples
from tests.e2e.conftest import snap

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MIN_TARGET = 44
LANGUAGES = ["ru", "en"]


def _sign_in(page: Page, base: str, user: Any, language: str) -> None:
    """A session cookie (doctors would first have to enrol 2FA, another journey's subject)."""
    client = Client()
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base},
            {"name": "django_language", "value": language, "url": base},
        ]
    )


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return box


def _inside_viewport(box: dict[str, float], width: int) -> bool:
    return box["x"] >= 0 and box["x"] + box["width"] <= width


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, "the page scrolls sideways"


# --- contrast (WCAG 2.x relative luminance) ----------------------------------------------
EFFECTIVE_COLOURS = """(node) => {
  const style = getComputedStyle(node);
  let bg = "rgba(0, 0, 0, 0)";
  for (let el = node; el; el = el.parentElement) {
    const c = getComputedStyle(el).backgroundColor;
    if (c !== "rgba(0, 0, 0, 0)" && c !== "transparent") { bg = c; break; }
  }
  return [style.color, bg === "rgba(0, 0, 0, 0)" ? "rgb(255, 255, 255)" : bg];
}"""


def _luminance(css: str) -> float:
    r, g, b = (int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(locator: Any) -> float:
    # The list is re-rendered when live updates arrive: a node detached between finding and
    # reading it has no computed style (""), so read again.
    for _ in range(20):
        colour, background = locator.evaluate(EFFECTIVE_COLOURS)
        if colour:
            break
        locator.page.wait_for_timeout(100)
    assert colour != background, (colour, background)
    light, dark = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- VAS ---------------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_vas_reaches_0_and_100_by_tap_and_keyboard_at_390(
    page: Page, live_server: Any, language: str
) -> None:
    patient, _doctor = care_team()
    base = live_server.url
    _sign_in(page, base, patient.user, language)
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/clinic/")
    page.get_by_test_id("start-assessment").click()
    line = page.locator("[data-vas-line]")
    expect(line).to_be_visible()
    value = page.locator("[data-vas-input]")
    thumb = page.locator("[data-vas-thumb]")
    expect(page.locator("[data-vas-output]")).to_have_text("—")
    expect(thumb).to_be_hidden()  # a VAS starts unanswered
    _no_sideways_scroll(page)
    box = _box(line)
    assert _inside_viewport(box, PHONE["width"]), box
    assert box["height"] >= MIN_TARGET, box
    middle = box["y"] + box["height"] / 2

    # A tap at the very right end of the line is 100, its thumb is whole and on screen.
    page.mouse.click(box["x"] + box["width"] - 1, middle)
    expect(value).to_have_value("100")
    expect(line).to_have_attribute("aria-valuenow", "100")
    thumb_box = _box(thumb)
    assert min(thumb_box["width"], thumb_box["height"]) >= MIN_TARGET, thumb_box
    assert _inside_viewport(thumb_box, PHONE["width"]), thumb_box
    snap(page, f"vas-100-{language}-390")
    # ... and at the very left end 0 (both ends are where a thumb rests, not beyond).
    page.mouse.click(box["x"] + 1, middle)
    expect(value).to_have_value("0")
    assert _inside_viewport(_box(thumb), PHONE["width"])

    # Keyboard: End / Home, PageUp, arrows; the line keeps focus after a tap.
    expect(line).to_be_focused()
    page.keyboard.press("End")
    expect(value).to_have_value("100")
    page.keyboard.press("ArrowRight")
    expect(value).to_have_value("100")  # clamped
    page.keyboard.press("Home")
    expect(value).to_have_value("0")
    page.keyboard.press("PageUp")
    page.keyboard.press("ArrowRight")
    expect(value).to_have_value("11")

    # The ± buttons: 44 px targets, all on screen, +10 up to 100 and no further.
    steps = page.locator("[data-vas-step]")
    expect(steps).to_have_count(4)
    boxes = [_box(steps.nth(i)) for i in range(4)]
    for step_box in boxes:
        assert min(step_box["width"], step_box["height"]) >= MIN_TARGET, step_box
        assert _inside_viewport(step_box, PHONE["width"]), step_box
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    for _ in range(10):
        page.locator("[data-vas-step='10']").click()
    expect(page.locator("[data-vas-output]")).to_have_text("100")
    _no_sideways_scroll(page)

    page.get_by_test_id("next").click()
    expect(page.locator(".clinic-progress-text")).to_contain_text("2")
    assessment = Assessment.objects.get(patient=patient)
    assert list(assessment.answers["vas"].values()) == [100]


# --- header ------------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_header_is_one_compact_row_with_a_menu_at_390(
    page: Page, live_server: Any, language: str
) -> None:
    patient, _doctor = care_team()
    base = live_server.url
    _sign_in(page, base, patient.user, language)
    home = {"ru": "Главная", "en": "Home"}[language]
    menu = {"ru": "Меню", "en": "Menu"}[language]

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/clinic/")
    header = page.locator("header.site-header")
    assert _box(header)["height"] < 0.2 * PHONE["height"], _box(header)
    nav_home = page.locator(".site-nav").get_by_role("link", name=home)
    expect(nav_home).to_be_hidden()
    toggle = page.get_by_role("button", name=menu)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert _box(toggle)["height"] >= MIN_TARGET

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav_home).to_be_visible()
    sign_out = {"ru": "Выйти", "en": "Sign out"}[language]
    expect(page.get_by_role("button", name=sign_out)).to_be_visible()
    _no_sideways_scroll(page)
    snap(page, f"header-menu-open-{language}-390")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(nav_home).to_be_hidden()

    # On a desktop the navigation is shown and there is no menu button.
    page.set_viewport_size(DESKTOP)
    expect(nav_home).to_be_visible()
    expect(toggle).to_be_hidden()
    assert _box(header)["height"] <= 80


# --- messenger ---------------------------------------------------------------------------
def _conversations(patient: Any, doctor: Any, live_server: Any) -> Any:
    """Two conversations (so the patient sees the list); in the first, one message each way."""
    other = doctor_in(patient.organization)
    CareTeamMember.objects.create(patient=patient, doctor=other, assigned_by=other)
    conversation, _ = live_server.call(
        lambda: chat.conversation_open(
            actor=doctor, kind="clinic.care", subject_id=patient.pk, topic="medication"
        )
    )
    live_server.call(
        lambda: chat.conversation_open(
            actor=other, kind="clinic.care", subject_id=patient.pk, topic="appointment"
        )
    )
    live_server.call(
        lambda: chat.message_send(actor=doctor, conversation=conversation, text="How is the pain?")
    )
    live_server.call(
        lambda: chat.message_send(
            actor=patient.user, conversation=conversation, text="Worse at night"
        )
    )
    return conversation


@pytest.mark.parametrize("language", LANGUAGES)
def test_patient_messenger_at_390_names_actions_and_attachment_preview(
    page: Page, live_server: Any, language: str
) -> None:
    patient, doctor = care_team()
    conversation = _conversations(patient, doctor, live_server)
    base = live_server.url
    _sign_in(page, base, patient.user, language)
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/chat/")
    expect(page.locator("[data-chat]")).to_have_attribute("data-live", "true")

    # Conversation names: dark on white (they were white on white).
    names = page.locator("[data-conversation-list] .chat__item-name")
    expect(names).to_have_count(2)
    for i in range(2):
        assert _contrast(names.nth(i)) >= 4.5
    expect(page.locator("[data-placeholder]")).to_be_hidden()  # on a phone the list is the page
    snap(page, f"chat-list-patient-{language}-390")
    page.locator("[data-conversation-list] button", has_text=doctor.full_name).click()
    mine = page.locator("[data-messages] li.chat__message--mine", has_text="Worse at night")
    expect(mine).to_be_visible()
    _no_sideways_scroll(page)

    # Reply / Edit / Delete under the patient's own message: apart, on screen, 44 px tall.
    actions = mine.locator(".chat__actions button")
    expect(actions).to_have_count(3)
    boxes = [_box(actions.nth(i)) for i in range(3)]
    for action_box in boxes:
        assert _inside_viewport(action_box, PHONE["width"]), action_box
        assert action_box["height"] >= MIN_TARGET, action_box
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]), boxes
    # The composer's tools do not overlap either.
    tools = page.locator(".chat__tools > *")
    tool_boxes = [_box(tools.nth(i)) for i in range(tools.count())]
    assert not any(_overlap(a, b) for i, a in enumerate(tool_boxes) for b in tool_boxes[i + 1 :])

    # A chosen photo is previewed (thumbnail, name, size) and not sent ...
    preview = page.locator("[data-preview]")
    expect(preview).to_be_hidden()
    photo = {"name": "rash.png", "mimeType": "image/png", "buffer": samples.png(size=(40, 30))}
    page.locator("[data-attach]").set_input_files(photo)
    expect(preview).to_be_visible()
    expect(preview.locator("img")).to_have_attribute("src", re.compile(r"^blob:"))
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-preview] img');"
        " return i && i.complete && i.naturalWidth === 40; }"
    )
    expect(preview.locator("[data-preview-name]")).to_have_text("rash.png")
    expect(preview.locator("[data-preview-size]")).to_have_text(re.compile(r"\d"))
    expect(preview.locator("[data-preview-send]")).to_be_focused()
    snap(page, f"chat-preview-patient-{language}-390")
    assert Message.objects.filter(conversation=conversation).count() == 2
    # ... Cancel drops it, nothing is sent ...
    preview.locator("[data-preview-cancel]").click()
    expect(preview).to_be_hidden()
    expect(page.locator("[data-messages] img.chat__image")).to_have_count(0)
    assert Message.objects.filter(conversation=conversation).count() == 2
    # ... and Send sends it, with the typed caption.
    page.locator("[data-text]").fill("The rash")
    page.locator("[data-attach]").set_input_files(photo)
    preview.locator("[data-preview-send]").click()
    expect(page.locator("[data-messages] img.chat__image")).to_be_visible()
    expect(preview).to_be_hidden()
    expect(page.locator("[data-text]")).to_have_value("")
    sent = Message.objects.filter(conversation=conversation).order_by("-created_at").first()
    assert sent is not None
    assert (sent.text, Message.objects.filter(conversation=conversation).count()) == (
        "The rash",
        3,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_doctor_messenger_empty_state_and_readable_names(
    page: Page, live_server: Any, language: str
) -> None:
    patient, doctor = care_team()
    _conversations(patient, doctor, live_server)
    base = live_server.url
    _sign_in(page, base, doctor, language)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/chat/")
    expect(page.locator("[data-chat]")).to_have_attribute("data-live", "true")

    placeholder = page.locator("[data-placeholder]")
    expect(placeholder).to_be_visible()
    expect(placeholder.get_by_role("heading")).to_have_text(
        {"ru": "Диалог не выбран", "en": "No conversation selected"}[language]
    )
    expect(placeholder).to_contain_text(
        {"ru": "Выберите диалог в списке", "en": "Choose a conversation in the list"}[language]
    )
    name = page.locator("[data-conversation-list] .chat__item-name")
    expect(name).to_have_text(patient.user.full_name)
    # The patient wrote last: the wait is a duration in the page's language, never "0 min".
    meta = page.locator("[data-conversation-list] .chat__item-meta").first
    expect(meta).to_contain_text({"ru": "1 мин", "en": "1 min"}[language])
    expect(meta).not_to_contain_text("0 min")
    assert _contrast(name) >= 4.5
    name.hover()  # the hover state too (it was white on the dark primary colour)
    assert _contrast(name) >= 4.5
    snap(page, f"chat-empty-doctor-{language}-1280")

    name.click()
    expect(page.locator("[data-title]")).to_contain_text(patient.user.full_name)
    expect(placeholder).to_be_hidden()
    expect(page.locator("[data-messages] li")).to_have_count(2)
    expect(page.locator("[data-panel]")).to_be_visible()
    assert _contrast(name) >= 4.5  # the selected item
    snap(page, f"chat-open-doctor-{language}-1280")

    page.set_viewport_size(PHONE)
    page.get_by_role("button", name={"ru": "Назад", "en": "Back"}[language]).click()
    expect(name).to_be_visible()
    assert _contrast(name) >= 4.5
    expect(placeholder).to_be_hidden()
    _no_sideways_scroll(page)
    snap(page, f"chat-list-doctor-{language}-390")
