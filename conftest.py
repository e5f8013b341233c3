"""Root fixtures shared by every app's tests, and the rules for service-bound tests.

Tests marked `postgres`, `redis`, `celery_worker` or `e2e` need a service. They skip when it
is not configured (DATABASE_URL=postgres://…, REDIS_URL, CELERY_BROKER_URL, /usr/bin/chromium)
so `uv run pytest` passes on a bare machine; with CI=true such a skip is a failure, so CI
cannot go green without them.

Celery runs eagerly in the test process even when a broker is configured: the suite's flows
are asserted synchronously, and the worker path is exercised by the `celery_worker` tests,
which start a real worker subprocess (see lifeline/jobs/tests/test_worker.py).
"""

from __future__ import annotations

import os

import pytest
from rest_framework.test import APIClient

SERVICE_MARKERS = ("postgres", "redis", "celery_worker", "e2e")
# Every /api/v1/ response a test produces is checked against openapi/v1.yaml.
pytest_plugins = ["tests.openapi_responses"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def postgres_configured() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def redis_configured() -> bool:
    from django.conf import settings

    return bool(settings.REDIS_URL)


def broker_configured() -> bool:
    from django.conf import settings

    return bool(settings.CELERY_BROKER_URL)


def _compile_catalogues() -> None:
    """Compile missing or stale .mo files before any process loads a translation.

    Runs once, in the controller (xdist workers start after it), so no worker reads a
    catalogue another one is writing; the .mo appears by an atomic rename.
    """
    from pathlib import Path

    from lifeline.core.catalogues import compile_stale_catalogues

    compile_stale_catalogues(Path(__file__).resolve().parent)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        _compile_catalogues()
    from django.conf import settings

    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.hookimpl(trylast=True)  # after pytest-randomly has shuffled
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser journeys run last in each process: Playwright's sync API keeps an event loop
    running in the main thread from the first journey to the end of the session, and any
    later test that calls `async_to_sync` there would fail. xdist hands each worker its items
    in this order, so no worker runs another test after a journey."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and not postgres_configured():
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis") and not redis_configured():
        pytest.skip("needs Redis: set REDIS_URL=redis://…")
    if item.get_closest_marker("celery_worker") and not broker_configured():
        pytest.skip("needs a Celery broker: set REDIS_URL or CELERY_BROKER_URL")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail") or not in_ci():
        return
    markers = [name for name in SERVICE_MARKERS if item.get_closest_marker(name)]
    if not markers:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"CI=true: tests marked {', '.join(markers)} are mandatory, but this one was "
        f"skipped: {reason}"
    )


@pytest.fixture
def postgres_available() -> bool:
    """Whether the test database is PostgreSQL (DATABASE_URL=postgres://…)."""
    return postgres_configured()


@pytest.fixture
def redis_url() -> str:
    """The configured REDIS_URL; skips the test (a failure in CI) when there is none."""
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL=redis://…")
    return str(settings.REDIS_URL)


@pytest.fixture(autouse=True)
def _isolated_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the settings' language (English in tests). A request through
    LocaleMiddleware, or a bare `translation.activate`, leaves its language active in the
    thread afterwards; with pytest-randomly's order, a later test then read Russian
    messages where it asserts English ones (seen in core/tests/test_dates.py)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
