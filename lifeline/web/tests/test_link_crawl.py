"""The link crawl: each demo role, in Russian and in English, starts from its home page and
follows every same-origin link breadth-first (issue 14, "Checks that keep it so").

It fails when a page answers 5xx (or a link leads to a 4xx), when a page the role may open
is reached by no link, and when a Russian page shows an English catalogue string or a raw
code (an enum value, an engine band or label code, a body-region code) instead of its label.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import models
from django.test import Client, TestCase
from django.urls import Resolver404, resolve
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifeline.access.enums import Role
from lifeline.access.models import Organization
from lifeline.accounts.models import User

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
MAX_PAGES = 150
# Never followed: leaving the session, switching language, the API (not pages).
SKIP_PREFIXES = ("/logout/", "/i18n/", "/api/", "/static/", "/media/", "/ws/", "/metrics")
# The admin: its index, each app's index and each model's list (not every object's form).
ADMIN_PAGES = re.compile(r"^/admin/([a-z_]+/([a-z_]+/)?)?$")

# What each role must reach by links from its home page (view names). Pages that need a
# specific object (a patient, a conclusion, an SOS event) exist in the seeded history.
ACCOUNT_PAGES = {"web:home", "web:inbox", "web:preferences", "web:profile", "web:security"}
MUST_REACH: dict[str, set[str]] = {
    Role.PATIENT: ACCOUNT_PAGES
    | {
        "clinic-web:home",
        "clinic-web:my-record",
        "clinic-web:assessment-results",
        "clinic-web:conclusion-list",
        "clinic-web:conclusion-detail",
        "clinic-web:conclusion-pdf",
        "clinic-web:patient-dynamics",
        "clinic-web:article-list",
        "clinic-web:article-detail",
        "chat-web:home",
    },
    Role.DOCTOR: ACCOUNT_PAGES
    | {
        "clinic-web:home",
        "clinic-web:patient-card",
        "clinic-web:assessment-results",
        "clinic-web:evaluation-review",
        "clinic-web:dashboard",
        "clinic-web:cohort",
        "clinic-web:cohort-export",
        "clinic-web:patient-dynamics",
        "clinic-web:conclusion-list",
        "clinic-web:conclusion-detail",
        "clinic-web:conclusion-pdf",
        "clinic-web:conclusion-new",
        "clinic-web:catalogue",
        "clinic-web:protocol-list",
        "clinic-web:article-list",
        "clinic-web:article-detail",
        "chat-web:home",
    },
    Role.CLINIC_ADMIN: ACCOUNT_PAGES
    | {
        "clinic-web:home",
        "clinic-web:patient-card",
        "clinic-web:patient-dynamics",
        "clinic-web:conclusion-list",
        "clinic-web:conclusion-detail",
        "clinic-web:conclusion-pdf",
        "clinic-web:dashboard",
        "clinic-web:cohort",
        "clinic-web:catalogue",
        "clinic-web:protocol-list",
        "clinic-web:article-list",
        "clinic-web:article-new",
        "chat-web:home",
    },
    Role.DEVICE_OWNER: ACCOUNT_PAGES | {"sos-web:home", "sos-web:event"},
    Role.HELPER: ACCOUNT_PAGES | {"sos-web:home", "sos-web:helper"},
    Role.SOS_ADMIN: ACCOUNT_PAGES
    | {"sos-web:home", "sos-web:map", "sos-web:statistics", "sos-web:event"},
    Role.SELLER: ACCOUNT_PAGES
    | {
        "freelance-web:home",
        "freelance-web:my-gigs",
        "freelance-web:gig-new",
        "freelance-web:gig-edit",
        "freelance-web:gig",
        "freelance-web:order",
        "freelance-web:balance",
        "freelance-web:offers",
    },
    Role.BUYER: ACCOUNT_PAGES
    | {"freelance-web:home", "freelance-web:gig", "freelance-web:order", "freelance-web:offers"},
    Role.MODERATOR: ACCOUNT_PAGES | {"freelance-web:home", "freelance-web:moderation"},
    Role.OPERATOR: ACCOUNT_PAGES
    | {"fieldservice-web:home", "fieldservice-web:request", "fieldservice-web:request-new"},
    Role.MASTER: ACCOUNT_PAGES
    | {"fieldservice-web:home", "fieldservice-web:request", "fieldservice-web:transactions"},
    Role.MANAGER: ACCOUNT_PAGES
    | {
        "fieldservice-web:home",
        "fieldservice-web:request",
        "fieldservice-web:reference",
        "fieldservice-web:report",
        "fieldservice-web:transactions",
    },
    Role.PLATFORM_ADMIN: ACCOUNT_PAGES
    | {
        "admin:index",
        "admin:audit_auditevent_changelist",
        "clinic-web:home",
        "chat-web:home",
        "sos-web:home",
    },
}
CRAWLED_ROLES = tuple(MUST_REACH)


# --- reading pages ------------------------------------------------------------------------
class _Page(HTMLParser):
    """The links and the visible text of an HTML page (no scripts, styles or attributes).

    A passage marked with another `lang` than the page's (an English bibliographic reference
    on a Russian page: `<li lang="en">`) is declared foreign on purpose, for screen readers
    too, so its words are not the page's UI text and are left out."""

    HIDDEN = {"script", "style", "template", "noscript", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._hidden = 0
        self._foreign: list[str] = []  # open tags in another language than the page's
        self._page_lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        lang = dict(attrs).get("lang") or ""
        if tag == "html":
            self._page_lang = lang
        elif lang and lang != self._page_lang:
            self._foreign.append(tag)
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if self._foreign and self._foreign[-1] == tag:
            self._foreign.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._foreign:
            self.text.append(data)


def read_page(html: str) -> tuple[list[str], str]:
    parser = _Page()
    parser.feed(html)
    return parser.links, re.sub(r"\s+", " ", " ".join(parser.text))


# --- what a Russian page must not show ----------------------------------------------------
def _text_choices(cls: type[models.TextChoices]) -> Iterator[type[models.TextChoices]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _text_choices(sub)


def raw_codes() -> set[str]:
    """Codes a person might otherwise see: every TextChoices value of the platform's enums,
    the engine's band, result and label codes, the cohort mechanisms and body regions."""
    from lifeline.clinic.engine.rules import v2026_2 as rules
    from lifeline.clinic.services.clinical import BODY_REGIONS, CLINICAL_LABELS
    from lifeline.clinic.templatetags.clinic_labels import CHANGE_FLAG_NAMES
    from lifeline.web.templatetags.web_tags import DEVICE_TYPE_NAMES

    codes: set[str] = set()
    for enum in _text_choices(models.TextChoices):
        if enum.__module__.startswith("lifeline."):
            codes.update(str(v) for v in enum.values)
    for bands in rules.BAND_LABELS.values():
        codes.update(bands)
    codes.update(rules.LABELS)
    codes.update(BODY_REGIONS)
    codes.update(CLINICAL_LABELS)
    codes.update(CHANGE_FLAG_NAMES)
    codes.update(DEVICE_TYPE_NAMES)
    codes.update({"NEUROPATHIC_SCREEN", "NOCICEPTIVE", "NOCIPLASTIC", "MIXED"})
    return {c for c in codes if len(c) > 2 and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", c)}


def catalogue_phrases() -> set[str]:
    """Multi-word English msgids of our Russian catalogues (their literal parts)."""
    phrases: set[str] = set()
    sources = [
        *ROOT.glob("lifeline/*/locale/ru/LC_MESSAGES/django.po"),
        ROOT / "locale/ru/LC_MESSAGES/django.po",
    ]
    for po_path in sources:
        with po_path.open("rb") as po:
            catalogue = read_po(po)
        for message in catalogue:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not message.id or set(ids) & set(strings):
                continue
            for part in (
                p for msgid in ids for p in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|\n", msgid)
            ):
                part = part.strip(" :.,;—-()")
                if len(part.split()) >= 3 and re.search(r"[a-z]{3}", part):
                    phrases.add(part)
    return phrases


def _word(code: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.@/-]){re.escape(code)}(?![\w@/-]|\.\w)")


# --- the crawl ----------------------------------------------------------------------------
@dataclass
class Crawl:
    role: str
    language: str
    reached: dict[str, str] = field(default_factory=dict)  # url -> view name
    errors: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # url -> visible text of HTML pages


def _follow(href: str, base: str) -> str | None:
    url, _fragment = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path
    if not path or path.startswith(SKIP_PREFIXES):
        return None
    if path.startswith("/admin/") and (parts.query or not ADMIN_PAGES.match(path)):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def crawl(client: Client, role: str, language: str) -> Crawl:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    result = Crawl(role=role, language=language)
    queue: deque[tuple[str, str]] = deque([("/", "(home)")])
    seen = {"/"}
    while queue and len(result.reached) < MAX_PAGES:
        url, came_from = queue.popleft()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.get(url)
        try:
            view_name = resolve(urlsplit(url).path).view_name
        except Resolver404:
            view_name = "(unresolved)"
        if response.status_code in (301, 302):
            target = _follow(response["Location"], url)
            if target and target not in seen:
                seen.add(target)
                queue.append((target, came_from))
            continue
        if response.status_code != 200:
            result.errors.append(f"{url} (linked from {came_from}) answered {response.status_code}")
            continue
        result.reached[url] = view_name
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        links, text = read_page(response.content.decode())
        result.texts[url] = text
        for href in links:
            target = _follow(href, url)
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
    return result


def sign_in(client: Client, account: dict[str, Any]) -> None:
    """Through the sign-in page, with the authenticator code for roles that need 2FA."""
    cache.clear()  # the per-address sign-in budget is shared by all roles here
    response = client.post(
        "/login/", {"identifier": account["login"], "password": account["password"]}
    )
    if response.status_code == 200 and "totp_secret" in account:
        user = User.objects.get(email=account["login"])
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        response = client.post("/login/", {"otp": f"{totp.token():0{device.digits}d}"})
    assert response.status_code == 302, response.content.decode()[:2000]


# --- the demo, with a history to look at --------------------------------------------------
def seed_history() -> None:
    """A submitted assessment with an evaluation and an issued conclusion for the demo
    patient, and an SOS event of the demo wearer, when the demo does not have them yet."""
    from lifeline.clinic.models.conclusions import Conclusion
    from lifeline.clinic.models.patients import Patient
    from lifeline.clinic.services import assessments
    from lifeline.clinic.services.conclusions import conclusion_create, conclusion_issue
    from lifeline.clinic.tests.engine.helpers import csi, dn4_total, hads
    from lifeline.sos.enums import DetectedType, TriggerSource
    from lifeline.sos.models import Device, SosEvent
    from lifeline.sos.services.events import event_trigger

    doctor = User.objects.get(email="doctor@demo.lifeline.local")
    patient = Patient.objects.get(user__email="patient@demo.lifeline.local")
    if not Conclusion.objects.filter(patient=patient, versions__isnull=False).exists():
        assessment, _created = assessments.assessment_start(actor=patient.user, patient=patient)
        answers = {
            "vas": {"vas": 72},
            "dn4": dn4_total(4, None),
            "csi": csi(45),
            "hads": hads(12, 9),
        }
        assessments.assessment_autosave(actor=patient.user, assessment=assessment, answers=answers)
        evaluation = assessments.assessment_submit(actor=patient.user, assessment=assessment)
        conclusion = conclusion_create(
            actor=doctor,
            patient=patient,
            evaluation=evaluation,
            free_text="Контроль через 4 недели",
        )
        conclusion_issue(actor=doctor, conclusion=conclusion)
    device = Device.objects.get(device_uid="DEMO-WATCH-0001")
    if not SosEvent.objects.filter(device=device).exists():
        from django.utils import timezone

        event_trigger(
            device=device,
            lat=device.last_lat,
            lon=device.last_lon,
            detected_type=DetectedType.MANUAL_TRIGGER,
            severity=4,
            timestamp=timezone.now(),
            source=TriggerSource.WEB,
            actor=device.owner,
        )


@pytest.fixture
def accounts(settings: Any, tmp_path: Path) -> dict[str, dict[str, Any]]:
    settings.VAR_DIR = tmp_path
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    with TestCase.captureOnCommitCallbacks(execute=True):
        seed_history()
    data = json.loads((tmp_path / "demo-credentials.json").read_text())
    return {a["role"]: a for a in data["accounts"]}


def wording_problems(
    text: str, *, language: str, codes: dict[str, re.Pattern[str]], phrases: set[str]
) -> list[str]:
    """Raw codes (any code on a Russian page; codes with "_" on any page) and English
    catalogue phrases on a Russian page, each with the text around it."""
    found = []
    for code, pattern in codes.items():
        match = pattern.search(text) if language == "ru" or "_" in code else None
        if match:
            around = text[max(0, match.start() - 40) : match.end() + 40]
            found.append(f"shows the raw code {code!r}: …{around}…")
    if language == "ru":
        found += [f"shows English {phrase!r}" for phrase in sorted(phrases) if phrase in text]
    return found


def test_every_role_reaches_its_pages_in_both_languages_with_no_error_raw_code_or_english(
    accounts: dict[str, dict[str, Any]],
) -> None:
    codes = {code: _word(code) for code in raw_codes()}
    phrases = catalogue_phrases()
    # People's and organizations' names are data, not codes ("Demo clinic", e-mail addresses).
    names = {*User.objects.values_list("full_name", flat=True)}
    names |= {*Organization.objects.values_list("name", flat=True)}
    problems: list[str] = []
    for role in CRAWLED_ROLES:
        client = Client()
        sign_in(client, accounts[role])
        for language in ("ru", "en"):
            result = crawl(client, role, language)
            where = f"[{role}/{language}]"
            problems += [f"{where} {error}" for error in result.errors]
            missing = MUST_REACH[role] - set(result.reached.values())
            if missing:
                problems.append(f"{where} no link reaches {sorted(missing)}")
            for url, text in result.texts.items():
                if url.startswith("/admin/"):
                    # TODO(#14): the admin still shows English column headers and model
                    # names of django-otp and of fields without a verbose name; crawled
                    # for errors and reachability only until they are translated.
                    continue
                for name in sorted(names, key=len, reverse=True):
                    text = text.replace(name, " ")
                text = re.sub(r"\S+@\S+", " ", text)
                found = wording_problems(text, language=language, codes=codes, phrases=phrases)
                problems += [f"{where} {url} {problem}" for problem in found]
    assert problems == []
