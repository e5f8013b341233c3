"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live_server.

Every test under tests/e2e/ is marked `e2e`. Without /usr/bin/chromium they skip (a failure
in CI). They run in the plain `uv run pytest` too: they are collected last, and in each
process only e2e tests run after the first one (see below), so the relaxed async check stays
with them. CI runs them in a step of their own (`.ci/run`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
E2E_DIR = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("e2e") and not CHROMIUM.exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "page_problems_expected(*patterns): console errors or failed requests a journey causes "
        "on purpose (e.g. opening a 404 page); each pattern is a substring",
    )


# --- every page a journey visits is checked -----------------------------------------------
# Issue 14: charts were black (CSP blocked their styles: 112 console errors), /api/docs/ was
# blank, and no test noticed. Each journey's page now records console errors (CSP violations
# are console errors), uncaught exceptions, failed requests and 5xx responses, and runs
# axe-core (WCAG 2.2 AA rules) after every load; the test fails on any of them, or on a
# serious or critical accessibility violation, at teardown.
AXE_SOURCE_PATH = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"
AXE_RUNNER = """
window.addEventListener("load", () => {
  setTimeout(() => {
    if (!window.axe) { return; }
    window.axe.run(document, {
      runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
      resultTypes: ["violations"],
    }).then((result) => {
      const bad = result.violations.filter(
        (v) => v.impact === "serious" || v.impact === "critical");
      window.__lifelineAxeReport(location.href, bad.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      })));
    }).catch(() => {});
  }, 50);
});
"""


class PageProblems:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.axe: list[str] = []
        self.pages: list[str] = []

    def add(self, kind: str, text: str) -> None:
        self.items.append(f"{kind}: {text}")

    def report_axe(self, url: str, violations: list[dict[str, Any]]) -> None:
        self.pages.append(url)
        for v in violations:
            self.axe.append(f"{url}: {v['impact']} {v['id']} ({v['help']}) at {v['targets']}")


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def context(context: Any, page_problems: PageProblems) -> Any:
    context.add_init_script(path=str(AXE_SOURCE_PATH))
    context.add_init_script(script=AXE_RUNNER)
    context.expose_binding(
        "__lifelineAxeReport",
        lambda _source, url, violations: page_problems.report_axe(url, violations),
    )
    return context


@pytest.fixture
def page(page: Any, page_problems: PageProblems, request: pytest.FixtureRequest) -> Any:
    def on_console(message: Any) -> None:
        if message.type == "error":
            page_problems.add("console error", f"{message.text} ({page.url})")

    def on_request_failed(req: Any) -> None:
        failure = req.failure or ""
        # A navigation or a media element that the page itself abandons is not a failure.
        if "ERR_ABORTED" in failure or "NS_BINDING_ABORTED" in failure:
            return
        page_problems.add("request failed", f"{req.method} {req.url}: {failure}")

    def on_response(response: Any) -> None:
        if response.status >= 500:
            page_problems.add("server error", f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: page_problems.add("page error", str(exc)))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    yield page
    marker = request.node.get_closest_marker("page_problems_expected")
    expected = tuple(marker.args) if marker else ()
    problems = [p for p in page_problems.items if not any(e in p for e in expected)]
    assert problems == [], "the pages of this journey had problems:\n" + "\n".join(problems)
    assert page_problems.axe == [], "serious accessibility violations:\n" + "\n".join(
        page_problems.axe
    )


@pytest.fixture(scope="session", autouse=True)
def _orm_under_playwright():
    # Playwright's sync API keeps an event loop running in this thread, so Django would refuse
    # ORM calls (factories, asserts) as "async unsafe". Test code here is synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "en-US", "timezone_id": "UTC"}


class AsgiLiveServer:
    """The embedded ASGI app (HTTP with static files + WebSockets) on a loopback port.

    `url` is the origin to open in the browser. `call(fn, *args)` runs a synchronous callable
    on the server's event loop thread pool, the way a request would: use it for code that
    publishes real-time events (notify(), services) so the in-memory channel layer delivers them
    on the loop the consumers listen on (with Redis any thread works).
    """

    def __init__(self) -> None:
        import socket
        import threading

        import uvicorn

        from lifeline.core.embedded import application

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(application, log_level="warning", lifespan="off", ws="websockets")
        self._server = uvicorn.Server(config)
        self._server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self._loop: Any = None
        self._thread = threading.Thread(target=self._run, name="asgi-live-server", daemon=True)

    def _run(self) -> None:
        import asyncio

        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._server.serve(sockets=[self._socket]))

    @staticmethod
    def _fresh_channel_layers() -> None:
        # Channels caches one layer object per process, and channels-redis ties its receive
        # state to the event loop that used it: a later server's loop would find the previous,
        # stopped loop's state ("Two event loops are trying to receive()"). One layer per server.
        from channels.layers import channel_layers

        channel_layers.backends.clear()

    def start(self) -> None:
        import time

        self._fresh_channel_layers()
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the ASGI live server did not start")
            time.sleep(0.02)

    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        import asyncio

        from asgiref.sync import sync_to_async

        future = asyncio.run_coroutine_threadsafe(
            sync_to_async(fn, thread_sensitive=True)(*args, **kwargs), self._loop
        )
        return future.result(timeout=30)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self._socket.close()
        self._fresh_channel_layers()


@pytest.fixture
def asgi_live_server(transactional_db: None) -> Any:
    """A live server for pages that use WebSockets (pytest-django's `live_server` is WSGI)."""
    server = AsgiLiveServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class _NoSettings:
    def enable(self) -> None:
        pass

    def disable(self) -> None:
        pass


@pytest.fixture
def live_server(asgi_live_server: Any) -> Any:
    """Every journey runs against the ASGI server: pages open WebSockets (the inbox badge, the
    chat, the SOS map), which pytest-django's WSGI live server answers with 404 — a console
    error on every page, which the page checks above now refuse."""
    asgi_live_server._live_server_modified_settings = _NoSettings()
    return asgi_live_server


# --- screenshots for reviewers ------------------------------------------------------------
# With LIFELINE_E2E_SCREENSHOTS=<dir> (CI sets var/e2e-screenshots, kept as an artifact), every
# journey leaves a full-page screenshot of its page(s) as they are when the test body ends, and
# journeys call snap(page, "name") at the points a reviewer should see. Without it: nothing.
SCREENSHOTS_ENV = "LIFELINE_E2E_SCREENSHOTS"


def _current_test_slug() -> str:
    import re

    # "tests/e2e/test_x.py::test_y[chromium] (call)" -> "test_x__test_y-chromium"
    current = os.environ.get("PYTEST_CURRENT_TEST", "test").rsplit(" (", 1)[0]
    module, _, name = current.rpartition("::")
    slug = f"{Path(module).stem}__{name}" if module else name
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", slug).strip("-")


def snap(page: Any, name: str) -> Path | None:
    """Save a full-page screenshot of `page` as <dir>/<module>__<test>__<name>.png when
    LIFELINE_E2E_SCREENSHOTS names a directory; return its path (None when not asked for)."""
    import re

    directory = os.environ.get(SCREENSHOTS_ENV)
    if not directory:
        return None
    path = Path(directory) / f"{_current_test_slug()}__{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    # After the test body and before fixture teardown closes the page: its last state, also
    # (especially) when the test failed.
    try:
        return (yield)
    finally:
        page = getattr(item, "funcargs", {}).get("page")
        if os.environ.get(SCREENSHOTS_ENV) and page is not None and not page.is_closed():
            try:
                snap(page, "end")
            except Exception as exc:  # a screenshot must never hide the test's own result
                item.add_report_section("call", "screenshot", f"no end screenshot: {exc}")
