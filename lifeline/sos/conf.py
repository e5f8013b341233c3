"""Defaults of the sos module; each can be overridden in settings (``SOS_<NAME>``).

Per-organization values (radius, cap, escalation time, k, t, cooldown) live in
`OrganizationSosSettings`; these are the defaults for organizations without a row and for
devices of people outside any SOS organization.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Dedup: a trigger of the same person within this sliding window and distance joins the
    # open event instead of creating a new one.
    "DEDUP_WINDOW_SECONDS": 300,
    "DEDUP_DISTANCE_M": 200,
    # A client timestamp may be this far in the future (clock skew of watches).
    "TIMESTAMP_SKEW_SECONDS": 120,
    # Helper search.
    "RADIUS_M": 5000,
    "RADIUS_STEPS_M": [5000, 10000, 20000],
    "HELPER_CAP": 50,
    "MIN_HELPERS_K": 3,
    "ACCEPT_WAIT_SECONDS": 60,
    "HELPER_FRESH_SECONDS": 600,
    "HELPER_COOLDOWN_SECONDS": 300,
    # Escalation of events still NEW.
    "ESCALATION_SECONDS": 300,
    # A round or contact message whose fast-path task has not recorded it this many seconds
    # after it was asked for is run by the `sos.run_due` sweep (beat: every 2 s) instead.
    "ROUND_RETRY_SECONDS": 5,
    # Tries of one SMS to an emergency contact (backoff 30 s, 60 s, 120 s, …).
    "CONTACT_NOTICE_MAX_ATTEMPTS": 5,
    # The wearer cancels without a reason within this window.
    "CANCEL_WINDOW_SECONDS": 120,
    # A device not heard from for this long is shown offline.
    "DEVICE_STALE_SECONDS": 600,
    # Location track retention (days); older points are purged by `sos.purge_tracks`.
    "TRACK_RETENTION_DAYS": 30,
    # Per-device throttle of telemetry (sized for one report per 10 s with bursts).
    "DEVICE_THROTTLE_RATE": "30/min",
}


def get(name: str) -> Any:
    """Return ``settings.SOS_<name>`` or the default above."""
    return getattr(settings, f"SOS_{name}", DEFAULTS[name])
