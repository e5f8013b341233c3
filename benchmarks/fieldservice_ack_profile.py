"""Load-independent cost of a Mango webhook ack and of processing one event (issue 17,
Performance): Python function calls (cProfile), SQL statements, transactions committed and
Redis round trips (cache, broker), counted in one process, so a loaded machine does not
change them. `fieldservice_webhooks.py` measures the time; this says where it goes.

What it does: on your own PostgreSQL database (`--database-url`, created and migrated if
needed; its fieldservice rows are deleted) and Redis (`--redis-url` cache, `--broker-url`
broker, both flushed), with the production settings and tasks sent to the broker (not run
eagerly: the web process's cost only), it

1. creates the benchmark's company, line, campaign and operator (extension 101);
2. posts `--calls` calls of the benchmark's mix (call legs, summary, recording) straight
   into Django's WSGI handler (no server, no socket) and reports, per webhook, the median
   and mean function calls, statements, commits and Redis round trips; the same for the
   bare signature-checking view of the benchmark (`/bench/mango/`) and for replays;
3. processes the stored events as the worker does — one `mango_event_process` per event
   before the drain existed, `mango_events_drain` after — and reports the totals per event.

    DJANGO_SECRET_KEY=x uv run python benchmarks/fieldservice_ack_profile.py \\
        --database-url postgres://postgres@127.0.0.1:5432/lifeline_x \\
        --redis-url redis://127.0.0.1:6379/6 --broker-url redis://127.0.0.1:6379/9

To compare with another version of the code, copy this script into that checkout's
`benchmarks/` and run it there (from that directory).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

KEY, SALT = "bench-mango-key", "bench-mango-salt"


@dataclass
class Cost:
    calls: int = 0
    statements: int = 0
    commits: int = 0
    redis: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "function_calls": self.calls,
            "sql_statements": self.statements,
            "commits": self.commits,
            "redis_round_trips": self.redis,
        }


class Counters:
    """Counts SQL statements (Django's execute wrapper), commits (Django's, of a transaction
    it opened: with BEGIN, two round trips more) and Redis round trips (redis-py's
    send_packed_command: one per command or pipeline)."""

    def __init__(self) -> None:
        self.statements = 0
        self.commits = 0
        self.redis = 0

    def install(self) -> None:
        import redis.connection  # noqa: PLC0415
        from django.db.backends.base.base import BaseDatabaseWrapper  # noqa: PLC0415

        counters = self
        send = redis.connection.AbstractConnection.send_packed_command

        def counted_send(conn: Any, *args: Any, **kwargs: Any) -> Any:
            counters.redis += 1
            return send(conn, *args, **kwargs)

        redis.connection.AbstractConnection.send_packed_command = counted_send  # type: ignore[method-assign,assignment]
        commit = BaseDatabaseWrapper._commit  # type: ignore[attr-defined]

        def counted_commit(wrapper: Any) -> Any:
            counters.commits += 1
            return commit(wrapper)

        BaseDatabaseWrapper._commit = counted_commit  # type: ignore[attr-defined]

    @contextmanager
    def measure(self, cost: Cost, profile: bool = True) -> Iterator[None]:
        from django.db import connection  # noqa: PLC0415

        def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
            self.statements += 1
            return execute(sql, params, many, ctx)

        before = (self.statements, self.commits, self.redis)
        profiler = cProfile.Profile()
        with connection.execute_wrapper(count):
            if profile:
                profiler.enable()
            try:
                yield
            finally:
                if profile:
                    profiler.disable()
        if profile:
            cost.calls += pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]
        cost.statements += self.statements - before[0]
        cost.commits += self.commits - before[1]
        cost.redis += self.redis - before[2]


def _environ(path: str, body: bytes) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def _body(payload: dict[str, Any]) -> bytes:
    from lifeline.fieldservice.integrations.signing import mango_sign  # noqa: PLC0415

    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    sign = mango_sign(api_key=KEY, payload=raw, api_salt=SALT)
    return urlencode({"vpbx_api_key": KEY, "sign": sign, "json": raw}).encode()


def _post(handler: Any, path: str, body: bytes) -> int:
    status: list[str] = []
    result = handler(_environ(path, body), lambda s, h, *a: status.append(s))
    b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return int(status[0].split()[0])


def _per_request(costs: list[Cost]) -> dict[str, Any]:
    """Median and mean per webhook (the mean includes the occasional drain message)."""
    return {
        key: [
            statistics.median(cost.as_dict()[key] for cost in costs),
            round(statistics.fmean(cost.as_dict()[key] for cost in costs), 1),
        ]
        for key in Cost().as_dict()
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    from benchmarks.fieldservice_webhooks import build_mix  # noqa: PLC0415
    from lifeline.fieldservice.models import MangoEvent  # noqa: PLC0415
    from lifeline.fieldservice.services import telephony  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    _prepare()
    counters = Counters()
    counters.install()
    handler = WSGIHandler()
    warm = build_mix(60, "warm", 0, seed=1)
    posts = build_mix(args.calls * 5, "profile", 100_000, seed=2)
    for post in warm:  # imports, connections, caches, the broker's queue declaration
        _post(handler, f"/api/v1/fieldservice/mango/{post.path}", _body_of(post))
        _post(handler, "/bench/mango/", _body_of(post))
    _drain(telephony)

    acks: list[Cost] = []
    bare: list[Cost] = []
    replays: list[Cost] = []
    seen: set[Any] = set()
    for post in posts:
        body = _body_of(post)
        cost = Cost()
        with counters.measure(cost):
            status = _post(handler, f"/api/v1/fieldservice/mango/{post.path}", body)
        assert status == 200, status
        (replays if post.key in seen else acks).append(cost)
        seen.add(post.key)
        cost = Cost()
        with counters.measure(cost):
            assert _post(handler, "/bench/mango/", body) == 200
        bare.append(cost)
    pending = MangoEvent.objects.filter(processed_at__isnull=True).count()
    processing = Cost()
    with counters.measure(processing):
        _drain(telephony)
    processed = pending - MangoEvent.objects.filter(processed_at__isnull=True).count()
    return {
        "code": "drain" if hasattr(telephony, "mango_events_drain") else "task per event",
        "code_from": str(Path(telephony.__file__).parents[3]),
        "webhooks": len(posts),
        "ack_median_per_webhook": _per_request(acks),
        "replay_median_per_webhook": _per_request(replays) if replays else None,
        "bare_median_per_webhook": _per_request(bare),
        "events_processed": processed,
        "processing_per_event": {
            key: round(value / max(processed, 1), 1) for key, value in processing.as_dict().items()
        },
    }


def _prepare() -> None:
    """The company of fieldservice_webhooks.py (once), without the rows of an earlier run."""
    from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
    from lifeline.access.models import Membership, Organization  # noqa: PLC0415
    from lifeline.accounts.models import User  # noqa: PLC0415
    from lifeline.fieldservice.models import (  # noqa: PLC0415
        Call,
        Campaign,
        City,
        MangoEvent,
        ServiceRequest,
        StaffProfile,
    )
    from lifeline.fieldservice.services.reference import (  # noqa: PLC0415
        company_defaults_ensure,
    )

    ServiceRequest.objects.all().delete()
    Call.objects.all().delete()
    MangoEvent.objects.all().delete()
    company, created = Organization.objects.get_or_create(
        slug="bench-service",
        defaults={"name": "Bench service", "kind": OrganizationKind.SERVICE_COMPANY},
    )
    if not created:
        return
    company_defaults_ensure(organization_id=company.pk)
    city = City.objects.create(organization=company, name="Москва")
    Campaign.objects.create(
        organization=company, city=city, name="Авито", phone_number="+74950000001"
    )
    operator = User.objects.create(email="operator@bench.test", full_name="Operator", password="!")
    Membership.objects.create(
        user=operator, organization=company, role=Role.OPERATOR, is_active=True
    )
    profile = StaffProfile.objects.create(organization=company, user=operator, extension="101")
    profile.cities.add(city)


def _body_of(post: Any) -> bytes:
    return urlencode(post.body).encode()


def _drain(telephony: Any) -> None:
    """What the worker does with the stored events, in this process."""
    from lifeline.fieldservice.models import MangoEvent  # noqa: PLC0415

    if hasattr(telephony, "mango_events_drain"):
        telephony.mango_events_drain()
        return
    ids = MangoEvent.objects.filter(processed_at__isnull=True).order_by("id")
    for event_id in list(ids.exclude(kind="other").values_list("pk", flat=True)):
        telephony.mango_event_process(event_id=event_id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--broker-url", required=True)
    parser.add_argument("--calls", type=int, default=40, help="calls of the mix (x ~5 posts)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        CELERY_BROKER_URL=args.broker_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        DJANGO_DEBUG="false",
        LIFELINE_HTTPS="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        FIELDSERVICE_MANGO_API_KEY=KEY,
        FIELDSERVICE_MANGO_API_SALT=SALT,
        FIELDSERVICE_MANGO_BASE_URL="http://127.0.0.1:9/vpbx/",
        LOG_LEVEL="WARNING",
    )
    import redis  # noqa: PLC0415

    for url in (args.redis_url, args.broker_url):
        redis.Redis.from_url(url).flushdb()
    try:
        print(json.dumps(run(args), indent=2))
    finally:
        for url in (args.redis_url, args.broker_url):
            redis.Redis.from_url(url).flushdb()
    return 0


if __name__ == "__main__":
    sys.exit(main())
