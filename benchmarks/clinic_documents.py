"""Benchmark: the documents part of the clinic (conclusion PDF, charts, dashboard, cohort).

Cases measured side by side in the same run, alternating in rounds:

  pdf         `pdf.render_conclusion_pdf` of a full conclusion (pure, fonts embedded)
  chart       `charts.render_chart_svg` of 24 points with bands and events (pure)
  issue       POST /api/v1/clinic/conclusions/{id}/issue/ + PATCH back to a fresh draft is not
              possible (issued versions are frozen), so each sample issues a new draft: PDF
              render + files service store + version row + audit + notification
  dashboard   GET /api/v1/clinic/dashboard/ for a doctor with N patients (N = 100, then 1 000)
  cohort      GET /api/v1/clinic/cohort/ for the same doctor
  baseline    GET a trivial authenticated DRF view (the framework's own cost)

Judged: issue p95 ≤ 600 ms; dashboard and cohort run the same number of queries with 100 and
1 000 patients (constant); their time per patient is reported. In-memory SQLite test database
(the query-count property is engine-independent; PostgreSQL timings are in the README).

    uv run python benchmarks/clinic_documents.py [--quick] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAME = "clinic_documents"
TARGET_ISSUE_P95_MS = 600.0
urlpatterns: list[Any] = []


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(samples: list[float]) -> dict[str, Any]:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_percentile(samples, 95), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


def _document() -> Any:
    from lifeline.clinic.pdf import (  # noqa: PLC0415
        ConclusionDocument,
        ScoreLine,
        TreatmentLine,
    )

    return ConclusionDocument(
        patient_name="Иванова Мария Петровна",
        patient_birth_date=date(1958, 4, 2),
        diagnosis="Последствия ишемического инсульта в бассейне правой СМА",
        issued_on=date(2026, 11, 23),
        doctor_name="Петров Пётр Петрович",
        organization_name="Клиника боли",
        scores=[
            ScoreLine("NRS", "7", "Сильная боль"),
            ScoreLine("DN4", "6", "Вероятен нейропатический компонент"),
            ScoreLine("CSI", "47", "Умеренная"),
            ScoreLine("HADS", "A 9, D 12", "Субклиническая; клиническая"),
        ],
        classification=["Центральная постинсультная боль: вероятная", "Депрессия: вероятная"],
        treatments=[
            TreatmentLine("Амитриптилин", "10 мг на ночь, +10 мг в неделю до 25–75 мг/сут"),
            TreatmentLine("Прегабалин", "75 мг 2 раза в день, до 300 мг/сут (КК 45)"),
            TreatmentLine("КПТ", "8 занятий"),
        ],
        free_text="Повторная оценка через 4 недели. ЭКГ до начала ТЦА.",
        reference="bench",
        language="ru",
    )


def _chart_spec() -> Any:
    from lifeline.clinic import charts  # noqa: PLC0415

    start = datetime(2026, 1, 1, tzinfo=UTC)
    return charts.ChartSpec(
        title="NRS",
        y_label="NRS",
        y_max=10,
        points=[
            charts.ChartPoint(start + timedelta(days=7 * i), float(8 - (i % 5)), i % 6 == 0)
            for i in range(24)
        ],
        bands=charts.bands_for("nrs"),
        events=[charts.ChartEvent(start + timedelta(days=30), "Амитриптилин")],
    )


def _population(doctor: Any, clinic: Any, count: int) -> None:
    from lifeline.clinic.models.patients import CareTeamMember  # noqa: PLC0415
    from lifeline.clinic.tests.factories import (
        AssessmentFactory,
        EvaluationFactory,
        PatientFactory,
        ScoreFactory,
    )

    now = datetime.now(UTC)
    for index in range(count):
        patient: Any = PatientFactory(
            organization=clinic, user=None, full_name=f"Patient {index:05d}"
        )
        CareTeamMember.objects.create(patient=patient, doctor=doctor)
        for step, value in enumerate((7, 5 if index % 3 else 8)):
            assessment = AssessmentFactory(
                patient=patient, started_by=None, instruments=["nrs"], status="submitted"
            )
            ScoreFactory(
                assessment=assessment,
                instrument="nrs",
                value=value,
                band="severe",
                measured_at=now - timedelta(days=30 - 14 * step),
            )
        EvaluationFactory(
            patient=patient,
            has_red_flags=index % 10 == 0,
            labels=[{"code": "CPSP_probable", "status": "screening"}],
        )


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (smoke check)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ["LIFELINE_THROTTLE_USER"] = "100000000/min"
    import django  # noqa: PLC0415

    django.setup()
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import (  # noqa: PLC0415
        CaptureQueriesContext,
        override_settings,
        setup_test_environment,
    )
    from django.urls import include, path  # noqa: PLC0415
    from rest_framework.response import Response  # noqa: PLC0415
    from rest_framework.test import APIClient  # noqa: PLC0415
    from rest_framework.views import APIView  # noqa: PLC0415

    from lifeline.access.enums import OrganizationKind  # noqa: PLC0415
    from lifeline.access.tests.factories import OrganizationFactory  # noqa: PLC0415
    from lifeline.clinic import charts  # noqa: PLC0415
    from lifeline.clinic.pdf import render_conclusion_pdf  # noqa: PLC0415
    from lifeline.clinic.services.conclusions import ConclusionItemInput, conclusion_create
    from lifeline.clinic.tests.factories import care_team  # noqa: PLC0415

    class TrivialApi(APIView):
        def get(self, request: Any) -> Response:
            return Response({"ok": True})

    urlpatterns[:] = [
        path("api/v1/clinic/", include("lifeline.clinic.api.urls")),
        path("bench/trivial/", TrivialApi.as_view()),
    ]
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    rounds, per_round = (2, 5) if args.quick else (5, 20)
    document, spec = _document(), _chart_spec()
    samples: dict[str, list[float]] = {"pdf": [], "chart": [], "issue": [], "baseline": []}
    statuses: set[int] = set()
    scale: dict[str, Any] = {}
    with override_settings(ROOT_URLCONF=__name__):
        clinic: Any = OrganizationFactory(kind=OrganizationKind.CLINIC)
        patient, doctor = care_team(organization=clinic)
        client = APIClient()
        client.force_authenticate(doctor)

        def one(case: str) -> float:
            draft = None
            if case == "issue":
                draft = conclusion_create(
                    actor=doctor,
                    patient=patient,
                    items=[
                        ConclusionItemInput(catalogue_code="amitriptyline"),
                        ConclusionItemInput(catalogue_code="cbt"),
                    ],
                    free_text="Повторная оценка через 4 недели.",
                )
            start = time.perf_counter()
            if case == "pdf":
                render_conclusion_pdf(document)
            elif case == "chart":
                charts.render_chart_svg(spec)
            elif case == "issue":
                assert draft is not None  # noqa: S101
                response = client.post(f"/api/v1/clinic/conclusions/{draft.pk}/issue/")
                statuses.add(response.status_code)
            else:
                statuses.add(client.get("/bench/trivial/").status_code)
            return (time.perf_counter() - start) * 1000

        for case in samples:
            for _ in range(3):
                one(case)
        for _ in range(rounds):
            for case in samples:
                samples[case].extend(one(case) for _ in range(per_round))

        # Dashboard and cohort at two population sizes: query counts must not change.
        created = 0
        for size in (100, 1000) if not args.quick else (20, 200):
            _population(doctor, clinic, size - created)
            created = size
            for name, url in (
                ("dashboard", "/api/v1/clinic/dashboard/"),
                ("cohort", "/api/v1/clinic/cohort/"),
            ):
                client.get(url)  # warm-up
                timings = []
                for _ in range(3 if args.quick else 7):
                    with CaptureQueriesContext(connection) as queries:
                        start = time.perf_counter()
                        response = client.get(url)
                        timings.append((time.perf_counter() - start) * 1000)
                    statuses.add(response.status_code)
                scale[f"{name}_{size}"] = {
                    "queries": len(queries.captured_queries),
                    "p50_ms": round(statistics.median(timings), 1),
                }

    cases = {case: _summary(values) for case, values in samples.items()}
    sizes = sorted({int(key.rsplit("_", 1)[1]) for key in scale})
    constant = all(
        scale[f"{name}_{sizes[0]}"]["queries"] == scale[f"{name}_{sizes[1]}"]["queries"]
        for name in ("dashboard", "cohort")
    )
    passed = cases["issue"]["p95_ms"] <= TARGET_ISSUE_P95_MS and constant and statuses == {200, 201}
    result = {
        "name": NAME,
        "cases": cases,
        "scale": scale,
        "constant_queries": constant,
        "issue_over_baseline_p50": round(cases["issue"]["p50_ms"] / cases["baseline"]["p50_ms"], 1),
        "statuses": sorted(statuses),
        "load_average": round(os.getloadavg()[0], 2),
        "passed": passed,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{NAME}: conclusion PDF, charts, dashboard and cohort (test client, in-process)")
        print(f"{'case':<10} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
        for case, s in cases.items():
            figures = f"{s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f} {s['mean_ms']:>8.2f}"
            print(f"{case:<10} {s['n']:>5} {figures}")
        for key, row in scale.items():
            print(f"{key:<16} queries {row['queries']:>3}  p50 {row['p50_ms']:>8.1f} ms")
        print(
            f"issue/baseline p50 ratio {result['issue_over_baseline_p50']}; constant queries: "
            f"{constant}; target issue p95 ≤ {TARGET_ISSUE_P95_MS} ms: "
            f"{'PASS' if passed else 'FAIL'} (load average {result['load_average']})"
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
