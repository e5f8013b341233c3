"""Prometheus metrics of the clinic care part."""

from __future__ import annotations

from prometheus_client import Counter

assessments_submitted = Counter(
    "lifeline_clinic_assessments_submitted_total",
    "Assessment sessions submitted (scored and evaluated).",
    ["mode"],
)
