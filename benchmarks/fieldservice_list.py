"""Benchmark: the operator's request list with N requests in the company (issue 17,
Performance): first page p95 <= 150 ms with a constant number of queries, search by phone
suffix p95 <= 100 ms.

Cases, measured side by side in alternating rounds, server time through Django's test
client in-process (full middleware stack, session auth), PostgreSQL:

  list      GET /api/v1/fieldservice/requests/            the operator's first page (50)
  suffix    GET /api/v1/fieldservice/requests/?phone=NNNN  4 trailing digits of a phone
  board     GET /fieldservice/                             the call-centre board (25 rows)

Data: one service company with two cities; the operator is granted one of them (half of
the requests: the scope filter is part of what is measured); N requests (default
1,000,000) created over a year, statuses and phones mixed, bulk-loaded with one
`INSERT … SELECT … FROM generate_series` (seconds, not the ORM row by row); ANALYZE. Query
counts are taken at N and at N/10 of a second company (same shape) and must be equal.
A fresh PostgreSQL test database (`test_lifeline_bench_fs_list`) is created and dropped.

    uv run python benchmarks/fieldservice_list.py                  # 1,000,000 requests
    uv run python benchmarks/fieldservice_list.py --quick          # 50,000 requests
    uv run python benchmarks/fieldservice_list.py --requests 200000
    uv run python benchmarks/fieldservice_list.py --explain        # plans instead of timings

`--explain` prints EXPLAIN (ANALYZE, BUFFERS) of every query on the requests table that
each case runs (plus a text search by name, `search`), and measures nothing: the plans and
buffer counts (benchmarks/README.md) are valid on a loaded machine, the timings are not.

Exit status 1 when a case misses its target, a query count depends on the data size, or a
response is not 200. On a shared, loaded machine the figures say whether the script
works, not whether the targets are met.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.ambulance_queue import _summary  # noqa: E402

NAME = "fieldservice_list"
TARGET_LIST_P95_MS = 150.0
TARGET_SUFFIX_P95_MS = 100.0

# Every column without a database default; nullable foreign keys stay NULL.
BULK_SQL = """
INSERT INTO fieldservice_servicerequest (
    id, created_at, updated_at, organization_id, city_id, campaign_id, client_phone,
    client_name, address, problem, status, master_notes, call_centre_notes, ats_number
)
SELECT
    gen_random_uuid(),
    now() - (n * interval '31 seconds'),
    now() - (n * interval '31 seconds'),
    %(org)s,
    CASE WHEN n %% 2 = 0 THEN %(city_a)s ELSE %(city_b)s END,
    %(campaign)s,
    '+7916' || lpad(((n::bigint * 7919) %% 10000000)::text, 7, '0'),
    'Клиент ' || n,
    'ул. Ленина, ' || (n %% 300),
    '',
    (ARRAY['new','waiting','awaiting_acceptance','accepted','en_route','in_progress','done',
           'refused','modern','not_ordered','call_back','tno'])[1 + n %% 12],
    '', '', ''
FROM generate_series(1, %(n)s) AS n
"""


def _seed_company(name: str, n: int) -> dict[str, Any]:
    from django.db import connection  # noqa: PLC0415

    from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
    from lifeline.access.models import Organization  # noqa: PLC0415
    from lifeline.access.tests.factories import user_with_role  # noqa: PLC0415
    from lifeline.fieldservice.models import Campaign, City, StaffProfile  # noqa: PLC0415
    from lifeline.fieldservice.services.reference import (  # noqa: PLC0415
        company_defaults_ensure,
    )

    company = Organization.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), kind=OrganizationKind.SERVICE_COMPANY
    )
    company_defaults_ensure(organization_id=company.pk)
    city_a = City.objects.create(organization=company, name="Москва")
    city_b = City.objects.create(organization=company, name="Казань")
    campaign = Campaign.objects.create(
        organization=company, city=city_a, name="Авито", phone_number=f"+7495{n:07d}"
    )
    operator = user_with_role(Role.OPERATOR, company)
    profile = StaffProfile.objects.create(organization=company, user=operator)
    profile.cities.add(city_a)
    with connection.cursor() as cursor:
        cursor.execute(
            BULK_SQL,
            {"org": company.pk, "city_a": city_a.pk, "city_b": city_b.pk,
             "campaign": campaign.pk, "n": n},
        )  # fmt: skip
    # A phone in the operator's city (even n) to search for by its last four digits.
    return {"operator": operator, "suffix": f"{(2 * 7919) % 10000000:07d}"[-4:]}


def _explain(cases: dict[str, str], client: Any) -> None:
    """Print EXPLAIN (ANALYZE, BUFFERS) of each case's queries on the requests table."""
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    for case, url in cases.items():
        client.get(url)  # warm: sessions, caches
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
        print(f"=== {case}: GET {url} -> {status}, {len(ctx.captured_queries)} queries")
        for query in ctx.captured_queries:
            if "fieldservice_servicerequest" not in query["sql"]:
                continue
            print(f"--- {query['sql'][:160]}…")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 requests, short rounds")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    parser.add_argument("--explain", action="store_true", help="print the query plans only")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests = min(args.requests, 50_000)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/lifeline_bench_fs_list"
    import django  # noqa: PLC0415

    django.setup()
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import (  # noqa: PLC0415
        CaptureQueriesContext,
        override_settings,
        setup_test_environment,
    )

    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    rounds, per_round = (2, 8) if args.quick else (10, 30)
    load_before = round(os.getloadavg()[0], 2)
    try:
        with override_settings(REST_FRAMEWORK_THROTTLE=None):
            started = time.perf_counter()
            big = _seed_company("Big company", args.requests)
            small = _seed_company("Small company", max(1, args.requests // 10))
            seed_seconds = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            cases = {
                "list": "/api/v1/fieldservice/requests/",
                "suffix": f"/api/v1/fieldservice/requests/?phone={big['suffix']}",
                "board": "/fieldservice/",
            }
            clients = {}
            for key, data in (("big", big), ("small", small)):
                client = Client()
                client.force_login(data["operator"])
                clients[key] = client
            if args.explain:
                # a name that 11 rows of 1,000,000 contain ("Клиент 12345", "Клиент 123450"…)
                search = {"search": "/api/v1/fieldservice/requests/?q=Клиент%2012345"}
                _explain({**cases, **search}, clients["big"])
                return 0
            statuses: dict[str, set[int]] = {case: set() for case in cases}
            found: dict[str, int] = {}

            def one(case: str, who: str = "big") -> float:
                start = time.perf_counter()
                response = clients[who].get(cases[case])
                elapsed = (time.perf_counter() - start) * 1000
                statuses[case].add(response.status_code)
                if case == "suffix" and who == "big" and response.status_code == 200:
                    found[case] = response.json()["count"]
                return elapsed

            queries: dict[str, dict[str, int]] = {}
            for case in cases:
                for who in ("big", "small"):
                    for _ in range(2):
                        one(case, who)
                    with CaptureQueriesContext(connection) as ctx:
                        one(case, who)
                    queries.setdefault(case, {})[who] = len(ctx.captured_queries)
            samples: dict[str, list[float]] = {case: [] for case in cases}
            for _ in range(rounds):
                for case in cases:
                    samples[case].extend(one(case) for _ in range(per_round))
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)

    summary = {
        case: {**_summary(v), "queries": queries[case]["big"],
               "queries_at_tenth": queries[case]["small"]}
        for case, v in samples.items()
    }  # fmt: skip
    constant = all(q["big"] == q["small"] for q in queries.values())
    passed = (
        summary["list"]["p95_ms"] <= TARGET_LIST_P95_MS
        and summary["board"]["p95_ms"] <= TARGET_LIST_P95_MS
        and summary["suffix"]["p95_ms"] <= TARGET_SUFFIX_P95_MS
        and constant
        and all(s == {200} for s in statuses.values())
    )
    result: dict[str, Any] = {
        "name": NAME,
        "requests": args.requests,
        "seed_seconds": round(seed_seconds, 1),
        "suffix_matches": found.get("suffix"),
        "cases": summary,
        "constant_queries": constant,
        "statuses": {case: sorted(s) for case, s in statuses.items()},
        "load_average_before": load_before,
        "load_average_after": round(os.getloadavg()[0], 2),
        "passed": passed,
    }
    if args.json:
        print(json.dumps(result))
        return 0 if passed else 1
    print(f"{NAME}: {args.requests} requests (operator sees half), PostgreSQL, in-process")
    print(
        f"{'case':<8} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'queries':>8} "
        f"{'at N/10':>8}"
    )
    for case, s in summary.items():
        print(
            f"{case:<8} {s['n']:>4} {s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f} "
            f"{s['mean_ms']:>8.2f} {s['queries']:>8} {s['queries_at_tenth']:>8}"
        )
    print(
        f"list/board p95 <= {TARGET_LIST_P95_MS:g} ms, suffix p95 <= {TARGET_SUFFIX_P95_MS:g} "
        f"ms ({result['suffix_matches']} matches), constant queries: "
        f"{'PASS' if passed else 'FAIL'} (load average {load_before} -> "
        f"{result['load_average_after']}, seeding {result['seed_seconds']} s)"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
