"""Benchmark: the dispatcher's queue with 5 000 open calls and 500 teams, and team suggestion.

Targets (issue 16, Performance): the queue API and the dispatcher console each p95 ≤ 150 ms
with a constant number of queries; the queue API ≥ 0.5 × a bare Django view returning the
same rows in the same run; suggestion over 500 free teams (great-circle) p95 ≤ 20 ms.

Cases, measured side by side in alternating rounds (machine noise hits all alike), server
time through Django's test client in-process (full middleware stack, session auth):

  bare        GET /bench/ambulance-queue/   a login_required Django view: the same 50 rows
                                             (same filter, order and columns, team and car
                                             joined) as JSON, no DRF, no audit, no serializer
  queue_api   GET /api/v1/ambulance/calls/?status=NEW   the queue API (first page of 50)
  console     GET /ambulance/console/       the dispatcher console (queue, map, 500 teams)
  suggestion  selectors.call_suggestions(call) over 500 free teams, great-circle (no OSRM),
              timed as a function call (it is what the call card and the API run)

The ratio is bare p50 / queue_api p50 (in-process latency: the inverse of the throughput
ratio). Data: one station, 5 000 NEW calls (criticalities mixed, received over 8 hours),
500 teams on shift (three crew members and a car each) with positions around the centre.
A fresh PostgreSQL test database (`test_lifeline_bench_ambulance` on 127.0.0.1:5432, user
postgres) is created and dropped.

    uv run python benchmarks/ambulance_queue.py [--quick] [--json]

Exit status 1 when a judged case misses its target, a query count depends on the data size,
or a response is not 200.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAME = "ambulance_queue"
TARGET_P95_MS = 150.0
TARGET_SUGGESTION_P95_MS = 20.0
TARGET_RATIO = 0.5
CALLS = 5_000
TEAMS = 500
urlpatterns: list[Any] = []


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_percentile(samples, 95), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


def _seed() -> dict[str, Any]:
    from datetime import timedelta  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
    from lifeline.access.models import Membership  # noqa: PLC0415
    from lifeline.access.tests.factories import OrganizationFactory, user_with_role  # noqa: PLC0415
    from lifeline.accounts.models import User  # noqa: PLC0415
    from lifeline.ambulance.enums import (  # noqa: PLC0415
        CRITICALITY_RANK,
        CallSource,
        Criticality,
        EquipmentClass,
    )
    from lifeline.ambulance.models import Call, Car, Team, TeamMember  # noqa: PLC0415

    station: Any = OrganizationFactory(kind=OrganizationKind.AMBULANCE_STATION)
    dispatcher = user_with_role(Role.DISPATCHER, station)
    now = timezone.now()
    letters = "АВЕКМНОРСТУХ"
    cars = Car.objects.bulk_create(
        [
            Car(
                organization=station,
                plate=f"{letters[i % 12]}{i % 1000:03d}{letters[(i // 12) % 12]}"
                f"{letters[(i // 144) % 12]}{78 + i // 1000}",
                model="ГАЗель Next",
                equipment_class=EquipmentClass.B,
            )
            for i in range(TEAMS)
        ]
    )
    crew = User.objects.bulk_create(
        [
            User(email=f"crew-{i:04d}@bench.example", full_name=f"Crew {i:04d}", password="!")
            for i in range(TEAMS * 3)
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organization=station, role=Role.CREW, is_active=True) for u in crew],
        batch_size=2000,
    )
    teams = Team.objects.bulk_create(
        [
            Team(
                organization=station,
                name=f"Team {i:03d}",
                car=cars[i],
                lead=crew[i * 3],
                on_shift=True,
                lat=59.9343 + ((i % 25) - 12) * 0.004,
                lon=30.3351 + ((i // 25) - 10) * 0.006,
                position_at=now,
            )
            for i in range(TEAMS)
        ]
    )
    TeamMember.objects.bulk_create(
        [TeamMember(team=t, user=crew[i * 3 + k]) for i, t in enumerate(teams) for k in range(3)],
        batch_size=2000,
    )
    kinds = [Criticality.CRITICAL, Criticality.IMPORTANT, Criticality.COMMON]
    Call.objects.bulk_create(
        [
            Call(
                organization=station,
                number=i + 1,
                criticality=kinds[i % 3],
                criticality_rank=CRITICALITY_RANK[kinds[i % 3]],
                source=CallSource.INTAKE,
                reason="Боль в груди",
                address=f"Невский пр., {i % 150 + 1}",
                lat=59.9343 + ((i % 70) - 35) * 0.002,
                lon=30.3351 + ((i // 70) - 35) * 0.003,
                received_at=now - timedelta(seconds=i * 5.7),
            )
            for i in range(CALLS)
        ],
        batch_size=2000,
    )
    newest = Call.objects.filter(organization=station).order_by("-received_at").first()
    return {"dispatcher": dispatcher, "station": station, "call": newest}


def _bare_view() -> Any:
    from django.contrib.auth.decorators import login_required  # noqa: PLC0415
    from django.http import HttpRequest, JsonResponse  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from lifeline.ambulance.models import Call  # noqa: PLC0415
    from lifeline.ambulance.permissions import CALL_READERS, stations_of  # noqa: PLC0415
    from lifeline.ambulance.selectors import QUEUE_ORDER  # noqa: PLC0415

    @login_required
    def bare(request: HttpRequest) -> JsonResponse:
        now = timezone.now()
        rows = list(
            Call.objects.filter(
                organization__in=stations_of(request.user, CALL_READERS), status="NEW"
            )
            .order_by(*QUEUE_ORDER)
            .values(
                "id",
                "number",
                "status",
                "criticality",
                "determinant_code",
                "source",
                "reason",
                "address",
                "lat",
                "lon",
                "received_at",
                "requeued",
                "team_id",
                "team__name",
                "team__car__plate",
            )[:50]
        )
        results = [
            {**row, "waiting_seconds": int((now - row["received_at"]).total_seconds())}
            for row in rows
        ]
        return JsonResponse({"count": len(results), "results": results})

    return bare


def _profile(case: str, one: Any, suggest: Any, queries: dict[str, int]) -> None:
    """Where the time of `case` goes: cProfile over 10 runs, top functions."""
    import cProfile  # noqa: PLC0415
    import pstats  # noqa: PLC0415

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        one(case) if one is not None else suggest()
    profiler.disable()
    print(f"{case}: {queries[case]} queries; cProfile over 10 runs:", flush=True)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (smoke check)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile 10 runs of each case after the warm-up; print the top functions, exit",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/lifeline_bench_ambulance"
    import django  # noqa: PLC0415

    django.setup()
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import (  # noqa: PLC0415
        CaptureQueriesContext,
        override_settings,
        setup_test_environment,
    )
    from django.urls import path  # noqa: PLC0415

    from config.urls import urlpatterns as project_urlpatterns  # noqa: PLC0415

    urlpatterns[:] = [path("bench/ambulance-queue/", _bare_view()), *project_urlpatterns]

    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    rounds, per_round = (2, 8) if args.quick else (10, 30)
    try:
        with override_settings(ROOT_URLCONF=__name__, REST_FRAMEWORK_THROTTLE=None, OSRM_URL=""):
            started = time.perf_counter()
            data = _seed()
            seed_seconds = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            from lifeline.ambulance.selectors import call_suggestions  # noqa: PLC0415

            client = Client()
            client.force_login(data["dispatcher"])
            cases = {
                "bare": "/bench/ambulance-queue/",
                "queue_api": "/api/v1/ambulance/calls/?status=NEW",
                "console": "/ambulance/console/",
            }
            statuses: dict[str, set[int]] = {case: set() for case in cases}
            queries: dict[str, int] = {}

            def one(case: str) -> float:
                start = time.perf_counter()
                response = client.get(cases[case])
                elapsed = (time.perf_counter() - start) * 1000
                statuses[case].add(response.status_code)
                return elapsed

            def suggest() -> float:
                start = time.perf_counter()
                ranked = call_suggestions(call=data["call"])
                elapsed = (time.perf_counter() - start) * 1000
                if len(ranked) != TEAMS:
                    raise SystemExit(f"suggestion ranked {len(ranked)} teams, not {TEAMS}")
                return elapsed

            for case in cases:  # warm-up, and the query count of each case
                for _ in range(3):
                    one(case)
                with CaptureQueriesContext(connection) as ctx:
                    one(case)
                queries[case] = len(ctx.captured_queries)
            with CaptureQueriesContext(connection) as ctx:
                suggest()
            queries["suggestion"] = len(ctx.captured_queries)
            if args.profile:
                for case in ("console", "suggestion", "queue_api"):
                    _profile(case, one if case in cases else None, suggest, queries)
                return 0
            samples: dict[str, list[float]] = {case: [] for case in [*cases, "suggestion"]}
            for _ in range(rounds):
                for case in cases:
                    samples[case].extend(one(case) for _ in range(per_round))
                samples["suggestion"].extend(suggest() for _ in range(per_round))
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)

    summary = {case: {**_summary(v), "queries": queries[case]} for case, v in samples.items()}
    ratio = summary["bare"]["p50_ms"] / summary["queue_api"]["p50_ms"]
    passed = (
        all(summary[c]["p95_ms"] <= TARGET_P95_MS for c in ("queue_api", "console"))
        and summary["suggestion"]["p95_ms"] <= TARGET_SUGGESTION_P95_MS
        and ratio >= TARGET_RATIO
        and all(s == {200} for s in statuses.values())
    )
    result: dict[str, Any] = {
        "name": NAME,
        "calls": CALLS,
        "teams": TEAMS,
        "targets": {
            "p95_ms": TARGET_P95_MS,
            "suggestion_p95_ms": TARGET_SUGGESTION_P95_MS,
            "ratio": TARGET_RATIO,
        },
        "seed_seconds": round(seed_seconds, 1),
        "cases": summary,
        "ratio_queue_api_to_bare": round(ratio, 2),
        "statuses": {case: sorted(s) for case, s in statuses.items()},
        "load_average": round(os.getloadavg()[0], 2),
        "passed": passed,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{NAME}: {CALLS} open calls, {TEAMS} teams, PostgreSQL, test client in-process")
        print(f"{'case':<12} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'queries':>8}")
        for case, s in summary.items():
            print(
                f"{case:<12} {s['n']:>4} {s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f} "
                f"{s['mean_ms']:>8.2f} {s['queries']:>8}"
            )
        print(
            f"queue_api / bare (p50 latency inverse) = {ratio:.2f} (target ≥ {TARGET_RATIO}); "
            f"p95 ≤ {TARGET_P95_MS} ms (queue_api, console), suggestion p95 ≤ "
            f"{TARGET_SUGGESTION_P95_MS} ms: {'PASS' if passed else 'FAIL'} "
            f"(load average {result['load_average']}, seeding {result['seed_seconds']} s)"
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
