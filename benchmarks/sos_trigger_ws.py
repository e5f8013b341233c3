"""Benchmark: SOS trigger → the admin's `/ws/sos_events/` frame, in one process.

Measures, per trigger, from the start of `POST /api/v1/sos/trigger/` (DRF test client, JWT,
the whole view: validation, dedup lock, insert, timeline, audit, escalation deadline,
helper round with 3 on-duty helpers alerted through `notify(critical=True)`, on-commit
publish) until the admin's WebSocket (the real ASGI app with the token middleware and the
consumer, in-memory channel layer) has received the `sos_event` frame. Each trigger comes
from a different wearer (no dedup join), N triggers after a warm-up.

Also reported: the trigger request alone, and the reference-style baseline measured in the
same run — the reference's dedup check (an indexed hash lookup) plus one INSERT, without
authorization, helper search, notifications or deadlines — as the ratio of requests/s.

    uv run python benchmarks/sos_trigger_ws.py [--n 200] [--database-url postgres://…]

Without `--database-url` a temporary SQLite file is used. Target: p95 ≤ 100 ms.
This is in-process (no HTTP server, no Redis): the network hops of production are not in
the figure. Celery runs eagerly here, so the "request" figure also contains the helper round
and the notification deliveries that a worker runs in production; the WS frame is published
on commit, before those run, and its time is taken as soon as the socket receives it.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 100.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def sos_population(wearers: int, *, push_devices: bool) -> tuple[Any, list[tuple[str, str]]]:
    """The SOS benchmarks' data (Django configured, migrated): an SOS organization with an
    admin, 3 on-duty helpers near Tashkent (with one FCM device each if `push_devices`) whose
    locations stay fresh for a day, and `wearers` wearers with one device each. Returns the
    admin and [(device_uid, access token)] per wearer."""
    from django.utils import timezone  # noqa: PLC0415
    from rest_framework_simplejwt.tokens import AccessToken  # noqa: PLC0415

    from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
    from lifeline.access.models import Membership, Organization  # noqa: PLC0415
    from lifeline.accounts.models import User  # noqa: PLC0415
    from lifeline.notifications.models import PushDevice  # noqa: PLC0415
    from lifeline.sos.models import Device, HelperProfile  # noqa: PLC0415

    org = Organization.objects.create(
        name="Bench", slug="bench-sos", kind=OrganizationKind.SOS_SERVICE
    )
    admin = User.objects.create_user(email="admin@bench.test", language="en")
    Membership.objects.create(user=admin, organization=org, role=Role.SOS_ADMIN)
    for i in range(3):
        helper = User.objects.create_user(email=f"helper{i}@bench.test", language="en")
        Membership.objects.create(user=helper, organization=org, role=Role.HELPER)
        if push_devices:
            PushDevice.objects.create(user=helper, kind="fcm", token=f"fcm-token-{i}")
        HelperProfile.objects.create(
            user=helper, opted_in=True, on_duty=True, lat=41.31 + i * 0.001, lon=69.24,
            location_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip
    devices = []
    for i in range(wearers):
        user = User.objects.create_user(email=f"w{i}@bench.test", language="en")
        Membership.objects.create(user=user, organization=org, role=Role.DEVICE_OWNER)
        Device.objects.create(owner=user, organization=org, device_uid=f"bench-{i}")
        devices.append((f"bench-{i}", str(AccessToken.for_user(user))))
    return admin, devices


def post_trigger(device_uid: str, access: str) -> float:
    """POST the seed's `/api/v1/sos/trigger/` as the wearer (Django configured, in-process);
    return when it was sent (`perf_counter`). Anything but 201 raises."""
    from django.utils import timezone  # noqa: PLC0415
    from rest_framework.test import APIClient  # noqa: PLC0415

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    t0 = time.perf_counter()
    response = client.post(
        "/api/v1/sos/trigger/",
        {
            "device_uid": device_uid,
            "lat": 41.311,
            "lon": 69.2405,
            "detected_type": "FALL_DETECTED",
            "severity": 4,
            "timestamp": timezone.now().isoformat(),
        },
        format="json",
    )
    if response.status_code != 201:
        raise RuntimeError(response.status_code, response.content[:300])
    return t0


async def _run(n: int) -> dict[str, Any]:
    from asgiref.sync import sync_to_async  # noqa: PLC0415
    from channels.testing import WebsocketCommunicator  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415
    from rest_framework_simplejwt.tokens import AccessToken  # noqa: PLC0415

    from config.asgi import application  # noqa: PLC0415

    admin, wearers = await sync_to_async(sos_population)(n + 20, push_devices=False)
    token = await sync_to_async(lambda: str(AccessToken.for_user(admin)))()
    comm = WebsocketCommunicator(
        application,
        "/ws/sos_events/",
        headers=[(b"host", b"testserver"), (b"authorization", f"Bearer {token}".encode())],
    )
    connected, _ = await comm.connect()
    assert connected  # noqa: S101

    end_to_end: list[float] = []
    request_ms: list[float] = []
    for i, (device_uid, access) in enumerate(wearers):
        t0 = time.perf_counter()
        request = asyncio.ensure_future(
            sync_to_async(post_trigger, thread_sensitive=False)(device_uid, access)
        )
        while True:
            frame = await comm.receive_json_from(timeout=30)
            if frame["type"] == "sos_event" and frame["payload"]["device_uid"] == device_uid:
                break
        t_frame = time.perf_counter()
        await request
        t_done = time.perf_counter()
        if i >= 20:  # warm-up
            end_to_end.append((t_frame - t0) * 1000)
            request_ms.append((t_done - t0) * 1000)
    await comm.disconnect()

    def baseline() -> float:
        """The reference's pipeline core: hash dedup lookup + one INSERT, per trigger."""
        from django.db import connection  # noqa: PLC0415

        # An auto-incremented key on both backends (SQLite's INTEGER PRIMARY KEY is one).
        key = "SERIAL" if connection.vendor == "postgresql" else "INTEGER"
        with connection.cursor() as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS bench_ref_sos (id {key} PRIMARY KEY, "
                "dedup_hash VARCHAR(64), ts TIMESTAMP, lat REAL, lon REAL)"
            )
            cur.execute("CREATE INDEX IF NOT EXISTS bench_ref_hash ON bench_ref_sos (dedup_hash)")
        durations = []
        for i in range(n):
            t0 = time.perf_counter()
            digest = hashlib.sha256(f"ref-{i}{int(time.time()) // 60}41.311069.2405".encode())
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT id FROM bench_ref_sos WHERE dedup_hash = %s AND ts >= %s",
                    [digest.hexdigest(), timezone.now() - timedelta(minutes=5)],
                )
                cur.fetchone()
                cur.execute(
                    "INSERT INTO bench_ref_sos (dedup_hash, ts, lat, lon) VALUES (%s, %s, %s, %s)",
                    [digest.hexdigest(), timezone.now(), 41.311, 69.2405],
                )
            durations.append((time.perf_counter() - t0) * 1000)
        return statistics.mean(durations)

    baseline_ms = await sync_to_async(baseline)()
    return {
        "n": len(end_to_end),
        "e2e_p50": _pct(end_to_end, 0.5),
        "e2e_p95": _pct(end_to_end, 0.95),
        "e2e_p99": _pct(end_to_end, 0.99),
        "request_p50": _pct(request_ms, 0.5),
        "request_mean": statistics.mean(request_ms),
        "baseline_mean": baseline_ms,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="lifeline-sos-ws-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghij")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LIFELINE_HTTPS", "false")
    import django  # noqa: PLC0415

    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.LOGGING_CONFIG = None
    import logging  # noqa: PLC0415

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0, interactive=False)
    try:
        r = asyncio.run(_run(args.n))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    backend = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    print(f"sos_trigger_ws ({backend}, in-process, {r['n']} triggers after 20 warm-up)")
    print("| figure | ms |")
    print("|---|---:|")
    print(f"| trigger → admin WS frame p50 | {r['e2e_p50']:.1f} |")
    print(f"| trigger → admin WS frame p95 | {r['e2e_p95']:.1f} |")
    print(f"| trigger → admin WS frame p99 | {r['e2e_p99']:.1f} |")
    print(f"| trigger request alone p50 | {r['request_p50']:.1f} |")
    print(f"| reference-style core (hash lookup + INSERT) mean | {r['baseline_mean']:.2f} |")
    ratio = r["baseline_mean"] / r["request_mean"]
    print(f"ratio (trigger req/s ÷ reference-core req/s): {ratio:.3f}")
    passed = r["e2e_p95"] <= TARGET_P95_MS
    print("verdict:", "PASS" if passed else "FAIL", f"(target p95 ≤ {TARGET_P95_MS:.0f} ms)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
