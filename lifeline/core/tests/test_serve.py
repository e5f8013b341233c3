"""`lifeline serve --demo` for real: a subprocess on a free port with its own ./var."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from lifeline.notifications.enums import Channel
from lifeline.notifications.rendering import render_message
from lifeline.notifications.topics import get_topic

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 300.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


def _call(url: str, *, body: dict | None = None, headers: dict | None = None) -> Any:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


@contextmanager
def _serving(root: Path, tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """`lifeline serve --demo` run from the checkout at `root` with its own ./var."""
    port = _free_port()
    var = tmp_path / "var"
    # The embedded default: no database, cache or broker URL, no test settings.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
        and not k.startswith(("DJANGO_", "PYTEST_"))
    }
    env |= {"LIFELINE_VAR_DIR": str(var), "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "lifeline.cli", "serve", "--demo", "--port", str(port)],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"serve exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
            try:
                _get(f"{base}/api/health/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"serve did not answer:\n{log.read_text()[-4000:]}")
                time.sleep(0.5)
        yield base, var, log
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def served(tmp_path):
    with _serving(ROOT, tmp_path) as running:
        yield running


@pytest.fixture
def fresh_checkout(tmp_path):
    """The project's files as a fresh clone has them: no compiled catalogues (.mo)."""
    root = tmp_path / "checkout"
    skip = shutil.ignore_patterns("*.mo", "*.mo.*", "__pycache__", "*.pyc")
    for name in ("config", "lifeline", "locale"):
        shutil.copytree(ROOT / name, root / name, ignore=skip)
    shutil.copy2(ROOT / "manage.py", root / "manage.py")
    assert not list(root.rglob("*.mo"))
    return root


def test_serve_demo_migrates_seeds_and_serves_pages_and_api(served):
    base, var, log = served

    assert _get(f"{base}/api/health/") == (200, '{"status": "ok"}')
    status, page = _get(f"{base}/login/")
    assert status == 200
    assert 'name="password"' in page

    credentials = var / "demo-credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    accounts = json.loads(credentials.read_text())["accounts"]
    assert len(accounts) == 18
    assert all(a["login"].endswith("@demo.lifeline.local") for a in accounts)
    printed = log.read_text()
    assert accounts[0]["password"] in printed
    assert f"Lifeline on {base}/" in printed

    with sqlite3.connect(var / "db.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        # The 18 role accounts; module seeders may add people of their own (ambulance crews).
        logins = [a["login"] for a in accounts]
        marks = ",".join("?" * len(logins))
        query = f"SELECT COUNT(*) FROM accounts_user WHERE is_demo AND email IN ({marks})"  # noqa: S608
        assert db.execute(query, logins).fetchone() == (18,)


def _demo_inbox(var: Path, login: str) -> list[tuple[str, dict[str, Any], str, str]]:
    """(topic, data, stored title, stored body) of the demo account's notifications."""
    with sqlite3.connect(var / "db.sqlite3") as db:
        rows = db.execute(
            "SELECT n.topic, n.data, n.title, n.body FROM notifications_notification n"
            " JOIN accounts_user u ON u.id = n.recipient_id"
            " WHERE u.email = ? AND n.in_inbox AND n.archived_at IS NULL"
            " ORDER BY n.created_at DESC, n.id DESC",
            (login,),
        ).fetchall()
    return [(topic, json.loads(data), title, body) for topic, data, title, body in rows]


def _rendered(topic: str, data: dict[str, Any], language: str) -> tuple[str, str]:
    message = render_message(
        topic=get_topic(topic), channel=Channel.IN_APP, context=data, language=language
    )
    return message.title, message.body


def test_first_run_of_a_fresh_checkout_is_russian(fresh_checkout, tmp_path):
    # Django keeps the catalogue it loaded first (migrate translates): the .mo files must be
    # written before that, or the first run's pages and stored demo texts are English.
    with _serving(fresh_checkout, tmp_path) as (base, var, _log):
        assert list(fresh_checkout.rglob("ru/LC_MESSAGES/django.mo"))

        status, page = _get(f"{base}/login/")
        assert status == 200
        assert '<html lang="ru"' in page
        assert "<h1>Вход</h1>" in page
        assert "Пароль" in page
        assert "Sign in" not in page

        accounts = json.loads((var / "demo-credentials.json").read_text())["accounts"]
        patient = next(a for a in accounts if a["role"] == "patient")
        inbox = _demo_inbox(var, patient["login"])
        assert inbox
        for topic, data, title, body in inbox:
            assert (title, body) == _rendered(topic, data, "ru")
            assert title != _rendered(topic, data, "en")[0]

        auth = _call(
            f"{base}{reverse('accounts:login')}",
            body={"email": patient["login"], "password": patient["password"]},
        )
        listed = _call(
            f"{base}{reverse('notifications:notification-list')}",
            headers={"Authorization": f"Bearer {auth['access']}", "Accept-Language": "ru"},
        )
    assert [(n["topic"], n["title"], n["body"]) for n in listed["results"]] == [
        (topic, *_rendered(topic, data, "ru")) for topic, data, _title, _body in inbox
    ]
