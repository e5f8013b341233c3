"""Messenger under the production roles: sustained send -> recipient's socket, and saturation
throughput against a bare pipeline measured in the same run (issue 13, section 3).

Targets: at a sustained 60 messages/s (PostgreSQL + Redis, production roles) POST sent ->
the recipient's `/ws/chat/` frame p95 <= 100 ms, nothing lost, every answer 201; and the
saturation throughput of that real path >= 0.5 x the bare pipeline's (a plain Django view that
INSERTs the message row and publishes to the channel layer, received by a plain consumer:
`benchmarks/bench_chat.py`).

What it does, bounded and self-stopping:

1. a fresh PostgreSQL database `lifeline_bench_chat` (`createdb -h 127.0.0.1 -U postgres`,
   dropped at the end); Redis databases 11 (cache, channel layer, presence) and 12 (Celery
   broker) are flushed;
2. migrates and creates a clinic with `--doctors` doctors and `--conversations` patients, each
   patient on one doctor's care team (plain JWT access tokens for everyone);
3. starts the production roles as `lifeline run web|ws|worker` builds them
   (`lifeline.cli.build_command`: granian WSGI 2 workers x 4 blocking threads with persistent
   connections, uvicorn ASGI with `DATABASE_CONN_MAX_AGE=0`, a prefork Celery worker), with
   the production settings plus the benchmark-only routes (`bench_settings`, `bench_asgi`):
   DEBUG off, every middleware, throttles on (the user rate raised, one client sends all);
4. each doctor opens the conversation with each of their patients through the real API
   (`POST /api/v1/chat/conversations/`); every patient opens the real `/ws/chat/` socket and
   one bare socket (`/ws/bench/chat/<conversation>/`) for the same conversation;
5. **sustained** (judged): open loop, `--rate` messages/s for `--seconds`, round robin over the
   conversations, each as that conversation's doctor, `POST
   /api/v1/chat/conversations/<id>/messages/` `{"text": ...}`; latency from the *scheduled*
   send time (no coordinated omission) to the patient's `chat.message_created` frame; then
   the bare pipeline at the same rate (diagnostic, `--bare-seconds`);
6. **saturation**: closed loop, `--concurrency` keep-alive connections sending back to back;
   the real path and the bare one alternate in `--rounds` segments of `--segment` seconds
   each (order swapped every round, so load from other processes hits both alike);
   throughput = frames received by the recipients' sockets per second after a short ramp.

Per case it also prints where the CPU went (from /proc: each role's process tree, the
PostgreSQL backends of this database, redis-server, this client, and the whole machine, so
"other" is everybody else's load) in ms of CPU per delivered message.

    uv run python benchmarks/chat_roles.py            # full: 20 s at 60/s, 4 rounds x 3 s
    uv run python benchmarks/chat_roles.py --quick    # smoke: 5 s, 2 rounds x 2 s
    uv run python benchmarks/chat_roles.py --database lifeline_h13 --redis-db 9 --broker-db 10

`--database`, `--redis-db`, `--broker-db` keep parallel runs on one machine apart. A request
that gets no answer (status 0) is printed with its error, how many answers its keep-alive
connection had given and how long it had been idle; `--max-idle` (20 s) reopens connections
idle longer than granian's 30 s HTTP/1 header read timeout, after which granian closes them
(`--max-idle 0` shows it).

Exit status 0 when both targets are met, nothing was lost and every answer was 201.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
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
from lifeline.cli import build_command  # noqa: E402

PG_DATABASE = "lifeline_bench_chat"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/11"
BROKER_URL = "redis://127.0.0.1:6379/12"
TARGET_P95_MS = 100.0
TARGET_RATIO = 0.5
CLK_TCK = os.sysconf("SC_CLK_TCK")
REAL, BARE = "real", "bare"


def _use_stores(database: str, redis_db: int, broker_db: int) -> None:
    """Another database / Redis DBs than the defaults (parallel runs on one machine)."""
    global PG_DATABASE, DATABASE_URL, REDIS_URL, BROKER_URL  # noqa: PLW0603
    PG_DATABASE = database
    DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{database}"
    REDIS_URL = f"redis://127.0.0.1:6379/{redis_db}"
    BROKER_URL = f"redis://127.0.0.1:6379/{broker_db}"


# --- setup (child process, Django configured) ----------------------------------------------
def prepare(conversations: int, doctors: int) -> None:
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from rest_framework_simplejwt.tokens import AccessToken  # noqa: PLC0415

    from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
    from lifeline.access.models import Membership, Organization  # noqa: PLC0415
    from lifeline.accounts.models import User  # noqa: PLC0415
    from lifeline.clinic.models import CareTeamMember, Patient  # noqa: PLC0415

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
    tokens = {user.pk: str(AccessToken.for_user(user)) for user in doctor_users}
    rows = []
    for i in range(conversations):
        user = User.objects.create_user(email=f"patient{i}@bench.test", password=None)
        patient = Patient.objects.create(organization=clinic, user=user, full_name=f"P {i}")
        doctor = doctor_users[i % doctors]
        CareTeamMember.objects.create(patient=patient, doctor=doctor)
        rows.append(
            {
                "patient_id": str(patient.pk),
                "doctor_id": str(doctor.pk),
                "doctor_token": tokens[doctor.pk],
                "patient_token": str(AccessToken.for_user(user)),
            }
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does within a minute of a bulk load
    print(json.dumps({"rows": rows}))


# --- profile (child process, Django configured, the servers running) ------------------------
def profile_child(rows_file: str, n: int, out: str) -> None:
    """Drive the WSGI application in this process (every middleware, the same database, the
    same Redis, the running uvicorn delivering to the sockets), `n` sends per case: once for
    the CPU per message, once under pyinstrument (if installed) for where it goes."""
    import cProfile  # noqa: PLC0415
    import io  # noqa: PLC0415
    import pstats  # noqa: PLC0415

    import django  # noqa: PLC0415

    django.setup()
    from django.core.wsgi import get_wsgi_application  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    app = get_wsgi_application()
    rows = json.loads(Path(rows_file).read_text())
    base = {
        "REQUEST_METHOD": "POST", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "application/json",
        "HTTP_ACCEPT": "application/json", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip

    def call(case: str, key: str, i: int) -> str:
        row = rows[i % len(rows)]
        if case == REAL:
            path = f"/api/v1/chat/conversations/{row['conversation']}/messages/"
            body = json.dumps({"text": key}).encode()
            extra = {"HTTP_AUTHORIZATION": f"Bearer {row['doctor_token']}"}
        else:
            path = f"/bench/chat/{row['conversation']}/messages/"
            body = json.dumps({"text": key, "sender": row["doctor_id"]}).encode()
            extra = {}
        environ = {**base, **extra, "PATH_INFO": path, "CONTENT_LENGTH": str(len(body)),
                   "wsgi.input": io.BytesIO(body)}  # fmt: skip
        status: list[str] = []

        def start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return lambda data: None

        response = app(environ, start_response)
        b"".join(response)
        response.close()  # type: ignore[attr-defined]
        return status[0]

    try:
        from pyinstrument import Profiler  # noqa: PLC0415
    except ImportError:
        Profiler = None  # noqa: N806
    result: dict[str, Any] = {}
    for case in (REAL, BARE):
        for i in range(20):
            call(case, f"prof-warm-{case}-{i}", i)
        queries: list[str] = []

        def record(
            execute: Any, sql: str, params: Any, many: bool, context: Any, sink: Any = queries
        ) -> Any:
            sink.append(sql[:160])
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            call(case, f"prof-queries-{case}", 0)
        pg_before = _backend_cpu(connection)
        cpu, wall = time.process_time(), time.perf_counter()
        statuses = [call(case, f"prof-{case}-{i}", i) for i in range(n)]
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        pg_after = _backend_cpu(connection)
        result[case] = {
            "statuses": sorted(set(statuses)),
            "cpu_ms_per_message": round(cpu * 1000 / n, 2),
            "wall_ms_per_message": round(wall * 1000 / n, 2),
            # This process's PostgreSQL backend; None if the connection was replaced meanwhile.
            "postgres_cpu_ms_per_message": (
                round((pg_after[1] - pg_before[1]) * 1000 / n, 2)
                if pg_before[0] == pg_after[0]
                else None
            ),
            "queries": queries,
        }
        # CPU, not wall time (a loaded machine makes a wall-clock profile mostly waiting):
        # cProfile on process_time; `python -m pstats <out>/<case>.pstats` to browse.
        cpu_profile = cProfile.Profile(time.process_time)
        cpu_profile.enable()
        for i in range(n):
            call(case, f"prof-c-{case}-{i}", i)
        cpu_profile.disable()
        cpu_profile.dump_stats(str(Path(out, f"{case}.pstats")))
        # Python function calls per send: deterministic, unlike times on a shared machine.
        calls = sum(row[1] for row in pstats.Stats(cpu_profile).stats.values())  # type: ignore[attr-defined]
        result[case]["python_calls_per_message"] = round(calls / n)
        if Profiler is not None:
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for i in range(n):
                call(case, f"prof-p-{case}-{i}", i)
            profiler.stop()
            text = profiler.output_text(unicode=False, color=False, show_all=False)
            Path(out, f"{case}.txt").write_text(text)
            Path(out, f"{case}.html").write_text(profiler.output_html())
    print(json.dumps(result))


def _backend_cpu(connection: Any) -> tuple[int, float]:
    """(pid, CPU seconds) of the PostgreSQL backend serving `connection`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    return pid, _proc_cpu(pid)


# --- CPU accounting from /proc ---------------------------------------------------------------
def _proc_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _tree_cpu(root: int, tree: dict[int, list[int]]) -> float:
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += _proc_cpu(pid)
        stack.extend(tree.get(pid, ()))
    return total


def _machine_busy() -> float:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / CLK_TCK


def _pids_named(name: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/comm") as f:
                if f.read().strip() == name:
                    found.append(int(entry))
    return found


def _pg_backends() -> list[int]:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (PG_DATABASE,),
        ).fetchall()
    return [int(r[0]) for r in rows]


@dataclass
class CpuMeter:
    roles: dict[str, int]  # role -> root pid of its process tree
    # CPU seconds of this database's PostgreSQL backends at the last snapshot, by pid.
    _pg_times: dict[int, float] = field(default_factory=dict)

    def snapshot(self) -> dict[str, float]:
        tree = _children()
        shot = {name: _tree_cpu(pid, tree) for name, pid in self.roles.items()}
        self._pg_times = {p: _proc_cpu(p) for p in _pg_backends()}
        shot["postgres"] = sum(self._pg_times.values())
        shot["redis"] = sum(_proc_cpu(p) for p in _pids_named("redis-server"))
        shot["client"] = time.process_time()
        shot["machine"] = _machine_busy()
        return shot

    def postgres_since(self, before: dict[int, float]) -> float:
        """Backends that came and went between two snapshots are not counted."""
        return sum(t - before.get(p, 0.0) for p, t in self._pg_times.items())


def _cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    delta = {k: after[k] - before[k] for k in before}
    ours = sum(v for k, v in delta.items() if k != "machine")
    delta["other"] = max(0.0, delta["machine"] - ours)
    return delta


# --- the client: raw HTTP/1.1 keep-alive over asyncio streams --------------------------------
class Http:
    """One keep-alive connection; requests are prebuilt bytes (the client's CPU stays small)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.served = 0  # answers received on this connection
        self.last_used = time.perf_counter()

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await self.reader.readexactly(length) if length else b""
        self.served += 1
        self.last_used = time.perf_counter()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def post_bytes(port: int, path: str, body: dict[str, Any], token: str | None = None) -> bytes:
    payload = json.dumps(body).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        "Accept: application/json",
        f"Content-Length: {len(payload)}",
    ]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


@dataclass
class Phase:
    case: str
    kind: str  # "sustained" or "saturation"
    sent: dict[str, float] = field(default_factory=dict)
    answered_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    lag_ms: list[float] = field(default_factory=list)
    # Why a request got no answer (status 0): the error, how many answers its connection had
    # given before, how long it had been idle, how long the request waited.
    failures: list[str] = field(default_factory=list)
    window: tuple[float, float] = (0.0, 0.0)
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)


class Bench:
    def __init__(self, args: argparse.Namespace, rows: list[dict[str, str]], http_port: int):
        self.args = args
        self.rows = rows
        self.port = http_port
        self.delivered: dict[str, float] = {}
        self.idle: list[Http] = []
        self.seq = itertools.count()
        self.meter: CpuMeter | None = None
        self.env: dict[str, str] = {}
        self.real_sockets: list[Any] = []
        self.heartbeat: asyncio.Future[None] | None = None

    # --- sockets
    async def reader(self, sock: Any, event_type: str) -> None:
        with contextlib.suppress(Exception):
            async for frame in sock:
                t = time.perf_counter()
                event = json.loads(frame)
                if event.get("type") == event_type:
                    self.delivered.setdefault(event["data"]["text"], t)

    async def connect_sockets(self, ws: str) -> list[Any]:
        from websockets.asyncio.client import connect  # noqa: PLC0415

        sockets: list[Any] = []
        for first in range(0, len(self.rows), 25):
            batch = self.rows[first : first + 25]
            real = [
                connect(f"{ws}/ws/chat/?token={r['patient_token']}", open_timeout=60,
                        ping_interval=None)
                for r in batch
            ]  # fmt: skip
            bare = [
                connect(f"{ws}/ws/bench/chat/{r['conversation']}/", open_timeout=60,
                        ping_interval=None)
                for r in batch
            ]  # fmt: skip
            opened = await asyncio.gather(*real, *bare)
            for i, sock in enumerate(opened):
                kind = "chat.message_created" if i < len(batch) else "bench.message_created"
                asyncio.ensure_future(self.reader(sock, kind))
            sockets += opened
            self.real_sockets += opened[: len(batch)]
        self.heartbeat = asyncio.ensure_future(self.ping_forever())
        return sockets

    async def ping_forever(self) -> None:
        """What the browser client does every LIFELINE_PRESENCE_TTL / 2 s: without it the
        recipients look offline after 60 s and every send enqueues an offline notice."""
        period = self.args.ping_every
        while True:
            step = period / max(len(self.real_sockets), 1)
            for sock in self.real_sockets:
                with contextlib.suppress(Exception):
                    await sock.send('{"type": "ping"}')
                await asyncio.sleep(step)

    # --- requests
    def request_for(self, case: str, key: str, n: int) -> bytes:
        row = self.rows[n % len(self.rows)]
        if case == REAL:
            path = f"/api/v1/chat/conversations/{row['conversation']}/messages/"
            return post_bytes(self.port, path, {"text": key}, row["doctor_token"])
        path = f"/bench/chat/{row['conversation']}/messages/"
        return post_bytes(self.port, path, {"text": key, "sender": row["doctor_id"]})

    async def send(self, phase: Phase, n: int, scheduled: float | None = None) -> None:
        key = f"{phase.case}-{n}"
        raw = self.request_for(phase.case, key, n)
        conn = self.idle.pop() if self.idle else Http(self.port)
        if self.args.max_idle and time.perf_counter() - conn.last_used > self.args.max_idle:
            # What keep-alive pools do (aiohttp, urllib3): granian closes a connection that
            # sent no request for 30 s (its HTTP/1 header read timeout) and a request written
            # to it gets no answer (status 0); the sustained phases leave most of the
            # saturation's connections idle that long.
            conn.close()
            conn = Http(self.port)
        start = time.perf_counter()
        phase.sent[key] = scheduled if scheduled is not None else start
        idle_ms = (start - conn.last_used) * 1000
        try:
            status, _ = await conn.request(raw)
        except (OSError, asyncio.IncompleteReadError) as exc:
            conn.close()
            status = 0
            phase.failures.append(
                f"{type(exc).__name__}({exc}) after {conn.served} answers on the connection,"
                f" idle {idle_ms:.0f} ms before, waited {(time.perf_counter() - start) * 1000:.0f}"
                " ms"
            )
        else:
            self.idle.append(conn)
        phase.answered_ms.append((time.perf_counter() - phase.sent[key]) * 1000)
        phase.statuses[status] = phase.statuses.get(status, 0) + 1

    async def drain(self, phase: Phase, grace: float) -> None:
        deadline = time.perf_counter() + grace
        while time.perf_counter() < deadline and any(k not in self.delivered for k in phase.sent):
            await asyncio.sleep(0.05)

    def _cpu_start(self) -> tuple[dict[str, float], dict[int, float]]:
        if self.meter is None:
            return {}, {}
        return self.meter.snapshot(), dict(self.meter._pg_times)

    def _cpu_stop(self, phase: Phase, before: tuple[dict[str, float], dict[int, float]]) -> None:
        if self.meter:
            after = self.meter.snapshot()
            after["postgres"] = before[0]["postgres"] + self.meter.postgres_since(before[1])
            phase.cpu = _cpu_delta(before[0], after)

    async def open_loop(self, case: str, rate: float, seconds: float) -> Phase:
        phase = Phase(case, "sustained")
        total = int(rate * seconds)
        tasks = []
        before = self._cpu_start()
        start = time.perf_counter() + 0.05
        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            phase.lag_ms.append((time.perf_counter() - scheduled) * 1000)
            tasks.append(asyncio.ensure_future(self.send(phase, next(self.seq), scheduled)))
        await asyncio.gather(*tasks)
        phase.seconds = time.perf_counter() - start
        phase.window = (start, time.perf_counter())
        await self.drain(phase, self.args.grace)
        self._cpu_stop(phase, before)
        return phase

    async def closed_loop(self, case: str, seconds: float, concurrency: int) -> Phase:
        phase = Phase(case, "saturation")
        before = self._cpu_start()
        start = time.perf_counter()
        stop = start + seconds

        async def worker() -> None:
            while time.perf_counter() < stop:
                await self.send(phase, next(self.seq))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        phase.window = (start + min(self.args.ramp, seconds / 4), stop)
        phase.seconds = phase.window[1] - phase.window[0]
        await self.drain(phase, self.args.grace)
        self._cpu_stop(phase, before)
        return phase

    # --- figures
    def latencies(self, phase: Phase) -> list[float]:
        return [
            (self.delivered[k] - t) * 1000 for k, t in phase.sent.items() if k in self.delivered
        ]

    def lost(self, phase: Phase) -> int:
        return sum(1 for k in phase.sent if k not in self.delivered)

    def throughput(self, phase: Phase) -> float:
        lo, hi = phase.window
        n = sum(1 for k in phase.sent if lo <= self.delivered.get(k, -1.0) <= hi)
        return n / phase.seconds if phase.seconds else 0.0


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(_percentile(values, 50), 1),
        "p95": round(_percentile(values, 95), 1),
        "p99": round(_percentile(values, 99), 1),
        "max": round(max(values), 1) if values else float("nan"),
    }


def _cpu_per_message(phases: list[Phase], bench: Bench) -> dict[str, float]:
    delivered = sum(len(p.sent) - bench.lost(p) for p in phases)
    keys = phases[0].cpu.keys() if phases and phases[0].cpu else []
    return {k: round(sum(p.cpu[k] for p in phases) * 1000 / max(delivered, 1), 2) for k in keys}


# --- orchestration ---------------------------------------------------------------------------
def _environment(tmp: Path, args: argparse.Namespace) -> dict[str, str]:
    env = server_environment(tmp, postgres=True, redis_url=REDIS_URL)
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=BROKER_URL,
        CELERY_TASK_ALWAYS_EAGER="false",
        LIFELINE_LOG_LEVEL="WARNING",
        LIFELINE_BIND_HOST="127.0.0.1",
    )
    if args.channel_capacity:
        env["BENCH_CHANNEL_CAPACITY"] = str(args.channel_capacity)
    return env


def _role_command(role: str, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    cmd, overrides = build_command(role, environ=env)
    if role == "ws":
        cmd = ["benchmarks.bench_asgi:application" if a == "config.asgi:application" else a
               for a in cmd]  # fmt: skip
        cmd += ["--log-level", "warning"]
    if role == "worker":
        cmd += ["--loglevel", "WARNING"]
    return [_bin(cmd[0]), *cmd[1:]], {**env, **overrides}


def _run_cmd(argv: list[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=120)


def _drop_database() -> None:
    _run_cmd(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force",
              PG_DATABASE])  # fmt: skip


async def _open_conversations(bench: Bench) -> None:
    """Each doctor opens the conversation with each of their patients through the API."""
    conns = [Http(bench.port) for _ in range(4)]

    async def one(conn: Http, row: dict[str, str]) -> None:
        raw = post_bytes(bench.port, "/api/v1/chat/conversations/",
                         {"patient_id": row["patient_id"]}, row["doctor_token"])  # fmt: skip
        status, body = await conn.request(raw)
        if status not in (200, 201):
            raise RuntimeError(f"opening a conversation answered {status}: {body[:300]!r}")
        row["conversation"] = json.loads(body)["id"]

    for first in range(0, len(bench.rows), len(conns)):
        batch = bench.rows[first : first + len(conns)]
        await asyncio.gather(*(one(c, r) for c, r in zip(conns, batch, strict=False)))
    for conn in conns:
        conn.close()


async def _measure(args: argparse.Namespace, bench: Bench, ws: str) -> dict[str, Any]:
    await _open_conversations(bench)
    sockets = await bench.connect_sockets(ws)
    await asyncio.sleep(1.0)
    # Warm-up, not measured: every conversation once on each path (fills the connection
    # pools of every granian thread and of the publisher loops).
    for case in (REAL, BARE):
        warm = Phase(case, "warm-up")
        for first in range(0, len(bench.rows), args.concurrency):
            await asyncio.gather(
                *(bench.send(warm, n) for n in range(first, min(first + args.concurrency,
                                                                 len(bench.rows))))
            )  # fmt: skip
        await bench.drain(warm, args.grace)
        if bench.lost(warm) or set(warm.statuses) != {201}:
            raise RuntimeError(f"warm-up of {case}: {warm.statuses}, lost {bench.lost(warm)}")
    if args.profile:
        return {"profile": await _profile(args, bench)}

    print(f"load: {args.rate}/s for {args.seconds} s (real)", file=sys.stderr, flush=True)
    sustained = await bench.open_loop(REAL, args.rate, args.seconds)
    bare_sustained = await bench.open_loop(BARE, args.rate, args.bare_seconds)

    saturation: dict[str, list[Phase]] = {REAL: [], BARE: []}
    for r in range(args.rounds):
        order = (REAL, BARE) if r % 2 == 0 else (BARE, REAL)
        for case in order:
            print(f"saturation round {r + 1}: {case}", file=sys.stderr, flush=True)
            saturation[case].append(await bench.closed_loop(case, args.segment, args.concurrency))
            await asyncio.sleep(0.3)
    if bench.heartbeat is not None:
        bench.heartbeat.cancel()
    for sock in sockets:
        with contextlib.suppress(Exception):
            await sock.close()
    for conn in bench.idle:
        conn.close()

    def sustained_figures(phase: Phase) -> dict[str, Any]:
        return {
            "messages": len(phase.sent),
            "offered_rate": args.rate,
            "achieved_rate": round(len(phase.sent) / phase.seconds, 1),
            "delivery_ms": _stats(bench.latencies(phase)),
            "response_ms": _stats(phase.answered_ms),
            "client_lag_ms_p99": round(_percentile(phase.lag_ms, 99), 1),
            "lost": bench.lost(phase),
            "statuses": phase.statuses,
            "no_answer": phase.failures[:20],
            "cpu_ms_per_message": _cpu_per_message([phase], bench),
        }

    def saturation_figures(phases: list[Phase]) -> dict[str, Any]:
        rates = [bench.throughput(p) for p in phases]
        statuses: dict[int, int] = {}
        for p in phases:
            for code, n in p.statuses.items():
                statuses[code] = statuses.get(code, 0) + n
        return {
            "msg_per_s": round(sum(rates) / len(rates), 1),
            "segments": [round(r, 1) for r in rates],
            "delivery_ms": _stats([x for p in phases for x in bench.latencies(p)]),
            "lost": sum(bench.lost(p) for p in phases),
            "statuses": statuses,
            "no_answer": [f for p in phases for f in p.failures][:20],
            "cpu_ms_per_message": _cpu_per_message(phases, bench),
        }

    real_sat = saturation_figures(saturation[REAL])
    bare_sat = saturation_figures(saturation[BARE])
    # The ratio per round (segments side by side), then its mean: steadier than the ratio of
    # the means when the machine's speed drifts during the run.
    per_round = [
        round(r / b, 3) if b else 0.0
        for r, b in zip(real_sat["segments"], bare_sat["segments"], strict=True)
    ]

    # What the throughput ratio is when only this benchmark's CPU limits it: the bare
    # pipeline's CPU per message over the real path's (servers, PostgreSQL, Redis, client),
    # from the same segments; far steadier than the throughput ratio on a loaded machine.
    def own_cpu(fig: dict[str, Any]) -> float:
        cpu = fig["cpu_ms_per_message"]
        return float(sum(v for k, v in cpu.items() if k not in ("machine", "other")))

    cpu_ratio = round(own_cpu(bare_sat) / own_cpu(real_sat), 3) if own_cpu(real_sat) else 0.0
    return {
        "sustained": sustained_figures(sustained),
        "sustained_bare": sustained_figures(bare_sustained),
        "saturation": {
            REAL: real_sat,
            BARE: bare_sat,
            "ratio_per_round": per_round,
            "cpu_cost_ratio": cpu_ratio,
            "ratio": round(real_sat["msg_per_s"] / bare_sat["msg_per_s"], 3)
            if bare_sat["msg_per_s"]
            else 0.0,
        },
    }


async def _wait_until_quiet(root: int, limit: float = 90.0) -> None:
    """Until a role's process tree has booted: under 5 % of a core over half a second (the
    worker's prefork children load Django for seconds after the parent starts)."""
    deadline = time.monotonic() + limit
    await asyncio.sleep(2.0)
    while time.monotonic() < deadline:
        before = _tree_cpu(root, _children())
        await asyncio.sleep(0.5)
        if _tree_cpu(root, _children()) - before < 0.025:
            return


async def _profile(args: argparse.Namespace, bench: Bench) -> dict[str, Any]:
    out = Path(args.profile_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows_file = out / "rows.json"
    rows_file.write_text(json.dumps(bench.rows))
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--profile-child", str(rows_file), "--profile", str(args.profile),
        "--profile-dir", str(out), env=bench.env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await child.communicate()
    if child.returncode:
        raise RuntimeError(stderr.decode(errors="replace")[-3000:])
    result: dict[str, Any] = json.loads(stdout.decode().strip().splitlines()[-1])
    await asyncio.sleep(args.grace)
    for case in (REAL, BARE):
        sent = [f"prof-{case}-{i}" for i in range(args.profile)]
        result[case]["delivered_to_sockets"] = sum(1 for k in sent if k in bench.delivered)
    rows_file.unlink()
    return result


def _busy_cores(seconds: float) -> float:
    before, t0 = _machine_busy(), time.monotonic()
    time.sleep(seconds)
    return round((_machine_busy() - before) / (time.monotonic() - t0), 2)


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    import redis  # noqa: PLC0415

    machine = {
        "uptime_before": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "busy_cores_before": _busy_cores(3.0),  # everybody else's load, before we start
        "cores": os.cpu_count(),
    }
    tmp = Path(tempfile.mkdtemp(prefix="lifeline-chat-roles-"))
    env = _environment(tmp, args)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        _drop_database()
        _run_cmd(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE])
        for url in (REDIS_URL, BROKER_URL):
            redis.Redis.from_url(url).flushdb()
        prepared = subprocess.run(
            [sys.executable, __file__, "--prepare", "--conversations", str(args.conversations),
             "--doctors", str(args.doctors)],
            env=env, check=True, capture_output=True, timeout=1800, cwd=ROOT,
        )  # fmt: skip
        rows = json.loads(prepared.stdout.decode().strip().splitlines()[-1])["rows"]
        http_port, ws_port = _free_port(), _free_port()
        env.update(LIFELINE_WEB_PORT=str(http_port), LIFELINE_WS_PORT=str(ws_port))
        log = open(tmp / "servers.log", "wb")  # noqa: SIM115
        roles: dict[str, int] = {}
        for role, port in (("web", http_port), ("ws", ws_port), ("worker", None)):
            cmd, role_env = _role_command(role, env)
            proc = subprocess.Popen(cmd, env=role_env, cwd=ROOT, stdout=log, stderr=log)
            procs.append(proc)
            roles[role] = proc.pid
            if port is not None:
                await _wait_for_port(port, proc)
        await _wait_until_quiet(roles["worker"])
        bench = Bench(args, rows, http_port)
        bench.env = env
        bench.meter = CpuMeter(roles)
        try:
            result = await asyncio.wait_for(
                _measure(args, bench, f"ws://127.0.0.1:{ws_port}"), timeout=args.timeout
            )
        except BaseException:
            sys.stderr.write((tmp / "servers.log").read_text(errors="replace")[-4000:])
            raise
        machine["uptime_after"] = subprocess.run(
            ["uptime"], capture_output=True, text=True
        ).stdout.strip()
        result["machine"] = machine
        result["setup"] = {
            "roles": {role: " ".join(_role_command(role, env)[0]) for role in roles},
            "conversations": args.conversations,
            "doctors": args.doctors,
            "concurrency": args.concurrency,
        }  # fmt: skip
        return result
    finally:
        stop_all(procs)
        if args.keep_log:
            with contextlib.suppress(OSError):
                shutil.copy(tmp / "servers.log", args.keep_log)
        shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(Exception):
            _drop_database()
        for url in (REDIS_URL, BROKER_URL):
            with contextlib.suppress(Exception):
                redis.Redis.from_url(url).flushdb()


def _print_report(result: dict[str, Any]) -> bool:
    s, sb, sat = result["sustained"], result["sustained_bare"], result["saturation"]
    m = result["machine"]
    print(f"machine before: {m['uptime_before']}; busy cores (others) {m['busy_cores_before']}"
          f" of {m['cores']}")  # fmt: skip
    print(f"machine after:  {m['uptime_after']}")
    print()

    def line(name: str, d: dict[str, float]) -> str:
        return (f"{name:<34} p50 {d['p50']:>7.1f}  p95 {d['p95']:>7.1f}  p99 {d['p99']:>7.1f}"
                f"  max {d['max']:>7.1f} ms  (n={d['n']})")  # fmt: skip

    for label, fig in (("real", s), ("bare (diagnostic)", sb)):
        print(f"sustained, {label}: offered {fig['offered_rate']}/s, achieved "
              f"{fig['achieved_rate']}/s, lost {fig['lost']}, statuses {fig['statuses']}, "
              f"client lag p99 {fig['client_lag_ms_p99']} ms")  # fmt: skip
        print("  " + line("send -> recipient socket", fig["delivery_ms"]))
        print("  " + line("send -> HTTP response", fig["response_ms"]))
        print(f"  CPU ms per message: {fig['cpu_ms_per_message']}")
    print()
    for case in (REAL, BARE):
        fig = sat[case]
        print(f"saturation, {case}: {fig['msg_per_s']} msg/s (segments {fig['segments']}), "
              f"lost {fig['lost']}, statuses {fig['statuses']}")  # fmt: skip
        print("  " + line("send -> recipient socket", fig["delivery_ms"]))
        print(f"  CPU ms per message: {fig['cpu_ms_per_message']}")
        for failure in fig["no_answer"]:
            print(f"  no answer: {failure}")
    print(f"ratio real / bare = {sat['ratio']:.2f} (per round {sat['ratio_per_round']})")
    print(
        f"CPU-cost ratio (bare CPU per message / real CPU per message, diagnostic) = "
        f"{sat['cpu_cost_ratio']:.2f}"
    )
    print()
    checks: list[tuple[str, bool]] = [
        (f"sustained p95 {s['delivery_ms']['p95']} ms <= {TARGET_P95_MS:.0f} ms",
         s["delivery_ms"]["p95"] <= TARGET_P95_MS),
        (f"saturation ratio {sat['ratio']:.2f} >= {TARGET_RATIO}", sat["ratio"] >= TARGET_RATIO),
        ("nothing lost", s["lost"] == 0 and sat[REAL]["lost"] == 0 and sat[BARE]["lost"] == 0),
        ("every answer 201",
         all(set(f["statuses"]) == {201} for f in (s, sb, sat[REAL], sat[BARE]))),
    ]  # fmt: skip
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    passed = all(ok for _, ok in checks)
    print("PASS" if passed else "FAIL: target missed (see figures above)")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="smoke run (5 s, 2 short rounds)")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--doctors", type=int, default=20)
    parser.add_argument("--rate", type=float, default=60.0, help="sustained messages/s")
    parser.add_argument("--seconds", type=float, default=20.0, help="sustained, real path")
    parser.add_argument("--bare-seconds", type=float, default=10.0, help="sustained, bare")
    parser.add_argument("--rounds", type=int, default=4, help="saturation rounds")
    parser.add_argument("--segment", type=float, default=3.0, help="seconds per case per round")
    parser.add_argument("--ramp", type=float, default=0.5, help="not counted, per segment")
    parser.add_argument("--concurrency", type=int, default=16, help="saturation connections")
    parser.add_argument("--ping-every", type=float, default=25.0, help="presence heartbeat")
    parser.add_argument("--grace", type=float, default=3.0, help="wait for late frames")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--json", default=None, help="also write the figures here")
    parser.add_argument(
        "--max-idle",
        type=float,
        default=20.0,
        help="reopen a keep-alive connection idle this long (s; 0: never, which shows granian"
        " closing idle connections as answers with status 0)",
    )
    parser.add_argument("--keep-log", default=None, help="copy the roles' log here at the end")
    parser.add_argument(
        "--channel-capacity",
        type=int,
        default=0,
        help="diagnostic: the channel layer's capacity (production: channels-redis' 100)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="instead of the load: N sends per case in-process (CPU per message, queries, and"
        " a pyinstrument profile if installed: uv run --with pyinstrument ...)",
    )
    parser.add_argument(
        "--profile-dir", default=str(Path(tempfile.gettempdir()) / "lifeline-chat-roles-profile")
    )
    parser.add_argument("--profile-child", default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--database", default=PG_DATABASE, help="PostgreSQL database (created, then dropped)"
    )
    parser.add_argument("--redis-db", type=int, default=11, help="cache, channel layer, presence")
    parser.add_argument("--broker-db", type=int, default=12, help="Celery broker")
    args = parser.parse_args()
    _use_stores(args.database, args.redis_db, args.broker_db)
    if args.prepare:
        prepare(args.conversations, args.doctors)
        return 0
    if args.profile_child:
        profile_child(args.profile_child, args.profile, args.profile_dir)
        return 0
    if args.quick:
        args.conversations, args.seconds, args.bare_seconds = 50, 5.0, 3.0
        args.rounds, args.segment = 2, 2.0
    with contextlib.suppress(ImportError):
        import uvloop  # noqa: PLC0415

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    result = asyncio.run(_run(args))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    if args.profile:
        print(json.dumps(result, indent=2))
        print(f"profiles (if pyinstrument was installed): {args.profile_dir}/{{real,bare}}.txt")
        return 0
    return 0 if _print_report(result) else 1


if __name__ == "__main__":
    sys.exit(main())
