"""Run every benchmark and print its figures and ratios, all measured in the same run.

    uv run python benchmarks/run.py            # full run (<= 20 s measured per case)
    uv run python benchmarks/run.py --quick    # short run, for a smoke check
    uv run python benchmarks/run.py --only api_read
    uv run python benchmarks/run.py --redis redis://127.0.0.1:6379/14   # cache on Redis

In-process benchmarks (a module with `run(quick=…, redis_url=…)`) print one table; standalone
scripts (their own `main()`, e.g. realtime_fanout.py) run as child processes with their own
output. Exit status 1 when a benchmark misses its target or a response was not 200.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import api_read  # noqa: E402

BENCHMARKS = {"api_read": api_read}
# Standalone scripts: name -> (arguments for --quick, arguments for a full run).
SCRIPTS: dict[str, tuple[list[str], list[str]]] = {
    "realtime_fanout": (["--clients", "200", "--rounds", "2"], []),
    "clinic_evaluate": (["--quick"], []),
    "clinic_documents": ([], []),
    "clinic_lists": (["--quick"], []),
    "sos_nearest": (["--quick"], []),
    "sos_trigger_ws": (["--n", "40"], []),
    "sos_push": (["--n", "40"], []),
    "sos_roles": (["--n", "40"], []),
    "sos_ingest": (["--quick"], []),
    "chat_latency": (
        ["--postgres", "--redis", "redis://127.0.0.1:6379/13", "--rate", "20", "--seconds", "3"],
        ["--postgres", "--redis", "redis://127.0.0.1:6379/13"],
    ),
    # Issue 13's messenger target (Redis DBs 11 and 12, PostgreSQL lifeline_bench_chat).
    "chat_roles": (["--quick"], []),
    # Issue 16's dispatcher queue and suggestion targets (PostgreSQL test_lifeline_bench_ambulance).
    "ambulance_queue": (["--quick"], []),
    # Issue 19's market targets (PostgreSQL test_lifeline_bench_market / _checkout, and SQLite).
    "market_search": (["--quick", "--products", "5000"], []),
    "market_checkout": (["--buyers", "40", "--units", "10", "--rounds", "1"], []),
    # Issue 18's search target (PostgreSQL test_lifeline_bench_freelance, and SQLite).
    "freelance_search": (["--quick", "--gigs", "5000"], []),
    # Issue 18's order-transition target (PostgreSQL test_lifeline_bench_freelance).
    "freelance_orders": (["--quick"], []),
    # Issue 17's field-service targets (PostgreSQL lifeline_bench_fs_webhooks and
    # test_lifeline_bench_fs_list; Redis DBs 15 and 10 for the webhooks' roles).
    "fieldservice_webhooks": (["--quick"], []),
    "fieldservice_list": (["--quick"], []),
}


def print_results(results: Sequence[api_read.BenchResult]) -> None:
    header = (
        f"{'benchmark':<10} {'case':<22} {'req/s':>8} {'ratio':>6} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'non-200':>8}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        for case in result.cases:
            load = case.load
            bad = sum(n for status, n in load.statuses.items() if status != 200) + load.errors
            print(
                f"{result.name:<10} {case.name:<22} {load.rps:>8.0f} {result.ratio_of(case):>6.2f} "
                f"{load.percentile(0.5):>8.2f} {load.percentile(0.99):>8.2f} {bad:>8}"
            )
        verdict = "PASS" if result.passed else "FAIL"
        print(
            f"{result.name:<10} ratio {result.candidate.name} / {result.baseline.name} = "
            f"{result.ratio:.2f} (target >= {result.target:.2f}): {verdict}"
        )
        print(f"{'':<10} {result.notes}")
        print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the Lifeline benchmarks.")
    parser.add_argument("--quick", action="store_true", help="short run (smoke check)")
    parser.add_argument("--redis", metavar="URL", help="Redis URL for cache and throttles")
    parser.add_argument("--only", choices=[*BENCHMARKS, *SCRIPTS], action="append")
    args = parser.parse_args(argv)
    selected = args.only or [*BENCHMARKS, *SCRIPTS]

    results = [
        bench.run(quick=args.quick, redis_url=args.redis)
        for name, bench in BENCHMARKS.items()
        if name in selected
    ]
    print_results(results)
    ok = all(result.passed for result in results)

    for name, (quick_args, full_args) in SCRIPTS.items():
        script = ROOT / "benchmarks" / f"{name}.py"
        if name not in selected or not script.exists():
            continue
        print(f"== {name} ==", flush=True)
        argv_ = [sys.executable, str(script), *(quick_args if args.quick else full_args)]
        ok = subprocess.run(argv_, cwd=ROOT, check=False).returncode == 0 and ok
        print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
