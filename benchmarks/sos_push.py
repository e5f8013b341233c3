"""Benchmark: SOS trigger → the first helper's push request reaching the push provider.

Measures, per trigger, from the start of `POST /api/v1/sos/trigger/` (DRF test client, JWT,
the whole view) until the first FCM `messages:send` request for a helper *arrives* at a fake
FCM endpoint: a local HTTP server on 127.0.0.1 that records arrival times and answers like
FCM. The FCM client is the project's own (`lifeline.notifications.integrations.fcm`), only its
URL and OAuth token provider are redirected; each of the 3 on-duty helpers has one FCM device.
The path is the production one in order: trigger transaction → on-commit `sos.alert_helpers`
→ `helpers_alert_round` (nearest-helper search, alerts, `notify(critical=True)`) → on-commit
`notifications.deliver` → HTTP POST.

Two ways to run Celery:

- eager (default): tasks run in the request thread after each commit, so the two broker hops
  of production are not in the figure;
- `--worker` (needs `--database-url` and `--redis`): the production path: a real Celery
  worker process (`celery -A config worker -Q realtime,default,bulk`, prefork, started by
  this script with the same settings and the FCM redirect) takes both tasks from Redis.

    uv run python benchmarks/sos_push.py [--n 200] [--database-url postgres://…]
    uv run python benchmarks/sos_push.py --worker \\
        --database-url postgres://postgres@127.0.0.1:5432/lifeline_bench_push \\
        --redis redis://127.0.0.1:6379/12

Without `--database-url` a temporary SQLite file is used (not with `--worker`); a PostgreSQL
database named there is created afresh and dropped at the end; `--worker` flushes the
Redis database it is given. Target: p95 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.sos_trigger_ws import _pct, post_trigger, sos_population  # noqa: E402

TARGET_P95_MS = 150.0
ARRIVALS: list[float] = []
ALL_ARRIVED = threading.Event()  # one push per helper, three helpers


class _FakeFcm(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        ARRIVALS.append(time.perf_counter())
        if len(ARRIVALS) >= 3:
            ALL_ARRIVED.set()
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = json.dumps({"name": "projects/bench/messages/1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def _run(n: int, port: int) -> list[float]:
    from lifeline.sos.models import HelperProfile  # noqa: PLC0415

    _admin, wearers = sos_population(n + 20, push_devices=True)
    latencies: list[float] = []
    for i, (device_uid, access) in enumerate(wearers):
        ARRIVALS.clear()
        ALL_ARRIVED.clear()
        t0 = post_trigger(device_uid, access)
        # With a worker the pushes arrive after the response: wait (without spinning) for
        # all three, so that the next trigger starts on an idle worker.
        ALL_ARRIVED.wait(timeout=10)
        if len(ARRIVALS) < 1:
            raise RuntimeError("no push request reached the fake FCM endpoint")
        if i >= 20:  # warm-up
            latencies.append((min(ARRIVALS) - t0) * 1000)
        # Helpers must be available again for the next trigger (cooldown).
        HelperProfile.objects.update(last_alerted_at=None)
    return latencies


def _configure(database_url: str, redis_url: str, fcm_port: int) -> None:
    """Settings and the FCM redirect, the same in this process and in the worker."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghij")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LIFELINE_HTTPS", "false")
    os.environ["LIFELINE_LOG_LEVEL"] = "WARNING"
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
        os.environ["CELERY_BROKER_URL"] = redis_url
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    else:
        os.environ.pop("REDIS_URL", None)
        os.environ.pop("CELERY_BROKER_URL", None)
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    import django  # noqa: PLC0415

    django.setup()
    from django.conf import settings  # noqa: PLC0415

    from lifeline.notifications.integrations import fcm  # noqa: PLC0415

    fcm.SEND_URL = f"http://127.0.0.1:{fcm_port}/v1/projects/{{project_id}}/messages:send"  # type: ignore[misc]
    fcm.build_token_provider = lambda config: lambda: "bench-access-token"  # type: ignore[assignment]
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "FCM": {"ENABLED": True, "PROJECT_ID": "bench", "CREDENTIALS_FILE": "unused.json"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import logging  # noqa: PLC0415

    logging.disable(logging.WARNING)


def _serve_worker(database_url: str, redis_url: str, fcm_port: int) -> int:
    """The `--worker` child: a production Celery worker (prefork; its children inherit the
    FCM redirect), the queues `lifeline run worker` consumes."""
    _configure(database_url, redis_url, fcm_port)
    from config.celery import app  # noqa: PLC0415
    from lifeline.cli import CELERY_QUEUES  # noqa: PLC0415

    app.worker_main(["worker", "-Q", CELERY_QUEUES, "--loglevel", "WARNING", "--without-mingle",
                     "--without-gossip"])  # fmt: skip
    return 0


def _start_worker(database_url: str, redis_url: str, fcm_port: int) -> subprocess.Popen[bytes]:
    import redis  # noqa: PLC0415

    redis.Redis.from_url(redis_url).flushdb()
    worker = subprocess.Popen(  # noqa: S603 - our own script
        [
            sys.executable,
            __file__,
            "--serve-worker",
            "--database-url",
            database_url,
            "--redis",
            redis_url,
            "--fcm-port",
            str(fcm_port),
        ],  # fmt: skip
        cwd=ROOT,
    )
    from config.celery import app  # noqa: PLC0415

    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            raise RuntimeError("the Celery worker did not start")
    return worker


def _ensure_database(database_url: str, *, drop: bool) -> None:
    import psycopg  # noqa: PLC0415

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if not drop:
            conn.execute(f"CREATE DATABASE {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis", default="", help="Redis URL: cache, channel layer, broker")
    parser.add_argument("--worker", action="store_true", help="a real Celery worker on --redis")
    parser.add_argument("--serve-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fcm-port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_worker:
        return _serve_worker(args.database_url, args.redis, args.fcm_port)
    if args.worker and not (args.database_url.startswith("postgres") and args.redis):
        parser.error("--worker needs --database-url postgres://… and --redis redis://…")
    postgres = args.database_url.startswith("postgres")
    if postgres:
        _ensure_database(args.database_url, drop=False)
    tmp = tempfile.mkdtemp(prefix="lifeline-sos-push-bench-")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeFcm)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _configure(args.database_url or f"sqlite:///{tmp}/bench.sqlite3", args.redis, port)
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connections  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    worker = _start_worker(args.database_url, args.redis, port) if args.worker else None
    try:
        latencies = _run(args.n, port)
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
        connections.close_all()
        if postgres:
            _ensure_database(args.database_url, drop=True)
    backend = "postgresql" if postgres else "sqlite"
    mode = "real Celery worker on Redis" if worker is not None else "in-process, Celery eager"
    print(f"sos_push ({backend}, {mode}, {len(latencies)} triggers)")
    print("| figure | ms |")
    print("|---|---:|")
    for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        print(f"| trigger → first helper push request {name} | {_pct(latencies, q):.1f} |")
    passed = _pct(latencies, 0.95) <= TARGET_P95_MS
    print("verdict:", "PASS" if passed else "FAIL", f"(target p95 ≤ {TARGET_P95_MS:.0f} ms)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
