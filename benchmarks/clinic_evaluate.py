"""Benchmark: server time of the clinical engine's `evaluate` (target p95 ≤ 20 ms).

Three cases measured side by side, alternating in rounds so machine noise hits all alike:

  engine    `lifeline.clinic.engine.evaluate(...)` called directly (pure function)
  api       POST /api/v1/clinic/evaluate/ through Django's test client (DRF view, session
            auth, role check query, request parsing, JSON rendering) — judged: p95 ≤ 20 ms
  baseline  POST to a trivial authenticated DRF view echoing {"ok": true}, same client, same
            middleware (the framework's own cost; api − baseline ≈ the engine's share)

Input: a full battery (NRS, DN4 with exam, CSI, HADS), every §C.2 safety input, three
current medicines, and a previous evaluation (change rules run) — the heaviest realistic call.
The database is an in-memory SQLite test database (the view does one membership query).

    uv run python benchmarks/clinic_evaluate.py [--quick] [--json]

Exit status 1 when the API p95 exceeds the target or a response is not 200.
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

NAME = "clinic_evaluate"
TARGET_P95_MS = 20.0
urlpatterns: list[Any] = []


def _body() -> dict[str, Any]:
    from lifeline.clinic.tests.engine.helpers import (  # noqa: PLC0415
        KLIT_DEFINITE,
        csi,
        dn4,
        hads,
        safe_clinical,
    )

    clinical = safe_clinical(
        **KLIT_DEFINITE,
        age=71,
        crcl_cockcroft_gault=45,
        falls_history=True,
        current_meds=["clopidogrel", "atorvastatin", {"atc": "C03CA01", "name": "furosemide"}],
        pain_distribution="within_lesion_territory",
        assessment_date="2026-03-01",
    )
    responses = {
        "nrs": {"nrs": 7},
        "dn4": dn4({1, 2, 3, 5, 8, 9}),
        "csi": csi(47),
        "hads": hads(9, 12),
    }
    return {"responses": responses, "clinical": clinical}


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(samples: list[float]) -> dict[str, Any]:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_percentile(samples, 95), 2),
        "p99_ms": round(_percentile(samples, 99), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (smoke check)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    # One client sends every request: the user throttle still runs but never answers 429.
    os.environ["LIFELINE_THROTTLE_USER"] = "100000000/min"
    import django  # noqa: PLC0415

    django.setup()
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import override_settings, setup_test_environment  # noqa: PLC0415
    from django.urls import include, path  # noqa: PLC0415
    from rest_framework.response import Response  # noqa: PLC0415
    from rest_framework.test import APIClient  # noqa: PLC0415
    from rest_framework.views import APIView  # noqa: PLC0415

    from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
    from lifeline.access.tests.factories import OrganizationFactory, user_with_role  # noqa: PLC0415
    from lifeline.clinic.engine import evaluate  # noqa: PLC0415

    class TrivialApi(APIView):
        def post(self, request: Any) -> Response:
            return Response({"ok": True})

    urlpatterns[:] = [
        path("api/v1/clinic/", include("lifeline.clinic.api.urls")),
        path("bench/trivial/", TrivialApi.as_view()),
    ]

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    body = _body()
    rounds, per_round = (3, 30) if args.quick else (10, 100)
    with override_settings(ROOT_URLCONF=__name__):
        clinic: Any = OrganizationFactory(kind=OrganizationKind.CLINIC)
        user = user_with_role(Role.DOCTOR, clinic)
        client = APIClient()
        client.force_authenticate(user)
        first = evaluate(body["responses"], body["clinical"])
        body["previous"] = {
            "scores": first["scores"] | {"nrs": first["scores"]["nrs"] | {"total": 9}}
        }
        body["previous"]["scores"]["pain"] = first["scores"]["pain"] | {"pain_0_10": 9.0}

        samples: dict[str, list[float]] = {"engine": [], "api": [], "baseline": []}
        statuses: set[int] = set()
        payload = json.dumps(body)

        def one(case: str) -> float:
            start = time.perf_counter()
            if case == "engine":
                evaluate(body["responses"], body["clinical"], previous=body["previous"])
            else:
                url = "/api/v1/clinic/evaluate/" if case == "api" else "/bench/trivial/"
                response = client.post(url, payload, content_type="application/json")
                statuses.add(response.status_code)
            return (time.perf_counter() - start) * 1000

        for case in samples:  # warm-up
            for _ in range(10):
                one(case)
        for _ in range(rounds):
            for case in samples:
                samples[case].extend(one(case) for _ in range(per_round))

    cases = {case: _summary(values) for case, values in samples.items()}
    result: dict[str, Any] = {
        "name": NAME,
        "target_p95_ms": TARGET_P95_MS,
        "cases": cases,
        "statuses": sorted(statuses),
        "load_average": round(os.getloadavg()[0], 2),
    }
    api, base = cases["api"], cases["baseline"]
    result["api_over_baseline_p50"] = round(api["p50_ms"] / base["p50_ms"], 2)
    result["engine_share_p50_ms"] = round(api["p50_ms"] - base["p50_ms"], 2)
    passed = api["p95_ms"] <= TARGET_P95_MS and result["statuses"] == [200]
    result["passed"] = passed
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{NAME}: POST /api/v1/clinic/evaluate/ server time (test client, in-process)")
        print(f"{'case':<10} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
        for case, s in cases.items():
            print(
                f"{case:<10} {s['n']:>5} {s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f} "
                f"{s['p99_ms']:>8.2f} {s['mean_ms']:>8.2f}"
            )
        print(
            f"api/baseline p50 ratio {result['api_over_baseline_p50']}; engine share "
            f"≈ {result['engine_share_p50_ms']} ms; target api p95 ≤ {TARGET_P95_MS} ms: "
            f"{'PASS' if passed else 'FAIL'} (load average {result['load_average']})"
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
