"""Production settings plus the benchmark-only routes (benchmarks/bench_urls.py)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
