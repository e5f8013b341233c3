"""Mango Office webhooks under the production roles (issue 17, Performance): 200 webhooks/s
sustained for 60 s, a realistic mix of call, summary and recording events with 5 %
duplicates, ack p95 <= 30 ms, every event processed exactly once, no request created twice,
and saturation throughput >= 0.5 x a bare Django view that verifies the same signature and
answers 200, measured in the same run.

What it does, bounded and self-stopping:

1. a fresh PostgreSQL database `lifeline_bench_fs_webhooks` (created and dropped), Redis
   DB 15 (cache) and DB 10 (Celery broker), both flushed before and after;
2. migrates and creates one service company (defaults «Впервые»/«Повтор», «Приход»), a
   city, a campaign on the tracked line +74950000001 and an operator on extension 101;
3. starts `lifeline run web` and `lifeline run worker` as `lifeline.cli.build_command`
   builds them (granian WSGI 2 workers x 4 blocking threads; a prefork Celery worker), on
   the production settings plus the benchmark routes (`bench_settings`: DEBUG off, every
   middleware, the Mango throttle at its production rate). Mango's API points at a closed
   local port, so no recording download ever leaves the machine;
4. the mix: each call posts `events/call` Appeared (seq 1), Connected on extension 101
   (seq 2, 70 % of calls: answered), Disconnected (seq 3), `events/summary`, and for an
   answered call `events/recording`; the events of 20 calls at a time interleave as a PBX
   sends them; 5 % of the posts repeat an event already sent (Mango retries);
5. sustained, open loop: `--rate` posts a second for `--seconds`, each post's ack latency
   from its *scheduled* time (no coordinated omission);
6. saturation, closed loop with `--connections` keep-alive connections for `--sat-seconds`
   each: the bare view (`/bench/mango/`: parse the form, `mango_verify`, 200) and the real
   webhook with fresh events;
7. waits (`--wait`) until the worker has processed every stored event, then checks in the
   database: one row per distinct event sent, each processed once (`attempts` = 1), one
   request per answered call whose summary was sent (no phone with two), one callback per
   missed call.

    uv run python benchmarks/fieldservice_webhooks.py            # full: 200/s for 60 s
    uv run python benchmarks/fieldservice_webhooks.py --quick    # smoke: 50/s for 10 s

Exit status 0 when ack p95 <= 30 ms, the ratio >= 0.5, every answer 200 and the database
checks hold. On a shared, loaded machine the figures say whether the script works, not
whether the targets are met.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.chat_latency import (  # noqa: E402
    _bin,
    _free_port,
    _percentile,
    _wait_for_port,
    server_environment,
    stop_all,
)
from benchmarks.chat_roles import _wait_until_quiet  # noqa: E402
from lifeline.cli import build_command  # noqa: E402
from lifeline.fieldservice.integrations.signing import mango_sign  # noqa: E402

NAME = "fieldservice_webhooks"
PG_DATABASE = "lifeline_bench_fs_webhooks"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/15"
BROKER_URL = "redis://127.0.0.1:6379/10"
KEY, SALT = "bench-mango-key", "bench-mango-salt"
LINE = "74950000001"
TARGET_P95_MS = 30.0
TARGET_RATIO = 0.5
ANSWERED_SHARE = 0.7
DUPLICATE_SHARE = 0.05


# --- setup (child process, Django configured) ----------------------------------------------
def prepare() -> None:
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
    from lifeline.access.models import Membership, Organization  # noqa: PLC0415
    from lifeline.accounts.models import User  # noqa: PLC0415
    from lifeline.fieldservice.models import Campaign, City, StaffProfile  # noqa: PLC0415
    from lifeline.fieldservice.services.reference import (  # noqa: PLC0415
        company_defaults_ensure,
    )

    call_command("migrate", verbosity=0, interactive=False)
    company = Organization.objects.create(
        name="Bench service", slug="bench-service", kind=OrganizationKind.SERVICE_COMPANY
    )
    company_defaults_ensure(organization_id=company.pk)
    city = City.objects.create(organization=company, name="Москва")
    Campaign.objects.create(organization=company, city=city, name="Авито", phone_number=f"+{LINE}")
    operator = User.objects.create(email="operator@bench.test", full_name="Operator", password="!")
    Membership.objects.create(
        user=operator, organization=company, role=Role.OPERATOR, is_active=True
    )
    profile = StaffProfile.objects.create(organization=company, user=operator, extension="101")
    profile.cities.add(city)
    print(json.dumps({"company": str(company.pk)}))


# --- the mix ----------------------------------------------------------------------------------
def _call_events(
    entry: str, phone: str, answered: bool, now: int
) -> list[tuple[str, dict[str, Any]]]:
    to = {"number": LINE, "line_number": LINE}
    events: list[tuple[str, dict[str, Any]]] = [
        (
            "events/call",
            {
                "entry_id": entry,
                "call_id": f"{entry}-a",
                "timestamp": now,
                "seq": 1,
                "call_state": "Appeared",
                "location": "abonent",
                "from": {"number": phone},
                "to": {**to, "extension": "101"},
            },
        ),
    ]
    if answered:
        events.append(
            (
                "events/call",
                {
                    "entry_id": entry,
                    "call_id": f"{entry}-a",
                    "timestamp": now + 3,
                    "seq": 2,
                    "call_state": "Connected",
                    "location": "abonent",
                    "from": {"number": phone},
                    "to": {**to, "extension": "101"},
                },
            )
        )
    events += [
        (
            "events/call",
            {
                "entry_id": entry,
                "call_id": f"{entry}-a",
                "timestamp": now + 60,
                "seq": 3,
                "call_state": "Disconnected",
                "location": "abonent",
                "from": {"number": phone},
                "to": to,
            },
        ),
        (
            "events/summary",
            {
                "entry_id": entry,
                "call_direction": 1,
                "from": {"number": phone},
                "to": {"number": LINE},
                "line_number": LINE,
                "create_time": now,
                "forward_time": now + 1,
                "talk_time": now + 3 if answered else 0,
                "end_time": now + 60,
                "entry_result": 1 if answered else 0,
                "disconnect_reason": 1110,
            },
        ),
    ]
    if answered:
        events.append(
            (
                "events/recording",
                {
                    "entry_id": entry,
                    "recording_id": f"rec-{entry}",
                    "recording_state": "Completed",
                    "timestamp": now + 61,
                },
            )
        )
    return events


class Post:
    """One webhook as posted: path, form body, the call it belongs to and its identity."""

    __slots__ = ("answered", "body", "entry", "is_summary", "key", "path")

    def __init__(self, path: str, payload: dict[str, Any], answered: bool) -> None:
        raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        self.path = path
        self.body = {
            "vpbx_api_key": KEY,
            "sign": mango_sign(api_key=KEY, payload=raw, api_salt=SALT),
            "json": raw,
        }
        self.entry = str(payload["entry_id"])
        self.key = (path, self.entry, int(payload.get("seq") or 0) if path == "events/call" else 0)
        self.answered = answered
        self.is_summary = path == "events/summary"


def build_mix(count: int, prefix: str, first_phone: int, seed: int) -> list[Post]:
    """`count` posts: calls interleaved 20 at a time, 5 % repeats of an earlier post."""
    rng = random.Random(seed)
    now = int(time.time())
    posts: list[Post] = []
    call = 0
    while len(posts) < count:
        batch = []
        for _ in range(20):
            answered = rng.random() < ANSWERED_SHARE
            entry = f"{prefix}-{call}"
            phone = f"7916{first_phone + call:07d}"
            batch.append(
                [Post(p, e, answered) for p, e in _call_events(entry, phone, answered, now)]
            )
            call += 1
        for step in range(max(len(b) for b in batch)):
            for events in batch:
                if step < len(events):
                    posts.append(events[step])
                    if rng.random() < DUPLICATE_SHARE:
                        posts.append(posts[rng.randrange(max(0, len(posts) - 200), len(posts))])
    return posts[:count]


# --- load -------------------------------------------------------------------------------------
async def sustained(http: str, posts: list[Post], rate: float, connections: int) -> dict[str, Any]:
    import aiohttp  # noqa: PLC0415

    statuses: dict[int, int] = {}
    latencies: list[float] = []
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections),
        timeout=aiohttp.ClientTimeout(total=30),
    )
    pending: set[asyncio.Task[None]] = set()

    async def send(post: Post, due: float) -> None:
        try:
            async with session.post(
                f"{http}/api/v1/fieldservice/mango/{post.path}", data=post.body
            ) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1
        except (aiohttp.ClientError, TimeoutError):
            statuses[0] = statuses.get(0, 0) + 1
            return
        latencies.append((time.perf_counter() - due) * 1000)

    start = time.perf_counter() + 0.5
    for i, post in enumerate(posts):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(send(post, due))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    await session.close()
    return {"posts": len(posts), "rate": rate, "statuses": statuses, **_summary(latencies)}


async def saturation(
    url_of: Any, posts: list[Post], seconds: float, connections: int
) -> dict[str, Any]:
    """Closed loop: `connections` clients post back to back for `seconds`."""
    import aiohttp  # noqa: PLC0415

    statuses: dict[int, int] = {}
    sent: list[Post] = []
    queue = iter(posts)
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections),
        timeout=aiohttp.ClientTimeout(total=30),
    )
    stop = time.perf_counter() + seconds

    async def client() -> None:
        while time.perf_counter() < stop:
            post = next(queue, None)
            if post is None:
                return
            try:
                async with session.post(url_of(post), data=post.body) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1
            except (aiohttp.ClientError, TimeoutError):
                statuses[0] = statuses.get(0, 0) + 1
            sent.append(post)

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    await session.close()
    ok = statuses.get(200, 0)
    return {
        "posts": len(sent),
        "statuses": statuses,
        "per_second": round(ok / elapsed, 1),
        "sent": sent,
    }


def _summary(latencies: list[float]) -> dict[str, Any]:
    if not latencies:
        return {"answered": 0}
    return {
        "answered": len(latencies),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
    }


# --- checks -----------------------------------------------------------------------------------
def _sql(query: str) -> list[tuple[Any, ...]]:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        return list(conn.execute(query).fetchall())


async def check(posts: list[Post], wait: float) -> dict[str, Any]:
    """Wait for the worker to drain, then compare the database with what was sent."""
    distinct = {post.key: post for post in posts}
    summaries = [p for p in distinct.values() if p.is_summary]
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        (left,) = _sql("SELECT count(*) FROM fieldservice_mangoevent WHERE processed_at IS NULL")[0]
        if left == 0:
            break
        await asyncio.sleep(0.5)
    (stored, unprocessed, twice) = _sql(
        "SELECT count(*), count(*) FILTER (WHERE processed_at IS NULL), "
        "count(*) FILTER (WHERE attempts > 1) FROM fieldservice_mangoevent"
    )[0]
    (requests,) = _sql("SELECT count(*) FROM fieldservice_servicerequest")[0]
    (phones_twice,) = _sql(
        "SELECT count(*) FROM (SELECT client_phone FROM fieldservice_servicerequest "
        "GROUP BY client_phone HAVING count(*) > 1) AS t"
    )[0]
    (callbacks,) = _sql("SELECT count(*) FROM fieldservice_callbacktask")[0]
    expected_requests = sum(1 for p in summaries if p.answered)
    expected_callbacks = len(summaries) - expected_requests
    result = {
        "posts": len(posts),
        "distinct_events": len(distinct),
        "events_stored": stored,
        "events_unprocessed": unprocessed,
        "events_processed_more_than_once": twice,
        "requests": requests,
        "requests_expected": expected_requests,
        "phones_with_two_requests": phones_twice,
        "callbacks": callbacks,
        "callbacks_expected": expected_callbacks,
    }
    result["passed"] = (
        stored == len(distinct)
        and unprocessed == 0
        and twice == 0
        and requests == expected_requests
        and phones_twice == 0
        and callbacks == expected_callbacks
    )
    return result


# --- orchestration ----------------------------------------------------------------------------
def _environment(tmp: Path) -> dict[str, str]:
    env = server_environment(tmp, postgres=True, redis_url=REDIS_URL)
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=BROKER_URL,
        CELERY_TASK_ALWAYS_EAGER="false",
        LIFELINE_LOG_LEVEL="WARNING",
        LIFELINE_BIND_HOST="127.0.0.1",
        FIELDSERVICE_MANGO_API_KEY=KEY,
        FIELDSERVICE_MANGO_API_SALT=SALT,
        # Recording downloads (a minute after the event) hit a closed local port.
        FIELDSERVICE_MANGO_BASE_URL="http://127.0.0.1:9/vpbx/",
    )
    return env


def _role_command(role: str, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    cmd, overrides = build_command(role, environ=env)
    if role == "worker":
        cmd += ["--loglevel", "WARNING"]
    return [_bin(cmd[0]), *cmd[1:]], {**env, **overrides}


def _db(*argv: str) -> None:
    subprocess.run(
        [*argv, "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE],  # noqa: S603
        check=True,
        capture_output=True,
        timeout=120,
    )


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    import redis  # noqa: PLC0415

    tmp = Path(tempfile.mkdtemp(prefix="lifeline-fs-webhooks-"))
    env = _environment(tmp)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        _db("dropdb", "--if-exists", "--force")
        _db("createdb")
        for url in (REDIS_URL, BROKER_URL):
            redis.Redis.from_url(url).flushdb()
        subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--prepare"],
            env=env,
            check=True,
            capture_output=True,
            timeout=1800,
            cwd=ROOT,
        )
        port = _free_port()
        env["LIFELINE_WEB_PORT"] = str(port)
        log = open(tmp / "servers.log", "wb")  # noqa: SIM115
        roles: dict[str, int] = {}
        for role in ("web", "worker"):
            cmd, role_env = _role_command(role, env)
            proc = subprocess.Popen(cmd, env=role_env, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603
            procs.append(proc)
            roles[role] = proc.pid
            if role == "web":
                await _wait_for_port(port, proc)
        await _wait_until_quiet(roles["worker"])
        http = f"http://127.0.0.1:{port}"
        try:
            return await asyncio.wait_for(_measure(args, http), timeout=args.timeout)
        except BaseException:
            sys.stderr.write((tmp / "servers.log").read_text(errors="replace")[-4000:])
            raise
    finally:
        stop_all(procs, grace=20)
        for url in (REDIS_URL, BROKER_URL):
            with contextlib.suppress(Exception):
                redis.Redis.from_url(url).flushdb()
        with contextlib.suppress(Exception):
            _db("dropdb", "--if-exists", "--force")
        shutil.rmtree(tmp, ignore_errors=True)


async def _measure(args: argparse.Namespace, http: str) -> dict[str, Any]:
    count = int(args.rate * args.seconds)
    warm = build_mix(200, "warm", 0, seed=1)
    main = build_mix(count, "sustained", 100_000, seed=2)
    fresh = build_mix(int(args.sat_seconds * 2000), "saturation", 3_000_000, seed=3)
    result: dict[str, Any] = {
        "rate": args.rate,
        "seconds": args.seconds,
        "load_average_before": [round(v, 2) for v in os.getloadavg()],
    }
    await sustained(http, warm, min(args.rate, 50.0), args.connections)  # connections, caches
    await saturation(lambda p: f"{http}/bench/mango/", warm, 1.0, args.connections)
    result["sustained"] = await sustained(http, main, args.rate, args.connections)
    bare = await saturation(
        lambda p: f"{http}/bench/mango/", fresh, args.sat_seconds, args.connections
    )
    real = await saturation(
        lambda p: f"{http}/api/v1/fieldservice/mango/{p.path}",
        fresh,
        args.sat_seconds,
        args.connections,
    )
    result["saturation"] = {
        "bare": {k: v for k, v in bare.items() if k != "sent"},
        "real": {k: v for k, v in real.items() if k != "sent"},
        "ratio": round(real["per_second"] / bare["per_second"], 3) if bare["per_second"] else 0.0,
    }
    result["load_average_after_load"] = [round(v, 2) for v in os.getloadavg()]
    result["database"] = await check([*warm, *main, *real["sent"]], args.wait)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50/s for 10 s, 3 s saturation")
    parser.add_argument("--rate", type=float, default=200.0, help="webhooks per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--sat-seconds", type=float, default=10.0, help="per saturation case")
    parser.add_argument("--connections", type=int, default=32, help="HTTP keep-alive pool")
    parser.add_argument("--wait", type=float, default=120.0, help="for the worker to drain")
    parser.add_argument("--timeout", type=float, default=900.0, help="hard limit, seconds")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if args.quick:
        args.rate, args.seconds, args.sat_seconds = 50.0, 10.0, 3.0
    result = asyncio.run(_run(args))
    sustained_ = result["sustained"]
    passed = (
        sustained_.get("p95_ms", float("inf")) <= TARGET_P95_MS
        and set(sustained_["statuses"]) == {200}
        and result["saturation"]["ratio"] >= TARGET_RATIO
        and result["database"]["passed"]
    )
    result["passed"] = passed
    if args.json:
        print(json.dumps(result))
        return 0 if passed else 1
    print(
        f"{NAME}: {args.rate:g} webhooks/s for {args.seconds:g} s (call/summary/recording, "
        f"{DUPLICATE_SHARE:.0%} repeats); granian x2 + Celery worker, PostgreSQL, Redis"
    )
    s = sustained_
    print("| case | posts | p50 ms | p95 ms | p99 ms | max ms | answers |")
    print("|---|---:|---:|---:|---:|---:|---|")
    print(
        f"| sustained | {s['posts']} | {s.get('p50_ms')} | {s.get('p95_ms')} | "
        f"{s.get('p99_ms')} | {s.get('max_ms')} | {s['statuses']} |"
    )
    sat = result["saturation"]
    print(
        f"saturation ({args.connections} connections, {args.sat_seconds:g} s each): bare "
        f"{sat['bare']['per_second']}/s {sat['bare']['statuses']}, real "
        f"{sat['real']['per_second']}/s {sat['real']['statuses']}, ratio {sat['ratio']}"
    )
    print(f"database: {result['database']}")
    print(
        f"load average before {result['load_average_before']}, after the load "
        f"{result['load_average_after_load']}; targets p95 <= {TARGET_P95_MS:g} ms, ratio >= "
        f"{TARGET_RATIO}, exactly once: {'PASS' if passed else 'FAIL'}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
