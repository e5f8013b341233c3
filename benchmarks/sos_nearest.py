"""Benchmark: nearest available helpers among 1,000,000 fresh locations (SQLite, PostgreSQL).

What is timed: `lifeline.sos.selectors.nearest_helpers` exactly as the SOS pipeline calls it
(radius 5 km, cap 50, organization-scoped helper role `EXISTS`, on duty, opted in, fresh
location, cooldown), i.e. one raw statement (`lifeline/sos/nearest.py`): the grid cells of
the bounding box on the partial `(grid_cell, location_at)` index, the exact box, cooldown and
role in the same statement, then exact haversine in Python (ARCHITECTURE decision 6).

Data: N helpers (default 1,000,000), each a user with an active `helper` membership and an
on-duty, opted-in profile whose location is fresh, spread uniformly over a 8° × 12° region
(about 890 × 1000 km around Tashkent, 1.1 helpers/km²: ~88 within 5 km of a random point, so
the cap of 50 is reached on every query). A country-wide density; a dense city is not modelled.
Inserted with set-based SQL (generate_series on PostgreSQL, a recursive CTE on SQLite).

Baseline, measured in the same run on the same data: the same filter without the bounding
box (distance ordering in SQL over every available helper, what a naive implementation
does), on a few queries; the ratio baseline/candidate shows what the index buys.

Each backend runs in its own child process (Django is configured once per process):

    uv run python benchmarks/sos_nearest.py                 # both backends, 1,000,000
    uv run python benchmarks/sos_nearest.py --n 100000 --backend sqlite --queries 500

PostgreSQL: 127.0.0.1:5432, user postgres; the database `lifeline_bench_sos` is created and
dropped. SQLite: a temporary file (WAL). Targets: p50 ≤ 3 ms, p99 ≤ 10 ms on both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
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
PG_DATABASE = "lifeline_bench_sos"
REGION = (37.3, 45.3, 57.2, 69.2)  # min_lat, max_lat, min_lon, max_lon
TARGET_P50_MS = 3.0
TARGET_P99_MS = 10.0


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghij")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LIFELINE_LOG_LEVEL"] = "WARNING"
    import django  # noqa: PLC0415

    django.setup()


def _load_postgres(n: int, org_id: str) -> None:
    from django.db import connection  # noqa: PLC0415

    min_lat, max_lat, min_lon, max_lon = REGION
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, id, email, first_name, middle_name,
                last_name, full_name, status, is_staff, is_demo, language, time_zone,
                must_change_password, date_joined, updated_at)
            SELECT '!', false, md5('h' || g)::uuid, 'helper' || g || '@bench.test', '', '', '',
                'Helper ' || g, 'ACTIVE', false, false, 'en', 'UTC', false, now(), now()
            FROM generate_series(1, %s) g
            """,
            [n],
        )
        cur.execute(
            """
            INSERT INTO access_membership (created_at, updated_at, user_id, organization_id, role,
                is_active, approved_at)
            SELECT now(), now(), md5('h' || g)::uuid, %s, 'helper', true, now()
            FROM generate_series(1, %s) g
            """,
            [org_id, n],
        )
        cur.execute(
            """
            INSERT INTO sos_helperprofile (created_at, updated_at, user_id, opted_in, on_duty,
                lat, lon, location_at, grid_cell)
            SELECT now(), now(), u, true, true, la, lo, now(),
                floor((la + 90) / 0.05)::int * 10000 + floor((lo + 180) / 0.05)::int
            FROM (SELECT md5('h' || g)::uuid AS u, %s + random() * %s AS la,
                         %s + random() * %s AS lo FROM generate_series(1, %s) g) p
            """,
            [min_lat, max_lat - min_lat, min_lon, max_lon - min_lon, n],
        )
    # What autovacuum does after a bulk insert (PostgreSQL >= 13 vacuums insert-only tables):
    # statistics, and the visibility map that lets the membership probe stay in its index.
    # VACUUM cannot run inside a transaction block: autocommit is on outside atomic().
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


def _load_sqlite(n: int, org_id: str) -> None:
    from django.db import connection  # noqa: PLC0415

    min_lat, max_lat, min_lon, max_lon = REGION
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    org = org_id.replace("-", "")
    with connection.cursor() as cur:
        cur.execute(
            """
            WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < %s)
            INSERT INTO accounts_user (password, is_superuser, id, email, first_name, middle_name,
                last_name, full_name, status, is_staff, is_demo, language, time_zone,
                must_change_password, date_joined, updated_at)
            SELECT '!', 0, printf('%%032x', x), 'helper' || x || '@bench.test', '', '', '',
                'Helper ' || x, 'ACTIVE', 0, 0, 'en', 'UTC', 0, %s, %s FROM g
            """,
            [n, now, now],
        )
        cur.execute(
            """
            WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < %s)
            INSERT INTO access_membership (created_at, updated_at, user_id, organization_id, role,
                is_active, approved_at)
            SELECT %s, %s, printf('%%032x', x), %s, 'helper', 1, %s FROM g
            """,
            [n, now, now, org, now],
        )
        cur.execute(
            """
            WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < %s)
            INSERT INTO sos_helperprofile (created_at, updated_at, user_id, opted_in, on_duty,
                lat, lon, location_at)
            SELECT %s, %s, printf('%%032x', x), 1, 1,
                %s + (abs(random()) %% 1000000000) / 1e9 * %s,
                %s + (abs(random()) %% 1000000000) / 1e9 * %s, %s FROM g
            """,
            [n, now, now, min_lat, max_lat - min_lat, min_lon, max_lon - min_lon, now],
        )
        # Positive operands: CAST truncates like floor (geo.grid_cell).
        cur.execute(
            "UPDATE sos_helperprofile SET grid_cell = CAST((lat + 90) / 0.05 AS INTEGER) * 10000"
            " + CAST((lon + 180) / 0.05 AS INTEGER)"
        )
        cur.execute("ANALYZE")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def child(backend: str, n: int, queries: int, database_url: str) -> dict[str, object]:
    _setup_django(database_url)
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.db.models import F  # noqa: PLC0415
    from django.db.models.functions import Power  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    from lifeline.access.enums import OrganizationKind  # noqa: PLC0415
    from lifeline.access.models import Organization  # noqa: PLC0415
    from lifeline.sos import selectors  # noqa: PLC0415
    from lifeline.sos.models import HelperProfile  # noqa: PLC0415

    org = Organization.objects.create(name="Bench", slug="bench", kind=OrganizationKind.SOS_SERVICE)
    started = time.perf_counter()
    (_load_postgres if backend == "postgresql" else _load_sqlite)(n, str(org.pk))
    load_s = time.perf_counter() - started
    assert HelperProfile.objects.count() == n  # noqa: S101 - a benchmark sanity check

    rng = random.Random(42)
    min_lat, max_lat, min_lon, max_lon = REGION
    centres = [
        (rng.uniform(min_lat + 0.5, max_lat - 0.5), rng.uniform(min_lon + 0.5, max_lon - 0.5))
        for _ in range(queries + 50)
    ]
    kwargs: dict[str, Any] = {
        "radius_m": 5000,
        "limit": 50,
        "organization_id": org.pk,
        "cooldown_seconds": 300,
    }
    for lat, lon in centres[:50]:  # warm-up: caches, prepared plans
        selectors.nearest_helpers(lat=lat, lon=lon, **kwargs)
    timings: list[float] = []
    found: list[int] = []
    for lat, lon in centres[50:]:
        t0 = time.perf_counter()
        result = selectors.nearest_helpers(lat=lat, lon=lon, **kwargs)
        timings.append((time.perf_counter() - t0) * 1000)
        found.append(len(result))

    # Baseline: the same availability filter, distance ordering in SQL over every helper.
    baseline: list[float] = []
    for lat, lon in centres[50:55]:
        t0 = time.perf_counter()
        list(
            HelperProfile.objects.filter(on_duty=True, opted_in=True)
            .annotate(d=Power(F("lat") - lat, 2) + Power(F("lon") - lon, 2))
            .order_by("d")
            .values_list("user_id", flat=True)[:50]
        )
        baseline.append((time.perf_counter() - t0) * 1000)
    connection.close()
    p50, p99 = _percentile(timings, 0.5), _percentile(timings, 0.99)
    return {
        "backend": backend,
        "n": n,
        "queries": len(timings),
        "load_s": round(load_s, 1),
        "p50_ms": round(p50, 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "p99_ms": round(p99, 2),
        "mean_found": round(statistics.mean(found), 1),
        "baseline_p50_ms": round(statistics.median(baseline), 1),
        "ratio": round(statistics.median(baseline) / p50, 1),
        "passed": p50 <= TARGET_P50_MS and p99 <= TARGET_P99_MS,
    }


def _run_child(backend: str, n: int, queries: int) -> dict[str, object]:
    tmp = tempfile.mkdtemp(prefix="lifeline-sos-bench-")
    if backend == "postgresql":
        import psycopg  # noqa: PLC0415

        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
        url = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
    else:
        url = f"sqlite:///{tmp}/bench.sqlite3"
    try:
        out = subprocess.run(  # noqa: S603 - our own script
            [
                sys.executable,
                __file__,
                "--child",
                backend,
                "--n",
                str(n),
                "--queries",
                str(queries),
                "--url",
                url,
            ],  # fmt: skip
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr)
        raise
    finally:
        if backend == "postgresql":
            import psycopg  # noqa: PLC0415

            with psycopg.connect(PG_DSN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--backend", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--quick", action="store_true", help="100,000 helpers, 300 queries")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n, args.queries, args.url)))
        return 0
    if args.quick:
        args.n, args.queries = 100_000, 300
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = [_run_child(b, args.n, args.queries) for b in backends]
    print(f"sos_nearest: nearest available helpers (5 km, cap 50) among {args.n:,}")
    print(
        "| backend | queries | p50 ms | p95 ms | p99 ms | found (mean) "
        "| no-bbox baseline p50 ms | ratio | load s | verdict |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        verdict = "PASS" if r["passed"] else "FAIL"
        print(
            f"| {r['backend']} | {r['queries']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
            f"{r['mean_found']} | {r['baseline_p50_ms']} | {r['ratio']}× | {r['load_s']} "
            f"| {verdict} |"
        )
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
