"""Benchmark: an authenticated API read vs a bare Django view, same query, same server.

Setup: a fresh PostgreSQL database (`lifeline_bench` on 127.0.0.1:5432, user postgres),
migrated, with 10 000 organizations, one user and an access token from the login flow
(session-bound: authentication loads the user and checks that the session is not revoked).
Server: granian, WSGI, 2 workers, 4 blocking threads each, persistent database connections
(DATABASE_CONN_MAX_AGE=60), production settings (DEBUG off, every middleware, JSON access log
at INFO) plus the routes of benchmarks/bench_urls.py:

  bare  GET /bench/organizations/<slug>/          Django view, Organization by slug (unique index)
  api   GET /api/v1/bench/organizations/<slug>/   DRF APIView: JWT auth (the user + session
                                                 check: a query, or the auth cache when it is on
                                                 — see lifeline/accounts/auth_cache.py),
                                                 IsAuthenticated, user throttle, ModelSerializer
  previous GET /api/v1/bench/previous-organizations/<slug>/  the same APIView with the user
                                                 lookup as it was before the auth cache: an ORM
                                                 query with the session join on every request
                                                 (diagnostic: before/after in the same run)
  plain GET /api/v1/bench/plain-organizations/<slug>/  the same APIView with a field-by-field
                                                 Serializer (diagnostic: the serializer's share)
  stateless GET /api/v1/bench/stateless-organizations/<slug>/  plain Serializer and no user
                                                 query (diagnostic: the user lookup's share)

The cases alternate in short rounds so machine noise hits all of them alike; the ratio
api/bare is the result (target >= 0.6).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.loadgen import LoadResult, build_request, run_load  # noqa: E402

NAME = "api_read"
TARGET_RATIO = 0.6
HOST = "127.0.0.1"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
DATABASE = "lifeline_bench"
ORGANIZATIONS = 10_000
SLUGS_PER_CONNECTION = 64


@dataclass
class CaseResult:
    name: str
    path: str
    load: LoadResult


@dataclass
class BenchResult:
    """`cases[0]` is the baseline, `cases[1]` is judged against `target`; others inform."""

    name: str
    cases: list[CaseResult]
    target: float
    notes: str

    @property
    def baseline(self) -> CaseResult:
        return self.cases[0]

    @property
    def candidate(self) -> CaseResult:
        return self.cases[1]

    def ratio_of(self, case: CaseResult) -> float:
        return case.load.rps / self.baseline.load.rps if self.baseline.load.rps else 0.0

    @property
    def ratio(self) -> float:
        return self.ratio_of(self.candidate)

    @property
    def passed(self) -> bool:
        clean = all(set(c.load.statuses) == {200} and not c.load.errors for c in self.cases)
        return clean and self.ratio >= self.target


# --- setup, in a child process with Django configured -----------------------------------


def prepare() -> None:
    """Create the rows and print `{"token": …, "slugs": […]}` (runs under bench settings)."""
    import django  # noqa: PLC0415

    django.setup()
    from lifeline.access.enums import OrganizationKind  # noqa: PLC0415
    from lifeline.access.models import Organization  # noqa: PLC0415
    from lifeline.accounts.clients import client_info  # noqa: PLC0415
    from lifeline.accounts.models import User  # noqa: PLC0415
    from lifeline.accounts.services.sessions import session_start_api  # noqa: PLC0415

    user = User.objects.create_user(email="bench@example.org", password=None)
    kind = OrganizationKind.values[0]
    Organization.objects.bulk_create(
        [
            Organization(name=f"Organization {i}", slug=f"org-{i:05d}", kind=kind)
            for i in range(ORGANIZATIONS)
        ],
        batch_size=2000,
    )
    slugs = [f"org-{i:05d}" for i in range(0, ORGANIZATIONS, ORGANIZATIONS // 512)]
    # The access token of the login flow: it carries the session id (`sid`), so every request
    # also proves that the session is not revoked, as for every real client.
    tokens = session_start_api(user=user, client=client_info(None))
    print(json.dumps({"token": tokens.access, "slugs": slugs}))


# --- orchestration ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _recreate_database() -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def _drop_database() -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def _environment(redis_url: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "CELERY_BROKER_URL", "SENTRY_DSN", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_DEBUG="false",
        LIFELINE_HTTPS="false",
        LOG_LEVEL="INFO",
        # One client sends every request: raise the per-user limit so the throttle runs (one
        # cache counter per request) without ever answering 429.
        LIFELINE_THROTTLE_USER="100000000/min",
        PYTHONPATH=str(ROOT),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _granian() -> str:
    found = Path(sys.executable).parent / "granian"
    return str(found) if found.exists() else (shutil.which("granian") or "granian")


def _wait_until_up(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        url = f"http://{HOST}:{port}/api/health/"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310
            if r.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /api/health/ in time")


def _requests(port: int, prefix: str, slugs: list[str], headers: dict[str, str]) -> list[bytes]:
    return [build_request(HOST, port, f"{prefix}{slug}/", headers) for slug in slugs]


def run(*, quick: bool = False, redis_url: str | None = None) -> BenchResult:
    # Short alternating segments: load from other processes hits every case alike.
    rounds, seconds = (3, 1.0) if quick else (12, 1.25)  # <= 15 s measured per case
    env = _environment(redis_url)
    load_before = os.getloadavg()[0]
    _recreate_database()
    server: subprocess.Popen[bytes] | None = None
    log = tempfile.NamedTemporaryFile(prefix="lifeline-bench-", suffix=".log", delete=False)  # noqa: SIM115
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        prepared = subprocess.run(
            [sys.executable, str(Path(__file__)), "--prepare"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(prepared.stdout.strip().splitlines()[-1])
        port = _free_port()
        server = subprocess.Popen(
            [
                _granian(),
                "--interface",
                "wsgi",
                "--workers",
                "2",
                "--blocking-threads",
                "4",
                "--host",
                HOST,
                "--port",
                str(port),
                "--no-access-log",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_until_up(port)
        auth = {"Authorization": f"Bearer {data['token']}"}
        cases = {
            "bare": _requests(port, "/bench/organizations/", data["slugs"], {}),
            "api": _requests(port, "/api/v1/bench/organizations/", data["slugs"], auth),
            "previous": _requests(
                port, "/api/v1/bench/previous-organizations/", data["slugs"], auth
            ),
            "plain": _requests(port, "/api/v1/bench/plain-organizations/", data["slugs"], auth),
            "stateless": _requests(
                port, "/api/v1/bench/stateless-organizations/", data["slugs"], auth
            ),
        }
        for requests in cases.values():  # warm-up: connections, imports, caches
            run_load(host=HOST, port=port, requests=requests, duration=1.0)
        totals = {name: LoadResult() for name in cases}
        for _ in range(rounds):
            for name, requests in cases.items():
                part = run_load(host=HOST, port=port, requests=requests, duration=seconds)
                totals[name].merge(part)
                totals[name].seconds += part.seconds
    except Exception:
        log.flush()
        print(Path(log.name).read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()
        Path(log.name).unlink(missing_ok=True)
        _drop_database()
    return BenchResult(
        name=NAME + (" (redis)" if redis_url else ""),
        cases=[
            CaseResult("bare Django view", "/bench/organizations/<slug>/", totals["bare"]),
            CaseResult("DRF API (JWT)", "/api/v1/bench/organizations/<slug>/", totals["api"]),
            CaseResult(
                "DRF, previous auth",
                "/api/v1/bench/previous-organizations/<slug>/",
                totals["previous"],
            ),
            CaseResult(
                "DRF, plain serializer",
                "/api/v1/bench/plain-organizations/<slug>/",
                totals["plain"],
            ),
            CaseResult(
                "  + no user query",
                "/api/v1/bench/stateless-organizations/<slug>/",
                totals["stateless"],
            ),
        ],
        target=TARGET_RATIO,
        notes=(
            f"{rounds}x{seconds:g}s per case, 8 keep-alive connections, granian wsgi 2x4, "
            f"PostgreSQL, cache={'redis' if redis_url else 'local memory'}; "
            f"{os.cpu_count()} CPUs, load average {load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after"
        ),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--redis", metavar="URL", help="use this Redis for cache and throttles")
    args = parser.parse_args()
    if args.prepare:
        prepare()
    else:
        from benchmarks.run import print_results  # noqa: PLC0415

        print_results([run(quick=args.quick, redis_url=args.redis)])
