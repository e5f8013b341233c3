"""Benchmark: SOS trigger → the first helper's push request reaching the push provider.

Measures, per trigger, from the start of `POST /api/v1/sos/trigger/` (DRF test client, JWT,
the whole view) until the first FCM `messages:send` request for a helper *arrives* at a fake
FCM endpoint: a local HTTP server on 127.0.0.1 that records arrival times and answers like
FCM. The FCM client is the project's own (`lifeline.notifications.integrations.fcm`), only its
URL and OAuth token provider are redirected; each of the 3 on-duty helpers has one FCM device.
The path is the production one in order: trigger transaction → on-commit `sos.alert_helpers`
→ `helpers_alert_round` (nearest-helper search, alerts, `notify(critical=True)`) → on-commit
`notifications.deliver` → HTTP POST.

**Celery runs eagerly** (in the request thread, after each commit): the two broker hops of
production (`apply_async` → task start, 3 ms each on this machine; view → task start via
on-commit 8–10 ms, MACHINE.md) are not in the figure — add ~20 ms for a worker on Redis.

    uv run python benchmarks/sos_push.py [--n 200] [--database-url postgres://…]

Without `--database-url` a temporary SQLite file is used. Target: p95 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.sos_trigger_ws import _pct, post_trigger  # noqa: E402

TARGET_P95_MS = 150.0
ARRIVALS: list[float] = []


class _FakeFcm(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        ARRIVALS.append(time.perf_counter())
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
    for i in range(3):
        helper = User.objects.create_user(email=f"helper{i}@bench.test", language="en")
        Membership.objects.create(user=helper, organization=org, role=Role.HELPER)
        PushDevice.objects.create(user=helper, kind="fcm", token=f"fcm-token-{i}")
        HelperProfile.objects.create(
            user=helper, opted_in=True, on_duty=True, lat=41.31 + i * 0.001, lon=69.24,
            location_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip
    wearers = []
    for i in range(n + 20):
        user = User.objects.create_user(email=f"w{i}@bench.test", language="en")
        Membership.objects.create(user=user, organization=org, role=Role.DEVICE_OWNER)
        Device.objects.create(owner=user, organization=org, device_uid=f"bench-{i}")
        wearers.append((f"bench-{i}", str(AccessToken.for_user(user))))

    latencies: list[float] = []
    for i, (device_uid, access) in enumerate(wearers):
        ARRIVALS.clear()
        t0 = post_trigger(device_uid, access)
        if len(ARRIVALS) < 1:
            raise RuntimeError("no push request reached the fake FCM endpoint")
        if i >= 20:  # warm-up
            latencies.append((min(ARRIVALS) - t0) * 1000)
        # Helpers must be available again for the next trigger (cooldown).
        HelperProfile.objects.update(last_alerted_at=None)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="lifeline-sos-push-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghij")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LIFELINE_HTTPS", "false")
    import django  # noqa: PLC0415

    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    from lifeline.notifications.integrations import fcm  # noqa: PLC0415

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeFcm)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fcm.SEND_URL = f"http://127.0.0.1:{port}/v1/projects/{{project_id}}/messages:send"  # type: ignore[misc]
    fcm.build_token_provider = lambda config: lambda: "bench-access-token"  # type: ignore[assignment]
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "FCM": {"ENABLED": True, "PROJECT_ID": "bench", "CREDENTIALS_FILE": "unused.json"},
    }
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.LOGGING_CONFIG = None
    import logging  # noqa: PLC0415

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0, interactive=False)
    try:
        latencies = _run(args.n, port)
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    backend = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    print(f"sos_push ({backend}, in-process, Celery eager, {len(latencies)} triggers)")
    print("| figure | ms |")
    print("|---|---:|")
    for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        print(f"| trigger → first helper push request {name} | {_pct(latencies, q):.1f} |")
    passed = _pct(latencies, 0.95) <= TARGET_P95_MS
    print("verdict:", "PASS" if passed else "FAIL", f"(target p95 ≤ {TARGET_P95_MS:.0f} ms)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
