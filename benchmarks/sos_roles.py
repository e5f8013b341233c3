"""Benchmark: SOS trigger over HTTP, production roles → the admin's WebSocket frame and → the
first helper's push request.

The roles as `lifeline run web|ws|worker` start them: granian WSGI (`--workers 2`) serving
the API, uvicorn ASGI serving `/ws/sos_events/`, a Celery worker (prefork, queues
`realtime,default,bulk`); PostgreSQL; Redis as cache, channel layer and broker. This process
is every client: the SOS admin's WebSocket (JWT in the `Authorization` header, as the seed
documents), the wearers' `POST /api/v1/sos/trigger/` (the seed's body, one wearer per
trigger, so no dedup join) and a fake FCM endpoint on 127.0.0.1 that records when each push
request arrives (the worker's FCM URL is redirected there, `sos_push.py --serve-worker`).

Per trigger, one at a time, from the moment the POST is sent:
- the admin's `sos_event` frame for that device (target p95 ≤ 100 ms);
- the first helper push request at the fake FCM (target p95 ≤ 150 ms): trigger commit →
  `sos.alert_helpers` on the worker (nearest-helper search among 3 on-duty helpers, alerts,
  `notify_many(critical=True)`) → `notifications.deliver` on the worker → HTTP POST;
- the HTTP response.
The next trigger starts when all three pushes have arrived (an idle system per trigger).

    uv run python benchmarks/sos_roles.py [--n 200] [--redis redis://127.0.0.1:6379/11]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres; the database `lifeline_bench_roles` is
created and dropped) and Redis (the given database is flushed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.server
import json
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

from benchmarks.chat_latency import (  # noqa: E402
    _bin,
    _free_port,
    _pg,
    _wait_for_port,
    server_environment,
    stop_all,
)
from benchmarks.sos_push import ALL_ARRIVED, ARRIVALS, _FakeFcm  # noqa: E402
from benchmarks.sos_trigger_ws import _pct, sos_population  # noqa: E402

PG_DATABASE = "lifeline_bench_roles"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
TARGET_WS_P95_MS = 100.0
TARGET_PUSH_P95_MS = 150.0
WARM_UP = 20


def prepare(n: int) -> None:
    """In a child process with the servers' environment: migrate and create the data."""
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from rest_framework_simplejwt.tokens import AccessToken  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    admin, wearers = sos_population(n + WARM_UP, push_devices=True)
    print(json.dumps({"admin": str(AccessToken.for_user(admin)), "wearers": wearers}))


def _environment(tmp: Path, redis_url: str) -> dict[str, str]:
    """chat_latency's server environment, with this benchmark's database and a real worker."""
    env = server_environment(tmp, postgres=True, redis_url=redis_url)
    env.update(
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        LIFELINE_LOG_LEVEL="WARNING",
    )
    return env


def _reset_cooldown() -> None:
    """Helpers must be available again for the next trigger."""
    import psycopg  # noqa: PLC0415

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("UPDATE sos_helperprofile SET last_alerted_at = NULL")


async def _measure(data: dict[str, Any], http: str, ws: str) -> dict[str, list[float]]:
    import aiohttp  # noqa: PLC0415
    from websockets.asyncio.client import connect  # noqa: PLC0415

    frames: dict[str, float] = {}
    frame_seen = asyncio.Event()

    async def reader(sock: Any) -> None:
        async for raw in sock:
            t = time.perf_counter()
            frame = json.loads(raw)
            if frame.get("type") == "sos_event":
                frames.setdefault(frame["payload"]["device_uid"], t)
                frame_seen.set()

    result: dict[str, list[float]] = {"ws": [], "push": [], "response": []}
    headers = {"Authorization": f"Bearer {data['admin']}"}
    async with (
        connect(f"{ws}/ws/sos_events/", additional_headers=headers) as sock,
        aiohttp.ClientSession() as session,
    ):
        reading = asyncio.ensure_future(reader(sock))
        loop = asyncio.get_running_loop()
        for i, (device_uid, access) in enumerate(data["wearers"]):
            ARRIVALS.clear()
            ALL_ARRIVED.clear()
            body = {
                "device_uid": device_uid,
                "lat": 41.311,
                "lon": 69.2405,
                "detected_type": "FALL_DETECTED",
                "severity": 4,
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            t0 = time.perf_counter()
            async with session.post(
                f"{http}/api/v1/sos/trigger/",
                json=body,
                headers={"Authorization": f"Bearer {access}"},
            ) as response:
                await response.read()
                if response.status != 201:
                    raise RuntimeError(f"trigger answered {response.status}")
            t_response = time.perf_counter()
            deadline = time.monotonic() + 10
            while device_uid not in frames:
                frame_seen.clear()
                await asyncio.wait_for(frame_seen.wait(), timeout=deadline - time.monotonic())
            if not await loop.run_in_executor(None, ALL_ARRIVED.wait, 10):
                raise RuntimeError(f"{len(ARRIVALS)} of 3 pushes arrived")
            if i >= WARM_UP:
                result["ws"].append((frames[device_uid] - t0) * 1000)
                result["push"].append((min(ARRIVALS) - t0) * 1000)
                result["response"].append((t_response - t0) * 1000)
            await loop.run_in_executor(None, _reset_cooldown)
        reading.cancel()
    return result


async def _run(args: argparse.Namespace) -> dict[str, list[float]]:
    tmp = Path(tempfile.mkdtemp(prefix="lifeline-sos-roles-bench-"))
    env = _environment(tmp, args.redis)
    procs: list[subprocess.Popen[bytes]] = []
    fcm = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeFcm)
    threading.Thread(target=fcm.serve_forever, daemon=True).start()
    try:
        _pg(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        _pg(f"CREATE DATABASE {PG_DATABASE}")
        import redis  # noqa: PLC0415

        redis.Redis.from_url(args.redis).flushdb()
        prepared = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--prepare", "--n", str(args.n)],
            env=env, check=True, capture_output=True, timeout=600, cwd=ROOT,
        )  # fmt: skip
        data = json.loads(prepared.stdout.decode().strip().splitlines()[-1])
        log = open(tmp / "server.log", "wb")  # noqa: SIM115
        ws_port, http_port = _free_port(), _free_port()
        servers = [
            ([_bin("uvicorn"), "config.asgi:application", "--host", "127.0.0.1",
              "--port", str(ws_port), "--log-level", "warning", "--no-access-log"], ws_port),
            ([_bin("granian"), "--interface", "wsgi", "--host", "127.0.0.1",
              "--port", str(http_port), "--workers", "2", "--blocking-threads", "8",
              "config.wsgi:application"], http_port),
        ]  # fmt: skip
        for cmd, port in servers:
            procs.append(
                subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
            )
            await _wait_for_port(port, procs[-1])
        procs.append(
            subprocess.Popen(  # noqa: S603 - our own script
                [
                    sys.executable,
                    str(ROOT / "benchmarks" / "sos_push.py"),
                    "--serve-worker",
                    "--database-url",
                    DATABASE_URL,
                    "--redis",
                    args.redis,
                    "--fcm-port",
                    str(fcm.server_address[1]),
                ],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        )
        from celery import Celery  # noqa: PLC0415

        sender = Celery("bench", broker=args.redis)
        deadline = time.monotonic() + 90
        while not sender.control.ping(timeout=0.5):
            if procs[-1].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start")
        sender.close()
        return await asyncio.wait_for(
            _measure(data, f"http://127.0.0.1:{http_port}", f"ws://127.0.0.1:{ws_port}"),
            timeout=args.timeout,
        )
    finally:
        stop_all(procs, grace=20)
        fcm.shutdown()
        with contextlib.suppress(Exception):
            _pg(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.n)
        return 0
    r = asyncio.run(_run(args))
    print(
        f"sos_roles (granian ×2 + uvicorn + Celery worker, PostgreSQL, Redis; "
        f"{len(r['ws'])} triggers after {WARM_UP} warm-up)"
    )
    print("| from the trigger POST to | p50 ms | p95 ms | p99 ms | target |")
    print("|---|---:|---:|---:|---|")
    for key, label, target in (
        ("ws", "the admin's WebSocket frame", f"p95 ≤ {TARGET_WS_P95_MS:.0f}"),
        ("push", "the first helper push request", f"p95 ≤ {TARGET_PUSH_P95_MS:.0f}"),
        ("response", "the HTTP response", "–"),
    ):
        values = r[key]
        print(
            f"| {label} | {_pct(values, 0.5):.1f} | {_pct(values, 0.95):.1f} "
            f"| {_pct(values, 0.99):.1f} | {target} |"
        )
    passed = _pct(r["ws"], 0.95) <= TARGET_WS_P95_MS and _pct(r["push"], 0.95) <= TARGET_PUSH_P95_MS
    print("verdict:", "PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
