"""Helpers for the payload-shape test every event builder gets (STYLE.md 2.7)."""

# ruff: noqa: S101  (a pytest helper: plain asserts give pytest's rewritten messages)

from __future__ import annotations

import re
import uuid
from typing import Any

from lifeline.realtime.events import Event

_OCCURRED_AT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def assert_envelope(event: Event | dict[str, Any], *, type: str, data: dict[str, Any]) -> None:
    """Assert `event` is a valid envelope of `type` whose `data` equals `data` exactly."""
    envelope = event.as_dict() if isinstance(event, Event) else event
    assert sorted(envelope) == ["data", "id", "occurred_at", "type", "version"]
    assert envelope["type"] == type
    assert str(uuid.UUID(envelope["id"])) == envelope["id"]
    assert _OCCURRED_AT_RE.fullmatch(envelope["occurred_at"])
    assert isinstance(envelope["version"], int)
    assert envelope["version"] >= 1
    assert envelope["data"] == data
