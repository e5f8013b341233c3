"""The timeline of an SOS event: one entry per step (created, alerted, accepted, …)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lifeline.sos.models import SosEvent, TimelineEntry


def timeline_add(
    event: SosEvent,
    kind: str,
    *,
    actor: Any = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Record one step of `event` (inside the caller's transaction); `at` defaults to now."""
    extra = {"at": at} if at is not None else {}
    TimelineEntry.objects.create(event=event, kind=kind, actor=actor, data=data or {}, **extra)
