"""One person in a browser, for every journey: a Playwright context in a language and a
width, signed in as `user` (or anonymous), that records what must never happen on a page —
console errors, page errors, CSP violations, requests that failed or answered ≥ 400,
sideways scrolling and, when an `axe` collector is given, serious accessibility
violations (axe-core)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser

SHOTS = os.environ.get("LIFELINE_E2E_SCREENSHOTS")
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
WATCH = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__problems.push("CSP " + e.violatedDirective + " " + e.blockedURI);
});
"""


class Person:
    def __init__(
        self,
        browser: Browser,
        base: str,
        user: Any | None,
        language: str,
        width: str,
        axe: Any | None = None,
        **context: Any,
    ) -> None:
        from django.test import Client

        from tests.e2e.conftest import AXE_RUNNER, AXE_SOURCE_PATH

        self.context = browser.new_context(
            locale={"ru": "ru-RU", "en": "en-US"}[language],
            timezone_id="UTC",
            viewport=dict(zip(("width", "height"), WIDTHS[width], strict=True)),
            **context,
        )
        cookies = [{"name": "django_language", "value": language, "url": base}]
        if user is not None:
            client = Client()
            client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
            cookies.append(
                {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}
            )
        self.context.add_cookies(cookies)  # type: ignore[arg-type]
        self.context.add_init_script(WATCH)
        if axe is not None:
            self.context.add_init_script(path=str(AXE_SOURCE_PATH))
            self.context.add_init_script(script=AXE_RUNNER)
            self.context.expose_binding(
                "__lifelineAxeReport",
                lambda _source, url, violations: axe.report_axe(url, violations),
            )
        self.page = self.context.new_page()
        self.base = base
        self.name = f"{language}-{width}"
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: self.problems.append(f"console {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"pageerror {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on(
            "response",
            lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def _failed(self, request: Any) -> None:
        # A request cut short by the next navigation (a favicon, a live refetch) is aborted,
        # not failed; anything refused (CSP) or unreachable is.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed {request.url} {request.failure}")

    def visit(self, where: str) -> None:
        """Open a path of the live server (or a full URL); what the previous page left
        unfinished (a live refetch cut short by the navigation) is not this page's problem."""
        self.problems.clear()
        self.page.goto(where if where.startswith("http") else f"{self.base}{where}")

    def submit(self, action: str, **fields: str) -> None:
        """Fill and submit the page's form whose action ends with `/<action>/`."""
        form = self.page.locator(f'form[action$="/{action}/"]')
        for name, value in fields.items():
            form.locator(f'[name="{name}"]').fill(value)
        form.locator("button[type=submit]").click()
        self.page.wait_for_load_state()

    def assert_clean(self, where: str) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=f"{SHOTS}/{where}-{self.name}.png", full_page=True)
        assert self.problems + self.page.evaluate("() => window.__problems") == [], where
        overflow = self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (where, self.name, "scrolls sideways")
