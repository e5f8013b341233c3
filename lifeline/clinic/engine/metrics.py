"""Prometheus metrics of the clinical engine endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram

evaluate_seconds = Histogram(
    "lifeline_clinic_evaluate_seconds",
    "Server time of one stateless rule-set evaluation (POST /api/v1/clinic/evaluate/).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25),
)
evaluations_total = Counter(
    "lifeline_clinic_evaluations_total",
    "Stateless evaluations by outcome.",
    ["outcome"],
)


@contextmanager
def observe_evaluation() -> Iterator[None]:
    with evaluate_seconds.time():
        try:
            yield
        except Exception:
            evaluations_total.labels(outcome="invalid").inc()
            raise
    evaluations_total.labels(outcome="ok").inc()
