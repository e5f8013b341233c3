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
    # Demo movement (`lifeline manage ambulance_simulate`, `serve --demo`): random calls are
    # filed within radius_km of this centre (the reference's city by default).
    "SIMULATION_REGION": {"lat": 59.9343, "lon": 30.3351, "radius_km": 8.0},
    # The gentle version `serve --demo` runs every TICK_SECONDS on its embedded beat: a new
    # call with CALL_CHANCE per tick while fewer than MAX_WAITING wait, robot teams take calls
    # waiting ROBOT_ASSIGN_AFTER_MINUTES, and teams en route move STEP_M per tick.
    "DEMO_SIMULATION": {
        "TICK_SECONDS": 10.0,
        "CALL_CHANCE": 0.08,
        "MAX_WAITING": 5,
        "ROBOT_ASSIGN_AFTER_MINUTES": 3,
        "STEP_M": 120.0,
    },
    # The console lists this many waiting calls (most critical, oldest first) and says how
    # many wait in all; "show the whole queue" lists up to CONSOLE_QUEUE_MAX.
    "CONSOLE_QUEUE_ROWS": 50,
    "CONSOLE_QUEUE_MAX": 1000,
    "TARGET_MINUTES": {"critical": {"call_to_on_scene": 20}},
    # Position reports per team (all its phones together): the card shares every >= 15 s
    # and the fan-out benchmark posts every 5 s (12/min); more is a runaway client.
    "POSITION_THROTTLE_RATE": "20/min",
}


def get(name: str) -> Any:
    return getattr(settings, f"AMBULANCE_{name}", DEFAULTS[name])
