"""The platform's own Prometheus counters, next to django-prometheus's HTTP/DB/cache ones.

Other apps call the small functions below (`metrics.login_attempt("success")`) instead of
touching prometheus_client. Every label takes values from a fixed set or a stable code, never an
id, a path or user input, so the number of series stays small.
"""

from __future__ import annotations

import re

from prometheus_client import Counter

OTHER = "other"

# The values of accounts.models.LoginResult (kept literal: ops imports no other app).
LOGIN_RESULTS = frozenset(
    {"success", "failed", "locked", "otp_required", "otp_failed", "inactive", "unverified"}
)
AUDIT_RESULTS = frozenset({"recorded", "failed"})

# Problem codes are stable identifiers such as "not_found" or "sos.alert_already_closed".
_PROBLEM_CODE = re.compile(r"^[a-z][a-z0-9_.\-]{0,79}$")

auth_logins = Counter(
    "lifeline_auth_logins_total", "Login attempts by result.", labelnames=["result"]
)
audit_events = Counter(
    "lifeline_audit_events_total", "Audit records written, by result.", labelnames=["result"]
)
problems = Counter(
    "lifeline_problems_total",
    "API problem-details (RFC 9457) responses by stable error code.",
    labelnames=["code"],
)

# Export every known series from the first scrape, at zero, so rate() and alerts work at once.
for _result in (*LOGIN_RESULTS, OTHER):
    auth_logins.labels(result=_result)
for _result in (*AUDIT_RESULTS, OTHER):
    audit_events.labels(result=_result)


def login_attempt(result: str) -> None:
    """Count one login attempt; `result` is one of LOGIN_RESULTS (anything else: "other")."""
    auth_logins.labels(result=result if result in LOGIN_RESULTS else OTHER).inc()


def audit_event(result: str) -> None:
    """Count one audit write; `result` is "recorded" or "failed" (anything else: "other")."""
    audit_events.labels(result=result if result in AUDIT_RESULTS else OTHER).inc()


def problem_returned(code: str) -> None:
    """Count one problem-details response. Codes that do not look like a stable code are
    folded into "other", so a malformed code can never create unbounded series."""
    problems.labels(code=code if _PROBLEM_CODE.match(code) else OTHER).inc()
