"""Shared harness of the in-process search benchmarks (market_search, freelance_search).

A fresh test database per engine (PostgreSQL on 127.0.0.1:5432, user postgres; SQLite in /tmp
in WAL, as the embedded default runs), dropped at the end; cases measured side by side in
alternating rounds through Django's test client (full middleware stack, anonymous), so machine
noise hits all of them alike; one child process per engine for `--engine both`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@contextmanager
def bench_database(engine: str, name: str, urlconf: str, extra_urls: list[Any]) -> Iterator[None]:
    """Set Django up on a fresh test database of `engine` (`test_<name>` on PostgreSQL) with
    `extra_urls` in front of the project's URLs (module `urlconf`'s `urlpatterns`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    if engine == "postgresql":
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:////tmp/{name}.sqlite3"
    import django  # noqa: PLC0415

    django.setup()
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import override_settings, setup_test_environment  # noqa: PLC0415

    from config.urls import urlpatterns as project_urlpatterns  # noqa: PLC0415

    patterns = sys.modules[urlconf].urlpatterns
    patterns[:] = [*extra_urls, *project_urlpatterns]
    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with override_settings(ROOT_URLCONF=urlconf, REST_FRAMEWORK_THROTTLE=None):
            yield
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


def measure(
    cases: dict[str, list[str]], *, extra: str, rounds: int, per_round: int
) -> tuple[dict[str, list[float]], dict[str, int], list[str]]:
    """Warm every case up (recording the `count` each finds), then time them in alternating
    rounds. Returns the samples (ms) per case, the counts found and the non-200 answers."""
    from django.test import Client  # noqa: PLC0415

    client = Client()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    found: dict[str, int] = {}
    bad: list[str] = []
    for name, urls in cases.items():
        for url in urls:
            response = client.get(url + extra)
            if response.status_code != 200:
                bad.append(f"{name} {response.status_code}")
            elif "count" in response.json():
                found[name] = response.json()["count"]
    for r in range(rounds):
        order = list(cases) if r % 2 == 0 else list(reversed(cases))
        for name in order:
            for _ in range(per_round):
                t0 = time.perf_counter()
                for url in cases[name]:
                    response = client.get(url + extra)
                    if response.status_code != 200:
                        bad.append(f"{name} {response.status_code}")
                samples[name].append((time.perf_counter() - t0) * 1000)
    return samples, found, bad


def seed_marketplace(sellers: int = 20) -> tuple[Any, list[Any]]:
    """One marketplace organization with `sellers` sellers, the owners of the seeded rows."""
    from lifeline.access.enums import OrganizationKind, Role  # noqa: PLC0415
    from lifeline.access.tests.factories import (  # noqa: PLC0415
        OrganizationFactory,
        user_with_role,
    )

    market: Any = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    return market, [user_with_role(Role.SELLER, market) for _ in range(sellers)]


def analyze() -> None:
    """Fresh planner statistics after bulk seeding (both engines know ANALYZE)."""
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run_search(
    *,
    engine: str,
    database: str,
    urlconf: str,
    seed: Callable[[int], Any],
    size_name: str,
    size: int,
    quick: bool,
    reference_view: Callable[..., Any],
    cases: dict[str, list[str]],
    extra: str,
    judged: str,
    target_p95_ms: float,
    target_ratio: float,
) -> dict[str, Any]:
    """One engine's run of a search benchmark: seed `size` rows into a fresh database, measure
    `cases` (the reference's search served at /bench/reference/ by `reference_view`) and judge
    the p95 of case `judged` against `target_p95_ms` and the reference's p95 over the "search"
    case's against `target_ratio`."""
    from django.urls import path  # noqa: PLC0415

    rounds, per_round = (2, 5) if quick else (6, 20)
    extra_urls = [path("bench/reference/", reference_view)]
    with bench_database(engine, database, urlconf, extra_urls):
        started = time.perf_counter()
        seed(size)
        seed_seconds = time.perf_counter() - started
        samples, found, bad = measure(cases, extra=extra, rounds=rounds, per_round=per_round)
    summaries = {name: summary(values) for name, values in samples.items()}
    ratio = round(summaries["reference"]["p95_ms"] / summaries["search"]["p95_ms"], 1)
    return {
        "engine": engine,
        size_name: size,
        "seed_seconds": round(seed_seconds, 1),
        "found": found,
        "cases": summaries,
        "ratio_reference_over_search_p95": ratio,
        "bad_responses": bad[:10],
        "ok": summaries[judged]["p95_ms"] <= target_p95_ms and ratio >= target_ratio and not bad,
    }


def main(
    argv: list[str] | None,
    *,
    script: str,
    description: str,
    size_flag: str,
    default_size: int,
    run_engine: Callable[[str, int, bool], dict[str, Any]],
) -> int:
    """The command line of a search benchmark: `--engine sqlite|postgresql|both`, the size
    (`size_flag`), `--quick`, `--json`. Exit status 1 unless every engine's result is `ok`."""
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(f"--{size_flag}", type=int, default=default_size, dest="size")
    parser.add_argument("--quick", action="store_true", help="short run (smoke check)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args(argv)
    if args.engine == "both":  # one process per engine: Django is set up once per process
        results = []
        for engine in ("sqlite", "postgresql"):
            command = [sys.executable, script, "--engine", engine, "--json"]
            command += [f"--{size_flag}", str(args.size)] + (["--quick"] if args.quick else [])
            out = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            if out.returncode not in (0, 1) or not out.stdout.strip():
                print(out.stderr[-3000:], file=sys.stderr)
                return 1
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    else:
        before = load_average()
        result = run_engine(args.engine, args.size, args.quick)
        result["load_average_before_after"] = [before, load_average()]
        results = [result]
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False))
    else:
        for result in results:
            print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if all(r["ok"] for r in results) else 1
