"""Messenger latency: HTTP POST of a message -> the recipient's WebSocket receiving it; history.

Targets (issue 5): a page of 50 messages p95 <= 50 ms (constant queries: 7 per send, 4 per
page; see lifeline/chat/tests/test_queries.py); POST -> recipient's socket p95 <= 100 ms at
`--rate` messages/s across 500 open conversations. Issue 13 replaced the 200 messages/s
delivery target by 60 messages/s sustained plus a saturation ratio against a bare pipeline:
`benchmarks/chat_roles.py` judges that one (the production roles as `lifeline run` starts
them); the default `--rate` here is 60 to match.

What it does, bounded and self-stopping:

1. a temporary directory; a database (SQLite file there by default, or `--postgres`: a fresh
   `lifeline_bench_chat` on 127.0.0.1:5432, dropped at the end), migrated;
2. `--conversations` patients, each with an account and a conversation with one of
   `--doctors` doctors (plain JWT access tokens for all of them), and one conversation with
   `--history` messages for the history case;
3. servers, production settings (DEBUG off, every middleware):
   * default (embedded roles): ONE `uvicorn config.asgi:application` process serving HTTP
     and WebSockets, in-memory channel layer and local-memory cache;
   * `--redis URL` (production roles): `granian --interface wsgi config.wsgi:application`
     (`--http-workers`, default 2) for the API and `uvicorn config.asgi:application` for
     `/ws/chat/`, both on Redis (channel layer, cache, presence);
4. opens one WebSocket per patient (`/ws/chat/?token=`), then for `--seconds` sends
   `--rate` POSTs per second (open loop, round robin over the conversations, each as that
   conversation's doctor) and records, per message, when the POST was sent, when its
   response came and when the patient's socket got `chat.message_created`;
5. then `--history-requests` sequential GETs of the newest 50 messages of the history
   conversation (as its doctor: each read is audited, as in production), and as the baseline
   measured in the same run, the same number of `GET /api/health/`.

Prints p50/p95/p99/max of POST->WebSocket delivery and of the POST response itself (their
p95 ratio says how much of the delivery is the write), lost messages, achieved rate, the
history page p50/p95 and its p95 ratio to the health check's.

    uv run python benchmarks/chat_latency.py                       # SQLite + in-memory
    uv run python benchmarks/chat_latency.py --postgres --redis redis://127.0.0.1:6379/13

Exit status 0 when the targets are met with nothing lost and only 2xx answers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_DATABASE = "lifeline_bench_chat"
DELIVERY_TARGET_MS = 100.0
HISTORY_TARGET_MS = 50.0


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(_percentile(values, 50), 1),
        "p95_ms": round(_percentile(values, 95), 1),
        "p99_ms": round(_percentile(values, 99), 1),
        "max_ms": round(max(values), 1) if values else float("nan"),
        "mean_ms": round(statistics.fmean(values), 1) if values else float("nan"),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- setup (child process, Django configured) ----------------------------------------------
def prepare(conversations: int, doctors: int, history: int) -> None:
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from rest_framework_simplejwt.tokens import AccessToken  # noqa: PLC0415

    from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
    from lifeline.access.models import Membership, Organization  # noqa: PLC0415
    from lifeline.accounts.models import User  # noqa: PLC0415
    from lifeline.chat import services  # noqa: PLC0415
    from lifeline.chat.models import Message  # noqa: PLC0415
    from lifeline.clinic.models.patients import CareTeamMember, Patient  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    clinic = Organization.objects.create(
        name="Bench clinic", slug="bench-clinic", kind=OrganizationKind.CLINIC
    )
    doctor_users = [
        User.objects.create_user(email=f"doctor{i}@bench.test", password=None, language="en")
        for i in range(doctors)
    ]
    for user in doctor_users:
        Membership.objects.create(user=user, organization=clinic, role=Role.DOCTOR, is_active=True)
    rows = []
    for i in range(conversations + 1):
        user = User.objects.create_user(email=f"patient{i}@bench.test", password=None)
        patient = Patient.objects.create(organization=clinic, user=user, full_name=f"P {i}")
        doctor = doctor_users[i % doctors]
        CareTeamMember.objects.create(patient=patient, doctor=doctor)
        conversation, _ = services.conversation_open(
            actor=doctor, kind="clinic.care", subject_id=patient.pk
        )
        rows.append(
            {
                "conversation": str(conversation.pk),
                "doctor_token": str(AccessToken.for_user(doctor)),
                "patient_token": str(AccessToken.for_user(user)),
            }
        )
    history_row = rows.pop()
    conversation_id = history_row["conversation"]
    from lifeline.chat.models import Conversation, MessageReceipt  # noqa: PLC0415

    conversation = Conversation.objects.get(pk=conversation_id)
    roles = {p.role: p.user_id for p in conversation.members}
    doctor_id, patient_user_id = roles["doctor"], roles["patient"]
    messages = [
        Message(
            conversation=conversation,
            sender_id=doctor_id if i % 2 else patient_user_id,
            kind="text",
            text=f"history message {i} " + "x" * 120,
        )
        for i in range(history)
    ]
    Message.objects.bulk_create(messages, batch_size=1000)
    MessageReceipt.objects.bulk_create(
        [
            MessageReceipt(
                message=m,
                conversation=conversation,
                recipient_id=patient_user_id if m.sender_id == doctor_id else doctor_id,
            )
            for m in messages
        ],
        batch_size=1000,
    )
    from django.db import connection  # noqa: PLC0415

    if connection.vendor == "postgresql":
        # What autovacuum does on a live database within a minute of a bulk load; without
        # it the planner guesses 3 messages per conversation and sorts the whole history.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(json.dumps({"rows": rows, "history": history_row}))


# --- orchestration ---------------------------------------------------------------------------
def server_environment(tmp: Path, *, postgres: bool, redis_url: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "CELERY_BROKER_URL", "SENTRY_DSN", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL=(
            f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
            if postgres
            else f"sqlite:///{tmp / 'db.sqlite3'}"
        ),
        CELERY_TASK_ALWAYS_EAGER="true",
        LIFELINE_VAR_DIR=str(tmp),
        LIFELINE_MEDIA_ROOT=str(tmp / "media"),
        LIFELINE_HTTPS="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        LIFELINE_THROTTLE_USER="100000000/min",
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _pg(sql: str) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(sql)


async def _wait_for_port(port: int, proc: subprocess.Popen[bytes], limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise TimeoutError("server did not start listening")


def stop_all(procs: list[subprocess.Popen[bytes]], *, grace: float = 10) -> None:
    """Stop the servers; kill those still running after `grace` seconds: uvicorn's graceful
    shutdown waits for sockets the client already dropped, and a server left behind would
    load every later run."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _bin(name: str) -> str:
    found = Path(sys.executable).parent / name
    return str(found) if found.exists() else (shutil.which(name) or name)


async def _measure(
    args: argparse.Namespace, data: dict[str, Any], http: str, ws: str
) -> dict[str, Any]:
    import aiohttp  # noqa: PLC0415
    from websockets.asyncio.client import connect  # noqa: PLC0415

    rows = data["rows"]
    sent_at: dict[str, float] = {}
    answered: list[float] = []
    delivered: dict[str, float] = {}
    statuses: dict[int, int] = {}

    async def reader(sock: Any) -> None:
        async for frame in sock:
            event = json.loads(frame)
            if event.get("type") == "chat.message_created":
                key = event["data"]["text"]
                if key in sent_at and key not in delivered:
                    delivered[key] = time.perf_counter()

    sockets = []
    for first in range(0, len(rows), 50):
        batch = rows[first : first + 50]
        sockets += await asyncio.gather(
            *(
                connect(
                    f"{ws}/ws/chat/?token={row['patient_token']}",
                    open_timeout=60,
                    ping_interval=None,
                )
                for row in batch
            )
        )
    readers = [asyncio.create_task(reader(s)) for s in sockets]
    await asyncio.sleep(1.0)

    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def post(seq: int) -> None:
            row = rows[seq % len(rows)]
            key = f"bench {seq}"
            url = f"{http}/api/v1/chat/conversations/{row['conversation']}/messages/"
            headers = {"Authorization": f"Bearer {row['doctor_token']}"}
            sent_at[key] = start = time.perf_counter()
            async with session.post(url, json={"text": key}, headers=headers) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1
            answered.append((time.perf_counter() - start) * 1000)

        # Warm-up (not measured): one message per 10 conversations.
        await asyncio.gather(*(post(-1 - i) for i in range(0, len(rows), 10)))
        sent_at.clear()
        answered.clear()
        delivered.clear()
        statuses.clear()

        total = int(args.rate * args.seconds)
        interval = 1.0 / args.rate
        tasks = []
        # A marker for anyone sampling the servers during the load (py-spy, pidstat).
        print(f"load: {total} messages at {args.rate}/s", file=sys.stderr, flush=True)
        started = time.perf_counter()
        for seq in range(total):
            delay = started + seq * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(seq)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(args.wait)

        latencies = [(delivered[k] - sent_at[k]) * 1000 for k in sent_at if k in delivered]
        history = data["history"]
        history_url = f"{http}/api/v1/chat/conversations/{history['conversation']}/messages/"
        history_headers = {"Authorization": f"Bearer {history['doctor_token']}"}
        page_ms: list[float] = []
        health_ms: list[float] = []
        print(
            json.dumps({"delivery": _summary(latencies), "post_response": _summary(answered)}),
            file=sys.stderr,
            flush=True,
        )
        history_deadline = time.perf_counter() + args.history_seconds
        for _ in range(args.history_requests):
            if time.perf_counter() > history_deadline:
                break
            t0 = time.perf_counter()
            async with session.get(history_url, headers=history_headers) as response:
                body = await response.json()
                statuses[response.status] = statuses.get(response.status, 0) + 1
                assert len(body["results"]) == 50  # noqa: S101
            page_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            async with session.get(f"{http}/api/health/") as response:
                await response.read()
            health_ms.append((time.perf_counter() - t0) * 1000)

    for task in readers:
        task.cancel()
    for sock in sockets:
        with contextlib.suppress(Exception):
            await sock.close()
    delivery = _summary(latencies)
    post_summary = _summary(answered)
    page = _summary(page_ms)
    health = _summary(health_ms)
    return {
        "messages": total,
        "achieved_rate": round(total / elapsed, 1),
        "lost": total - len(latencies),
        "statuses": statuses,
        "delivery": delivery,
        "post_response": post_summary,
        "delivery_to_post_p95_ratio": round(delivery["p95_ms"] / post_summary["p95_ms"], 2),
        "history_page": page,
        "health_baseline": health,
        "history_to_health_p95_ratio": round(page["p95_ms"] / health["p95_ms"], 2),
    }


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="lifeline-chat-bench-"))
    env = server_environment(tmp, postgres=args.postgres, redis_url=args.redis)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        if args.postgres:
            _pg(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            _pg(f"CREATE DATABASE {PG_DATABASE}")
        if args.redis:
            import redis  # noqa: PLC0415

            redis.Redis.from_url(args.redis).flushdb()
        prepared = subprocess.run(  # noqa: S603
            [
                sys.executable,
                __file__,
                "--prepare",
                "--conversations",
                str(args.conversations),
                "--doctors",
                str(args.doctors),
                "--history",
                str(args.history),
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
        data = json.loads(prepared.stdout.decode().strip().splitlines()[-1])
        ws_port = _free_port()
        log = open(tmp / "server.log", "wb")  # noqa: SIM115
        procs.append(
            subprocess.Popen(  # noqa: S603
                [
                    _bin("uvicorn"),
                    "config.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(ws_port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        await _wait_for_port(ws_port, procs[0])
        http_port = ws_port
        if args.redis:
            http_port = _free_port()
            procs.append(
                subprocess.Popen(  # noqa: S603
                    [
                        _bin("granian"),
                        "--interface",
                        "wsgi",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(http_port),
                        "--workers",
                        str(args.http_workers),
                        "--blocking-threads",
                        "8",
                        "config.wsgi:application",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            await _wait_for_port(http_port, procs[-1])
        result = await asyncio.wait_for(
            _measure(args, data, f"http://127.0.0.1:{http_port}", f"ws://127.0.0.1:{ws_port}"),
            timeout=args.timeout,
        )
        result["setup"] = {
            "database": "postgresql" if args.postgres else "sqlite",
            "layer": "redis" if args.redis else "in-memory",
            "roles": "granian wsgi + uvicorn asgi" if args.redis else "one uvicorn asgi",
            "conversations": args.conversations,
            "rate": args.rate,
            "seconds": args.seconds,
            "load_before": round(os.getloadavg()[0], 2),
        }
        return result
    finally:
        stop_all(procs)
        if args.postgres:
            with contextlib.suppress(Exception):
                _pg(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--doctors", type=int, default=50)
    parser.add_argument("--history", type=int, default=500)
    parser.add_argument("--rate", type=float, default=60.0, help="messages per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--wait", type=float, default=2.0, help="grace for late deliveries")
    parser.add_argument("--history-requests", type=int, default=200)
    parser.add_argument("--history-seconds", type=float, default=60.0, help="time budget")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--redis", default=None, help="redis://… (production roles)")
    parser.add_argument("--http-workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--json", default=None, help="also write the result here")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.conversations, args.doctors, args.history)
        return 0
    result = asyncio.run(_run(args))
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    ok = (
        result["lost"] == 0
        and all(200 <= int(code) < 300 for code in result["statuses"])
        and result["delivery"]["p95_ms"] <= DELIVERY_TARGET_MS
        and result["history_page"]["p95_ms"] <= HISTORY_TARGET_MS
    )
    print("PASS" if ok else "FAIL: target missed (see figures above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
