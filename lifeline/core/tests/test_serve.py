"""`lifeline serve --demo` for real: a subprocess on a free port with its own ./var."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 180.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


@pytest.fixture
def served(tmp_path):
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
            cwd=ROOT,
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
        assert db.execute("SELECT COUNT(*) FROM accounts_user WHERE is_demo").fetchone() == (18,)
