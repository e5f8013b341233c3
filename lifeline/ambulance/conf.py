"""Defaults of the ambulance module; each can be overridden in settings (``AMBULANCE_<NAME>``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Minutes a NEW call may wait before the console marks it as ageing, per criticality.
    "AGE_WARNING_MINUTES": {"critical": 2, "important": 10, "common": 30},
    # Great-circle ETA: average speed of an ambulance in town (km/h).
    "ETA_SPEED_KMH": 40,
    # With OSRM_URL set: how many of the nearest free teams (great-circle) get road ETAs from
    # one OSRM table request (osrm-routed refuses tables over --max-table-size, 100 by default).
    "ROAD_ETA_CANDIDATES": 25,
    # Possible duplicates: an open call with the same phone, or within this distance, this recent.
    "DUPLICATE_DISTANCE_M": 100,
    "DUPLICATE_WINDOW_MINUTES": 30,
    # Report targets (minutes) per criticality and interval; 20 min call -> on scene for
    # critical calls is the Russian 2026 norm. NFPA 1710-style targets can be added here.
    "TARGET_MINUTES": {"critical": {"call_to_on_scene": 20}},
}


def get(name: str) -> Any:
    return getattr(settings, f"AMBULANCE_{name}", DEFAULTS[name])
