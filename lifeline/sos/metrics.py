"""Prometheus series of the sos module (labels from fixed sets only)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

events_created = Counter(
    "lifeline_sos_events_total", "SOS events created, by trigger source.", labelnames=["source"]
)
duplicates = Counter(
    "lifeline_sos_duplicates_total",
    "SOS triggers joined to an open event, by reason.",
    labelnames=["reason"],
)
alerts_sent = Counter("lifeline_sos_alerts_sent_total", "Helper alerts sent.")
escalations = Counter("lifeline_sos_escalations_total", "SOS events escalated.")
locations = Counter(
    "lifeline_sos_locations_total", "Location points recorded, by protocol.", labelnames=["via"]
)
time_to_accept = Histogram(
    "lifeline_sos_time_to_accept_seconds",
    "From SOS creation to the first helper accept.",
    buckets=(5, 10, 20, 30, 60, 120, 180, 300, 600, 1200, 3600),
)

for _source in ("api", "device_token", "osmand", "web"):
    events_created.labels(source=_source)
for _reason in ("idempotency_key", "window"):
    duplicates.labels(reason=_reason)
for _via in ("api", "osmand"):
    locations.labels(via=_via)
