"""Ambulance crew positions fanned out to dispatcher sockets, production roles (issue 16,
Performance): positions from 500 teams every 5 s to 50 dispatcher sockets, p99 <= 250 ms from
the position POST to the socket frame, none lost.

What it does, bounded and self-stopping:

1. a fresh PostgreSQL database `lifeline_bench_amb_fanout` (created and dropped) and Redis
   database 9 (flushed before and after: cache, channel layer);
2. migrates and creates one station with `--teams` teams (three crew members and a car each;
   the senior's JWT access token posts the team's position) and `--dispatchers` dispatchers;
3. starts the production roles as `lifeline run web|ws` build them
   (`lifeline.cli.build_command`: granian WSGI, 2 workers x 4 blocking threads, persistent
   connections; uvicorn ASGI with `DATABASE_CONN_MAX_AGE=0`), production settings, DEBUG
   off, every middleware, throttles on (the user rate raised as for the other benchmarks);
4. every dispatcher opens the real `/ws/dispatch/` socket (JWT in `Authorization`);
5. open loop for `--seconds`: team i posts `POST /api/v1/ambulance/teams/<id>/position/` at
   `i * interval / teams + k * interval` (so `teams / interval` posts a second, evenly
   spread), each with its own point; a post's latency to each socket is from its
   *scheduled* send time (no coordinated omission) to that socket's `team_moved` frame
   with the post's point; a frame not there `--wait` seconds after the last post is lost;
6. a baseline in the same run: the same schedule, but each "post" is one raw
   `channel_layer.group_send` from this process to the station group (no HTTP, no
   database), received by the same sockets: what the socket layer alone costs.

Prints p50/p95/p99/max per case, lost frames, non-204 answers, the p99 ratio (real/baseline),
and the CPU seconds of each role, PostgreSQL, Redis, this client and the rest of the machine
(`other`: every other process — the machine is shared) during each case.

    uv run python benchmarks/ambulance_fanout.py            # full: 500 teams, 50 sockets, 30 s
    uv run python benchmarks/ambulance_fanout.py --quick    # smoke: 100 teams, 10 sockets, 10 s

Exit status 0 when the real path meets p99 <= 250 ms with nothing lost and every answer 204.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
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
from benchmarks.chat_roles import _children, _machine_busy, _pids_named, _proc_cpu, _tree_cpu  # noqa: E402
from lifeline.cli import build_command  # noqa: E402

NAME = "ambulance_fanout"
PG_DATABASE = "lifeline_bench_amb_fanout"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/9"
TARGET_P99_MS = 250.0


# --- setup (child process, Django configured) ----------------------------------------------
def prepare(teams: int, dispatchers: int) -> None:
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415
    from rest_framework_simplejwt.tokens import AccessToken  # noqa: PLC0415

    from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
    from lifeline.access.models import Membership, Organization  # noqa: PLC0415
    from lifeline.accounts.models import User  # noqa: PLC0415
    from lifeline.ambulance.models import Car, Team, TeamMember  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    station = Organization.objects.create(
        name="Bench station", slug="bench-station", kind=OrganizationKind.AMBULANCE_STATION
    )
    letters = "АВЕКМНОРСТУХ"
    cars = Car.objects.bulk_create(
        [
            Car(
                organization=station,
                plate=f"{letters[i % 12]}{i % 1000:03d}{letters[(i // 12) % 12]}"
                f"{letters[(i // 144) % 12]}{78 + i // 1000}",
                model="ГАЗель Next",
            )
            for i in range(teams)
        ]
    )
    crew = User.objects.bulk_create(
        [
            User(email=f"crew-{i:04d}@bench.test", full_name=f"Crew {i:04d}", password="!")
            for i in range(teams * 3)
        ],
        batch_size=2000,
    )
    staff = User.objects.bulk_create(
        [
            User(email=f"dispatcher-{i:03d}@bench.test", full_name=f"D {i}", password="!")
            for i in range(dispatchers)
        ]
    )
    now = timezone.now()
    Membership.objects.bulk_create(
        [Membership(user=u, organization=station, role=Role.CREW, is_active=True) for u in crew]
        + [
            Membership(user=u, organization=station, role=Role.DISPATCHER, is_active=True)
            for u in staff
        ],
        batch_size=2000,
    )
    team_rows = Team.objects.bulk_create(
        [
            Team(
                organization=station,
                name=f"Team {i:03d}",
                car=cars[i],
                lead=crew[i * 3],
                on_shift=True,
                lat=59.9343,
                lon=30.3351,
                position_at=now,
            )
            for i in range(teams)
        ]
    )
    TeamMember.objects.bulk_create(
        [
            TeamMember(team=t, user=crew[i * 3 + k])
            for i, t in enumerate(team_rows)
            for k in range(3)
        ],
        batch_size=2000,
    )
    print(
        json.dumps(
            {
                "station": str(station.pk),
                "teams": [
                    [str(t.pk), str(AccessToken.for_user(crew[i * 3]))]
                    for i, t in enumerate(team_rows)
                ],
                "dispatchers": [str(AccessToken.for_user(u)) for u in staff],
            }
        )
    )


# --- CPU accounting (as chat_roles) ------------------------------------------------------------
def _pg_backends() -> list[int]:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (PG_DATABASE,),
        ).fetchall()
    return [int(r[0]) for r in rows]


def _cpu(roles: dict[str, int]) -> dict[str, float]:
    tree = _children()
    shot = {name: _tree_cpu(pid, tree) for name, pid in roles.items()}
    shot["postgres"] = sum(_proc_cpu(p) for p in _pg_backends())
    shot["redis"] = sum(_proc_cpu(p) for p in _pids_named("redis-server"))
    shot["client"] = time.process_time()
    shot["machine"] = _machine_busy()
    return shot


def _cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    # A backend that came and went between the snapshots can make a delta negative: 0.
    delta = {k: round(max(0.0, after[k] - before[k]), 1) for k in before}
    ours = sum(v for k, v in delta.items() if k != "machine")
    delta["other"] = round(max(0.0, delta["machine"] - ours), 1)
    return delta


# --- measurement ----------------------------------------------------------------------------
class Sockets:
    """The dispatchers' sockets; each records when a `team_moved` frame for a point arrives."""

    def __init__(self) -> None:
        self.arrivals: dict[tuple[str, float], list[float]] = {}
        self.other_frames = 0
        self.sockets: list[Any] = []
        self.readers: list[asyncio.Task[None]] = []

    async def open(self, url: str, tokens: list[str]) -> None:
        from websockets.asyncio.client import connect  # noqa: PLC0415

        for token in tokens:
            ws = await connect(
                url,
                additional_headers={"Authorization": f"Bearer {token}"},
                open_timeout=60,
                ping_interval=None,
                max_queue=None,
            )
            self.sockets.append(ws)
            self.readers.append(asyncio.create_task(self._read(ws)))

    async def _read(self, ws: Any) -> None:
        with contextlib.suppress(Exception):
            async for raw in ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                payload = frame.get("payload") or {}
                if frame.get("type") != "team_moved":
                    self.other_frames += 1
                    continue
                key = (str(payload.get("team_id")), round(float(payload.get("lon") or 0.0), 6))
                self.arrivals.setdefault(key, []).append(now)

    async def close(self) -> None:
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)


def _schedule(teams: int, interval: float, seconds: float) -> list[tuple[float, int, int]]:
    """(offset seconds, team index, round) for every post, in time order."""
    plan = []
    rounds = max(1, int(seconds / interval))
    for k in range(rounds):
        for i in range(teams):
            plan.append((k * interval + i * interval / teams, i, k))
    return plan


def _point(k: int, i: int, case: str) -> tuple[float, float]:
    # A distinct longitude per (case, round, team) so a frame names its post.
    base = {"real": 30.0, "baseline": 31.0}.get(case, 29.0)
    return 59.9 + i * 1e-5, round(base + k * 0.001 + i * 1e-6, 6)


def _summary(latencies: list[float], expected: int) -> dict[str, Any]:
    if not latencies:
        return {"received": 0, "lost": expected}
    return {
        "received": len(latencies),
        "lost": expected - len(latencies),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
    }


async def _case(
    case: str,
    data: dict[str, Any],
    sockets: Sockets,
    http: str,
    args: argparse.Namespace,
    roles: dict[str, int],
) -> dict[str, Any]:
    import aiohttp  # noqa: PLC0415

    from lifeline.ambulance import events  # noqa: PLC0415
    from lifeline.realtime.events import Event, apublish  # noqa: PLC0415

    plan = _schedule(len(data["teams"]), args.interval, args.seconds)
    sent: dict[tuple[str, float], float] = {}
    statuses: dict[int, int] = {}
    group = events.station_group(data["station"])
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=args.connections),
        timeout=aiohttp.ClientTimeout(total=30),
    )
    pending: set[asyncio.Task[None]] = set()

    async def post(team_id: str, token: str, lat: float, lon: float) -> None:
        try:
            async with session.post(
                f"{http}/api/v1/ambulance/teams/{team_id}/position/",
                json={"lat": lat, "lon": lon},
                headers={"Authorization": f"Bearer {token}"},
            ) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1
        except (aiohttp.ClientError, TimeoutError):
            statuses[0] = statuses.get(0, 0) + 1

    async def raw(team_id: str, lat: float, lon: float) -> None:
        event = Event(
            type=events.TEAM_MOVED,
            data={"team_id": team_id, "name": "", "on_shift": True, "lat": lat, "lon": lon,
                  "position_at": None},
        )  # fmt: skip
        await apublish(event, [group])
        statuses[204] = statuses.get(204, 0) + 1

    before = _cpu(roles)
    start = time.perf_counter() + 0.5
    for offset, i, k in plan:
        due = start + offset
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        team_id, token = data["teams"][i]
        lat, lon = _point(k, i, case)
        sent[(team_id, lon)] = due
        coro = post(team_id, token, lat, lon) if case != "baseline" else raw(team_id, lat, lon)
        task = asyncio.create_task(coro)
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    expected = len(sent) * len(sockets.sockets)
    deadline = time.perf_counter() + args.wait
    while time.perf_counter() < deadline:
        if sum(len(sockets.arrivals.get(key, ())) for key in sent) >= expected:
            break
        await asyncio.sleep(0.05)
    cpu = _cpu_delta(before, _cpu(roles))
    await session.close()
    latencies = [
        (arrival - due) * 1000
        for key, due in sent.items()
        for arrival in sockets.arrivals.get(key, ())
    ]
    return {
        "posts": len(sent),
        "posts_per_second": round(len(data["teams"]) / args.interval, 1),
        "statuses": statuses,
        **_summary(latencies, expected),
        "cpu_seconds": cpu,
        "elapsed_s": round(time.perf_counter() - start, 1),
    }


def _role_command(role: str, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    cmd, overrides = build_command(role, environ=env)
    if role == "ws":
        cmd += ["--log-level", "warning"]
    return [_bin(cmd[0]), *cmd[1:]], {**env, **overrides}


def _createdb(drop_only: bool = False) -> None:
    subprocess.run(
        [_bin("dropdb") if shutil.which("dropdb") else "dropdb", "-h", "127.0.0.1", "-U",
         "postgres", "--if-exists", "--force", PG_DATABASE],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    if not drop_only:
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="lifeline-amb-fanout-"))
    env = server_environment(tmp, postgres=True, redis_url=REDIS_URL)
    env.update(DATABASE_URL=DATABASE_URL, LIFELINE_LOG_LEVEL="WARNING")
    procs: list[subprocess.Popen[bytes]] = []
    import redis  # noqa: PLC0415

    redis.Redis.from_url(REDIS_URL).flushdb()
    _createdb()
    try:
        prepared = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--prepare", "--teams", str(args.teams),
             "--dispatchers", str(args.dispatchers)],
            env=env, check=True, capture_output=True, timeout=2400, cwd=ROOT,
        )  # fmt: skip
        data = json.loads(prepared.stdout.decode().strip().splitlines()[-1])
        log = open(tmp / "server.log", "wb")  # noqa: SIM115
        ports = {"web": _free_port(), "ws": _free_port()}
        roles: dict[str, int] = {}
        for role in ("web", "ws"):
            role_env = {
                **env,
                "LIFELINE_WEB_PORT": str(ports["web"]),
                "LIFELINE_WS_PORT": str(ports["ws"]),
            }
            cmd, proc_env = _role_command(role, role_env)
            procs.append(
                subprocess.Popen(cmd, env=proc_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
            )
            roles[role] = procs[-1].pid
            await _wait_for_port(ports[role], procs[-1])
        # This process publishes the baseline: the servers' settings and channel layer.
        os.environ.update(env)
        import django  # noqa: PLC0415

        django.setup()
        sockets = Sockets()
        await sockets.open(f"ws://127.0.0.1:{ports['ws']}/ws/dispatch/", data["dispatchers"])
        await asyncio.sleep(1.0)  # every consumer in its group
        http = f"http://127.0.0.1:{ports['web']}"
        return await asyncio.wait_for(
            _measure(args, data, sockets, http, roles), timeout=args.timeout
        )
    finally:
        stop_all(procs, grace=20)
        with contextlib.suppress(Exception):
            redis.Redis.from_url(REDIS_URL).flushdb()
        with contextlib.suppress(Exception):
            _createdb(drop_only=True)
        shutil.rmtree(tmp, ignore_errors=True)


async def _measure(
    args: argparse.Namespace,
    data: dict[str, Any],
    sockets: Sockets,
    http: str,
    roles: dict[str, int],
) -> dict[str, Any]:
    try:
        # Warm-up: one post per team (connections, caches), not measured.
        warm = argparse.Namespace(**{**vars(args), "seconds": args.interval, "wait": 5.0})
        await _case("warmup", data, sockets, http, warm, roles)
        result: dict[str, Any] = {
            "teams": args.teams,
            "dispatcher_sockets": args.dispatchers,
            "interval_s": args.interval,
            "seconds": args.seconds,
            "load_average_before": [round(v, 2) for v in os.getloadavg()],
        }
        result["baseline"] = await _case("baseline", data, sockets, http, args, roles)
        result["real"] = await _case("real", data, sockets, http, args, roles)
        result["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
        result["other_frames"] = sockets.other_frames
        return result
    finally:
        await sockets.close()
        from channels.layers import get_channel_layer  # noqa: PLC0415

        with contextlib.suppress(Exception):
            await get_channel_layer().close_pools()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 teams, 10 sockets, 10 s")
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument("--dispatchers", type=int, default=50)
    parser.add_argument(
        "--interval", type=float, default=5.0, help="seconds between a team's posts"
    )
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--wait", type=float, default=10.0, help="after the last post")
    parser.add_argument("--connections", type=int, default=32, help="HTTP keep-alive pool")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="hard limit of the measurement, seconds"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.teams, args.dispatchers, args.seconds = 100, 10, 10.0
    if args.prepare:
        prepare(args.teams, args.dispatchers)
        return 0
    result = asyncio.run(_run(args))
    real = result["real"]
    passed = (
        real.get("p99_ms", float("inf")) <= TARGET_P99_MS
        and real["lost"] == 0
        and set(real["statuses"]) == {204}
    )
    base_p99 = result["baseline"].get("p99_ms")
    result["p99_ratio_real_to_baseline"] = (
        round(real["p99_ms"] / base_p99, 1) if base_p99 and "p99_ms" in real else None
    )
    result["passed"] = passed
    if args.json:
        print(json.dumps(result))
        return 0 if passed else 1
    print(
        f"{NAME}: {args.teams} teams every {args.interval:g} s "
        f"({args.teams / args.interval:g} posts/s) -> {args.dispatchers} dispatcher sockets, "
        f"{args.seconds:g} s; granian x2 + uvicorn, PostgreSQL, Redis"
    )
    print("| case | posts | frames | lost | p50 ms | p95 ms | p99 ms | max ms | answers |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for case in ("baseline", "real"):
        r = result[case]
        print(
            f"| {case} | {r['posts']} | {r['received']} | {r['lost']} | {r.get('p50_ms')} | "
            f"{r.get('p95_ms')} | {r.get('p99_ms')} | {r.get('max_ms')} | {r['statuses']} |"
        )
    for case in ("baseline", "real"):
        print(f"CPU seconds during {case}: {result[case]['cpu_seconds']}")
    print(
        f"p99 real/baseline: {result['p99_ratio_real_to_baseline']}; load average before "
        f"{result['load_average_before']}, after {result['load_average_after']}; "
        f"target p99 <= {TARGET_P99_MS:g} ms, none lost: {'PASS' if passed else 'FAIL'}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
