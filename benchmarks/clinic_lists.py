"""Benchmark: a doctor's patient list (10 000 patients) and a patient card (500 assessments).

Target (issue 4): each renders in a constant number of queries and p95 ≤ 150 ms on PostgreSQL.

Cases, measured side by side in alternating rounds (machine noise hits all alike), server
time through Django's test client in-process (full middleware stack, session auth):

  baseline       GET a trivial authenticated Django view (the framework's own cost)
  list_api       GET /api/v1/clinic/patients/                 first cursor page (25)
  list_search    GET /api/v1/clinic/patients/?q=<surname>      name search over 10 000
  list_page      GET /clinic/                                  HTML list, first page
  list_page_deep GET /clinic/?after=<cursor>                   HTML list, a deep page (7 500th)
  card_page      GET /clinic/patients/<id>/                    HTML card, 500 assessments
  card_api       GET /api/v1/clinic/patients/<id>/             record (audited read)
  assessments    GET /api/v1/clinic/patients/<id>/assessments/ first page of 500

Data: one clinic with 10 000 patients, all assigned to the benchmark doctor (the worst case
for the care-team filter), a second doctor with 50 patients, and one patient with 500
submitted assessments (4 scores and an evaluation each). A fresh PostgreSQL test database
(`test_lifeline_bench_clinic` on 127.0.0.1:5432, user postgres) is created and dropped.

    uv run python benchmarks/clinic_lists.py [--quick] [--json]

Exit status 1 when a judged case exceeds p95 150 ms, its query count depends on the data
size, or a response is not 200.
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

NAME = "clinic_lists"
TARGET_P95_MS = 150.0
PATIENTS = 10_000
ASSESSMENTS = 500
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
    from django.utils import timezone  # noqa: PLC0415

    from lifeline.access.enums import OrganizationKind  # noqa: PLC0415
    from lifeline.access.tests.factories import OrganizationFactory  # noqa: PLC0415
    from lifeline.clinic.models.assessments import Assessment, Evaluation, Score
    from lifeline.clinic.models.patients import CareTeamMember, Patient
    from lifeline.clinic.tests.factories import doctor_in  # noqa: PLC0415

    clinic: Any = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    other = doctor_in(clinic)
    surnames = ["Ivanov", "Petrov", "Sidorov", "Smirnov", "Kuznetsov", "Popov", "Volkov"]
    patients = Patient.objects.bulk_create(
        [
            Patient(
                organization=clinic,
                full_name=f"{surnames[i % len(surnames)]} Patient {i:05d}",
                created_by=doctor,
            )
            for i in range(PATIENTS)
        ],
        batch_size=2000,
    )
    CareTeamMember.objects.bulk_create(
        [CareTeamMember(patient=p, doctor=doctor) for p in patients], batch_size=2000
    )
    CareTeamMember.objects.bulk_create(
        [CareTeamMember(patient=p, doctor=other) for p in patients[:50]]
    )
    card = patients[123]
    now = timezone.now()
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                patient=card,
                instruments=["vas", "dn4", "csi", "hads"],
                status="submitted",
                submitted_at=now,
                answers={"vas": {"vas": 40}},
            )
            for _ in range(ASSESSMENTS)
        ]
    )
    Score.objects.bulk_create(
        [
            Score(
                assessment=a,
                patient=card,
                instrument=instrument,
                value=value,
                band="moderate",
                measured_at=now,
            )
            for a in assessments
            for instrument, value in (("vas", 40), ("dn4", 5), ("csi", 42), ("hads", 0))
        ],
        batch_size=2000,
    )
    Evaluation.objects.bulk_create(
        [
            Evaluation(
                patient=card,
                assessment=a,
                ruleset_version="2026.1",
                inputs_hash="0" * 64,
                suggestions=[{"rule_id": "T-0"}],
            )
            for a in assessments
        ]
    )
    return {"doctor": doctor, "card": card}


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (smoke check)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/lifeline_bench_clinic"
    import django  # noqa: PLC0415

    django.setup()
    from django.contrib.auth.decorators import login_required  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.http import HttpRequest, HttpResponse  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import (  # noqa: PLC0415
        CaptureQueriesContext,
        override_settings,
        setup_test_environment,
    )
    from django.urls import include, path  # noqa: PLC0415

    @login_required
    def trivial(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    from config.urls import urlpatterns as project_urlpatterns  # noqa: PLC0415

    urlpatterns[:] = [
        path("bench/trivial/", trivial),
        path("api/v1/clinic/", include("lifeline.clinic.api.urls")),
        *project_urlpatterns,
    ]

    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    rounds, per_round = (2, 10) if args.quick else (10, 30)
    try:
        with override_settings(ROOT_URLCONF=__name__, REST_FRAMEWORK_THROTTLE=None):
            started = time.perf_counter()
            data = _seed()
            seed_seconds = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            client = Client()
            client.force_login(data["doctor"])
            card = data["card"].pk
            from lifeline.clinic.models.patients import Patient  # noqa: PLC0415
            from lifeline.clinic.web.patients import encode_cursor  # noqa: PLC0415

            deep = Patient.objects.order_by("full_name", "id")[7500]
            after = encode_cursor(deep.full_name, deep.pk)
            cases = {
                "baseline": "/bench/trivial/",
                "list_api": "/api/v1/clinic/patients/",
                "list_search": "/api/v1/clinic/patients/?q=Petrov%2001234",
                "list_page": "/clinic/",
                "list_page_deep": f"/clinic/?after={after}",
                "card_page": f"/clinic/patients/{card}/",
                "card_api": f"/api/v1/clinic/patients/{card}/",
                "assessments": f"/api/v1/clinic/patients/{card}/assessments/",
            }
            statuses: dict[str, set[int]] = {case: set() for case in cases}
            queries: dict[str, int] = {}

            def one(case: str) -> float:
                start = time.perf_counter()
                response = client.get(cases[case])
                elapsed = (time.perf_counter() - start) * 1000
                statuses[case].add(response.status_code)
                return elapsed

            for case in cases:  # warm-up, and the query count of each case
                for _ in range(3):
                    one(case)
                with CaptureQueriesContext(connection) as ctx:
                    one(case)
                queries[case] = len([q for q in ctx.captured_queries if '"clinic_' in q["sql"]])
            samples: dict[str, list[float]] = {case: [] for case in cases}
            for _ in range(rounds):
                for case in cases:
                    samples[case].extend(one(case) for _ in range(per_round))
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)

    result: dict[str, Any] = {
        "name": NAME,
        "target_p95_ms": TARGET_P95_MS,
        "patients": PATIENTS,
        "assessments_on_card": ASSESSMENTS,
        "seed_seconds": round(seed_seconds, 1),
        "cases": {
            case: {**_summary(values), "clinic_queries": queries[case]}
            for case, values in samples.items()
        },
        "statuses": {case: sorted(s) for case, s in statuses.items()},
        "load_average": round(os.getloadavg()[0], 2),
    }
    judged = [case for case in cases if case != "baseline"]
    passed = all(
        result["cases"][case]["p95_ms"] <= TARGET_P95_MS and result["statuses"][case] == [200]
        for case in judged
    )
    result["passed"] = passed
    base = result["cases"]["baseline"]["p50_ms"]
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{NAME}: {PATIENTS} patients, card with {ASSESSMENTS} assessments, PostgreSQL, "
            "test client in-process"
        )
        print(
            f"{'case':<15} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} "
            f"{'×base p50':>9} {'clinic q':>8}"
        )
        for case, s in result["cases"].items():
            print(
                f"{case:<15} {s['n']:>4} {s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f} "
                f"{s['mean_ms']:>8.2f} {s['p50_ms'] / base:>9.1f} {s['clinic_queries']:>8}"
            )
        print(
            f"target p95 ≤ {TARGET_P95_MS} ms for every case: {'PASS' if passed else 'FAIL'} "
            f"(load average {result['load_average']}, seeding {result['seed_seconds']} s)"
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
