"""Dependency checks for the readiness probe.

Each check raises on failure. `run_checks()` reports every check by name with only the
exception's class name: messages can carry hosts, DSNs or credentials, so they go nowhere.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers
from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    # A random value, so concurrent probes from several replicas cannot pass for one another.
    token = secrets.token_hex(8)
    cache.set("lifeline:health", token, 5)
    if cache.get("lifeline:health") != token:
        raise RuntimeError("cache did not return the value just written")


async def _channel_round_trip() -> None:
    if DEFAULT_CHANNEL_LAYER not in channel_layers.configs:
        raise RuntimeError("no channel layer configured")
    # A fresh layer per probe: the shared instance keeps per-event-loop state (receive lock,
    # buffers) that a second async_to_sync loop in the same process cannot reuse.
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    try:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "health.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=CHECK_TIMEOUT_SECONDS)
    finally:
        close_pools = getattr(layer, "close_pools", None)
        if close_pools is not None:
            await close_pools()
    if message.get("type") != "health.ping":
        raise RuntimeError("channel layer lost the message")


def _channel_layer() -> None:
    async_to_sync(_channel_round_trip)()


def _broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # embedded default: jobs run in-process, there is no broker to reach
    from config.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL or None) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT_SECONDS)


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "cache": _cache,
    "channel_layer": _channel_layer,
    "broker": _broker,
}


def run_checks() -> dict[str, dict[str, Any]]:
    """Run every check; return `{name: {"ok": bool, "ms": float, ["error": class name]}}`."""
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:
            results[name] = {"ok": False, "error": type(exc).__name__}
            logger.warning(
                "ops.readiness_check_failed",
                extra={"check": name, "error": type(exc).__name__},
            )
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return results
