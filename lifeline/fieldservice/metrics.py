"""Prometheus series of the fieldservice module (labels from fixed sets only: never a
phone number or a user id)."""

from __future__ import annotations

from prometheus_client import Counter

from lifeline.fieldservice.enums import CallOutcome, MangoEventKind, RequestStatus

WEBHOOKS_RECEIVED = Counter(
    "lifeline_fieldservice_mango_webhooks_total",
    "Mango webhooks accepted, by event kind.",
    labelnames=["kind"],
)
WEBHOOKS_REJECTED = Counter(
    "lifeline_fieldservice_mango_webhooks_rejected_total",
    "Mango webhooks refused, by reason.",
    labelnames=["reason"],
)
CALLS = Counter(
    "lifeline_fieldservice_calls_total", "Finished calls, by outcome.", labelnames=["outcome"]
)
CALLBACK_SLA_BREACHES = Counter(
    "lifeline_fieldservice_callback_sla_breaches_total",
    "Missed-call callbacks not taken within their SLA (escalated to managers).",
)
RECORDING_FETCH_FAILURES = Counter(
    "lifeline_fieldservice_recording_fetch_failures_total", "Failed call recording downloads."
)
REQUEST_STATUS_CHANGES = Counter(
    "lifeline_fieldservice_request_status_changes_total",
    "Requests entering a status.",
    labelnames=["status"],
)
MAIL_RECORDINGS = Counter(
    "lifeline_fieldservice_mail_recordings_total",
    "Call recordings read from the IMAP mailbox, by outcome.",
    labelnames=["outcome"],
)
MAILBOX_POLL_FAILURES = Counter(
    "lifeline_fieldservice_mailbox_poll_failures_total",
    "IMAP mailbox polls that failed (server down, login refused, a message not stored).",
)

for _kind in MangoEventKind.values:
    WEBHOOKS_RECEIVED.labels(kind=_kind)
for _reason in ("signature", "payload", "too_large", "rate"):
    WEBHOOKS_REJECTED.labels(reason=_reason)
for _outcome in (CallOutcome.ANSWERED, CallOutcome.MISSED):
    CALLS.labels(outcome=_outcome)
for _status in RequestStatus.values:
    REQUEST_STATUS_CHANGES.labels(status=_status)
for _mail_outcome in ("stored", "duplicate", "no_line", "rejected"):
    MAIL_RECORDINGS.labels(outcome=_mail_outcome)
