"""Benchmark: location ingestion from 200 devices over HTTP, buffered (Redis + drain) vs INSERT.

Production roles on loopback: PostgreSQL (`lifeline_bench_sos_ingest`, created and dropped),
Redis (`--redis`, default DB 7: the ingest keys and the `bulk` queue there are cleared),
granian WSGI (2 workers, 4 blocking threads, persistent DB connections, DEBUG off, every
middleware) and a real Celery worker subprocess on queue `bulk` (`-P solo`) that drains the
buffer; this script plays beat (one `sos.drain_locations` per second). 200 devices each hold
one keep-alive connection (2 processes x 100 threads, raw sockets) and POST
`/api/v1/devices/<uid>/location/` with their device token back to back, each point with its
own timestamp.

Cases (each >= 10 s): 1, 10 and 150 points per request (150: the shape the issue's own
throttle of one report per 10 s per device implies for 3,000 points/s from 200 devices), with the
buffer (`SOS_INGEST_BUFFER=true`) and with an INSERT in the request (`false`, the baseline;
a server restart in between). After each buffered case the script waits for the drain and
checks rows == accepted points (no point lost, none doubled). Prints points/s, requests/s,
p50/p99 request latency, the drain lag after the load stopped, and the load average.
Target (issue 6): >= 3,000 points/s sustained, no point lost.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.api_read import _free_port, _granian, _wait_until_up  # noqa: E402

HOST = "127.0.0.1"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
DATABASE = "lifeline_bench_sos_ingest"
DEVICES = 200
PROCESSES = 2
TARGET_POINTS_PER_SECOND = 3000
# Points per request. Issue 6 sizes the device throttle for one report per 10 s: 200 devices
# then send at most 20 requests/s, so 3,000 points/s reach the server as 150 points a report
# (a watch uploading its buffered track). 1 and 10 show the per-request cost.
BATCHES = (1, 10, 150)
# The judged case: every device sends one report of 150 points every 10 s (open loop, the
# devices spread over the interval) = 3,000 points/s offered; "sustained" means all of it is
# accepted and the buffer is drained as it arrives (small backlog and drain lag).
PACED_BATCH = 150
PACED_INTERVAL = 10.0
PACED_SECONDS = 20.0
MAX_DRAIN_LAG_SECONDS = 2.0
MAX_SECONDS = 20.0


# --- setup, in a child process with Django configured -----------------------------------
def prepare() -> None:
    import django  # noqa: PLC0415

    django.setup()
    from lifeline.accounts.models import User  # noqa: PLC0415
    from lifeline.sos.services.devices import device_register, device_token_rotate  # noqa: PLC0415

    owner = User.objects.create_user(email="ingest-bench@example.org", password=None)
    devices = []
    for i in range(DEVICES):
        device = device_register(owner=owner, device_uid=f"bench-watch-{i:04d}")
        token = device_token_rotate(device=device, actor=owner)
        devices.append([device.device_uid, token])
    print(json.dumps({"devices": devices}))


def count_rows() -> None:
    import django  # noqa: PLC0415

    django.setup()
    from lifeline.sos.models import LocationPoint  # noqa: PLC0415

    print(LocationPoint.objects.count())


# --- load ---------------------------------------------------------------------------------
@dataclass
class Load:
    requests: int = 0
    points: int = 0
    errors: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)

    def merge(self, other: Load) -> None:
        self.requests += other.requests
        self.points += other.points
        self.errors += other.errors
        for k, v in other.statuses.items():
            self.statuses[k] = self.statuses.get(k, 0) + v
        self.latencies_ms.extend(other.latencies_ms)

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(int(q * len(ordered)), len(ordered) - 1)] if ordered else 0.0


def _read(sock: socket.socket, buffer: bytes) -> tuple[int, bytes]:
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    head, _, buffer = buffer.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(buffer) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    return int(head[9:12]), buffer[length:]


def _device_loop(
    port: int,
    uid: str,
    token: str,
    batch: int,
    base: datetime,
    deadline: float,
    out: Load,
    pace: tuple[float, float, int] | None = None,
) -> None:
    """Send back to back until `deadline`, or with `pace=(offset, interval, reports)` that
    many reports, one every `interval` seconds from `offset`."""
    sock = socket.create_connection((HOST, port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    head = (
        f"POST /api/v1/devices/{uid}/location/ HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Authorization: Device {token}\r\nContent-Type: application/json\r\n"
        "Accept: application/json\r\n"
    )
    buffer = b""
    n = 0
    next_at = time.perf_counter() + pace[0] if pace else 0.0
    left = pace[2] if pace else -1
    try:
        while (started := time.perf_counter()) < deadline or pace:
            if pace:
                if left == 0:
                    break
                left -= 1
                time.sleep(max(0.0, next_at - started))
                next_at += pace[1]
                started = time.perf_counter()
            points = []
            for _ in range(batch):
                n += 1
                at = (base + timedelta(milliseconds=n)).isoformat().replace("+00:00", "Z")
                points.append(
                    f'{{"lat":{41.3 + n * 1e-6:.6f},"lon":69.24,"speed":1.5,'
                    f'"battery_level":80,"timestamp":"{at}"}}'
                )
            body = (points[0] if batch == 1 else "[" + ",".join(points) + "]").encode()
            sock.sendall(head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            try:
                status, buffer = _read(sock, buffer)
            except (OSError, ValueError):
                out.errors += 1
                sock.close()
                sock = socket.create_connection((HOST, port), timeout=30)
                buffer = b""
                continue
            out.latencies_ms.append((time.perf_counter() - started) * 1000)
            out.statuses[status] = out.statuses.get(status, 0) + 1
            out.requests += 1
            if status == 201:
                out.points += batch
    finally:
        sock.close()


def _process(
    port: int, devices: list[list[Any]], batch: int, duration: float, tag: int, interval: float
) -> Load:
    started = time.perf_counter()
    deadline = started + duration
    # Timestamps in the past, distinct per case and per point (recorded_at is the key).
    base = datetime.now(UTC) - timedelta(days=1, hours=tag)
    results = [Load() for _ in devices]
    threads = [
        threading.Thread(
            target=_device_loop,
            args=(port, uid, tok, batch, base, deadline, r),
            kwargs={"pace": (offset, interval, round(duration / interval)) if interval else None},
        )
        for (uid, tok, offset), r in zip(devices, results, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = Load(seconds=time.perf_counter() - started)
    for r in results:
        total.merge(r)
    return total


def drive(
    port: int,
    devices: list[list[str]],
    batch: int,
    duration: float,
    tag: int,
    interval: float = 0.0,
) -> Load:
    """Back to back (closed loop), or with `interval` each device reports once per
    `interval` seconds, the devices spread evenly over it (open loop at a fixed rate)."""
    duration = min(duration, MAX_SECONDS)
    ctx = multiprocessing.get_context("fork")
    spread = [[uid, tok, i * interval / len(devices)] for i, (uid, tok) in enumerate(devices)]
    share = [spread[i::PROCESSES] for i in range(PROCESSES)]
    with ProcessPoolExecutor(max_workers=PROCESSES, mp_context=ctx) as pool:
        futures = [
            pool.submit(_process, port, part, batch, duration, tag, interval) for part in share
        ]
        parts = [f.result(timeout=duration + 60) for f in futures]
    # Paced: the rate is over the scheduled window (the last reports may end just after it).
    total = Load(seconds=duration if interval else max(p.seconds for p in parts))
    for p in parts:
        total.merge(p)
    return total


# --- orchestration ------------------------------------------------------------------------
def _psql(sql: str) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(sql)


def _env(redis_url: str, buffered: bool) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "CELERY_BROKER_URL", "SENTRY_DSN", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.sos_ingest_settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_SECRET_KEY="benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_DEBUG="false",
        LIFELINE_HTTPS="false",
        LOG_LEVEL="WARNING",
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        SOS_INGEST_BUFFER="true" if buffered else "false",
        PYTHONPATH=str(ROOT),
    )
    return env


def _child(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class CaseResult:
    name: str
    load: Load
    rows: int
    drain_lag: float | None
    max_backlog: int
    loadavg: float
    accepted: int  # measured + warm-up points answered 201
    batch: int = 1

    @property
    def pps(self) -> float:
        return self.load.points / self.load.seconds if self.load.seconds else 0.0


def run(*, quick: bool = False, redis_url: str = "redis://127.0.0.1:6379/7") -> list[CaseResult]:
    import redis  # noqa: PLC0415
    from celery import Celery  # noqa: PLC0415

    seconds = 5.0 if quick else 12.0
    r = redis.Redis.from_url(redis_url)
    r.delete("sos:ingest:pending", "sos:ingest:processing", "sos:ingest:lock", "bulk")
    _psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    _psql(f"CREATE DATABASE {DATABASE}")
    sender = Celery("sos-ingest-bench", broker=redis_url)
    results: list[CaseResult] = []
    log = tempfile.NamedTemporaryFile(prefix="sos-ingest-", suffix=".log", delete=False)  # noqa: SIM115
    server: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    tag = 0
    try:
        env = _env(redis_url, True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        devices = json.loads(_child(["--prepare"], env))["devices"]
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-Q",
             "bulk", "-n", "sos-ingest-bench@localhost", "--without-gossip", "--without-mingle",
             "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        counted = 0
        for buffered in (True, False):
            env = _env(redis_url, buffered)
            port = _free_port()
            server = subprocess.Popen(
                [_granian(), "--interface", "wsgi", "--workers", "2", "--blocking-threads", "4",
                 "--host", HOST, "--port", str(port), "--no-access-log",
                 "config.wsgi:application"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            _wait_until_up(port)
            # (points per request, report interval: 0 = back to back)
            cases = [(b, 0.0) for b in BATCHES]
            if buffered:
                cases.append((PACED_BATCH, PACED_INTERVAL))
            for batch, interval in cases:
                tag += 1
                warm = drive(port, devices, batch, 1.0, tag)  # warm-up (also stored, checked)
                tag += 1
                stop = threading.Event()
                backlog = [0]

                def beat(stop: threading.Event = stop, backlog: list[int] = backlog) -> None:
                    while not stop.wait(1.0):
                        sender.send_task("sos.drain_locations", queue="bulk")
                        backlog[0] = max(
                            backlog[0],
                            int(r.llen("sos:ingest:pending"))
                            + int(r.llen("sos:ingest:processing")),
                        )

                ticker = threading.Thread(target=beat, daemon=True)
                ticker.start()
                load = drive(
                    port, devices, batch, PACED_SECONDS if interval else seconds, tag, interval
                )
                finished = time.monotonic()
                loadavg = os.getloadavg()[0]
                lag = None
                deadline = finished + 120
                while time.monotonic() < deadline:
                    if not r.llen("sos:ingest:pending") and not r.llen("sos:ingest:processing"):
                        lag = time.monotonic() - finished
                        break
                    time.sleep(0.05)
                stop.set()
                ticker.join()
                total = int(_child(["--count"], env))
                name = f"{'buffered' if buffered else 'INSERT per request'}, {batch}/request"
                if interval:
                    name += f" every {interval:.0f}s"
                results.append(
                    CaseResult(name, load, total - counted, lag, backlog[0], loadavg,
                               warm.points + load.points, batch)
                )  # fmt: skip
                counted = total
            _stop(server)
            server = None
    except Exception:
        log.flush()
        print(Path(log.name).read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        _stop(server)
        _stop(worker)
        log.close()
        Path(log.name).unlink(missing_ok=True)
        r.delete("sos:ingest:pending", "sos:ingest:processing", "sos:ingest:lock", "bulk")
        _psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7", metavar="URL")
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if args.count:
        count_rows()
        return 0
    results = run(quick=args.quick, redis_url=args.redis)
    ok = True
    buffered = [c for c in results if c.name.startswith("buffered")]
    baseline = {c.batch: c.pps for c in results if not c.name.startswith("buffered")}
    paced = next(c for c in buffered if "every" in c.name)
    print(
        f"sos_ingest: {DEVICES} devices, granian wsgi 2x4, PostgreSQL, Redis, {os.cpu_count()} CPUs"
    )
    for case in results:
        bad = {k: v for k, v in case.load.statuses.items() if k != 201}
        closed = "every" not in case.name  # the paced case has no closed-loop baseline
        ratio = case.pps / baseline[case.batch] if closed and baseline.get(case.batch) else 0.0
        lag = f"{case.drain_lag:.2f}s" if case.drain_lag is not None else "NOT DRAINED"
        lag = lag if case in buffered else "-"
        rps = case.load.requests / case.load.seconds if case.load.seconds else 0.0
        print(
            f"  {case.name:32s} {case.pps:8.0f} points/s {rps:7.0f} req/s"
            f"  p50 {case.load.pct(0.5):6.1f} ms  p99 {case.load.pct(0.99):6.1f} ms"
            f"  {f'x{ratio:.2f}' if ratio else '  - '} vs INSERT  drain lag {lag}"
            f"  max backlog {case.max_backlog}"
            f"  non-201 {bad or 0} errors {case.load.errors}  load avg {case.loadavg:.1f}"
        )
        ok = ok and not bad and not case.load.errors and case.drain_lag is not None
    # No point lost, none doubled: every point answered 201 (warm-up included) is one row.
    for case in results:
        print(f"  {case.name:32s} accepted {case.accepted}, rows {case.rows}")
        ok = ok and case.rows == case.accepted
    paced_lag = paced.drain_lag
    met = (
        paced.pps >= TARGET_POINTS_PER_SECOND
        and paced_lag is not None
        and paced_lag <= MAX_DRAIN_LAG_SECONDS
        and paced.load.requests == paced.load.statuses.get(201, -1)
    )
    print(
        f"  target >= {TARGET_POINTS_PER_SECOND} points/s sustained ({paced.name}: "
        f"{paced.pps:.0f} points/s accepted, drain lag "
        f"{'none' if paced_lag is None else round(paced_lag, 2)} s"
        f" <= {MAX_DRAIN_LAG_SECONDS}): {'met' if met else 'NOT met'}; closed-loop maximum "
        f"{max(c.pps for c in buffered):.0f} points/s"
    )
    ok = ok and met
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
