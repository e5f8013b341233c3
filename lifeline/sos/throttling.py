"""Per-device telemetry throttle, sized for one report per 10 seconds with bursts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.request import Request

from lifeline.core.api.throttling import CountingRateThrottle
from lifeline.sos import conf

if TYPE_CHECKING:
    from rest_framework.views import APIView


class DeviceRateThrottle(CountingRateThrottle):
    """Counts per device (`device_uid` in the URL or the OsmAnd `id`), not per user."""

    scope = "sos_device"

    def get_rate(self) -> str:
        return str(conf.get("DEVICE_THROTTLE_RATE"))

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        kwargs: dict[str, Any] = getattr(view, "kwargs", {}) or {}
        ident = (
            kwargs.get("device_uid")
            or request.query_params.get("id")
            or request.query_params.get("deviceid")
        )
        if not ident and isinstance(request.data, dict):
            ident = request.data.get("device_id") or request.data.get("id")
        if not ident:
            return None
        return self.cache_format % {"scope": self.scope, "ident": str(ident)[:128]}
