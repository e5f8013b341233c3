"""What ambulance asks the SOS module about calls escalated from an SOS (answered by sos).

Domains are independent: ambulance never imports sos. The SOS side registers, from its
declared flow module (`sos.services.flows`, called in `SosConfig.ready()`), a reader of an
SOS event's timeline (shown on the dispatcher's call card) and a listener told when a call
that came from an SOS is assigned, given back, completed, rejected or cancelled (written to
the SOS event's timeline, which the wearer's page shows). Nothing registered (sos not
installed): no timeline and nothing written back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.utils import timezone

if TYPE_CHECKING:
    from lifeline.ambulance.models import Call


@dataclass(frozen=True, kw_only=True)
class SosTimelineItem:
    """One step of an SOS event as the dispatcher sees it (no health data)."""

    at: datetime
    label: str
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class CallChange:
    """A step of a call that came from an SOS event, for the SOS event's timeline."""

    sos_event_id: UUID
    call_id: UUID
    number: int
    status: str  # ambulance.enums.CallStatus value (TROUBLE: given back to the queue)
    team_name: str
    at: datetime


TimelineReader = Callable[[UUID], list[SosTimelineItem]]
CallListener = Callable[[CallChange], None]

_readers: list[TimelineReader] = []
_listeners: list[CallListener] = []


def register(*, timeline_reader: TimelineReader, call_listener: CallListener) -> None:
    """Register the SOS side (in an AppConfig.ready()); a second registration replaces it."""
    _readers[:] = [timeline_reader]
    _listeners[:] = [call_listener]


def sos_timeline(*, call: Call) -> list[SosTimelineItem]:
    """The timeline of the SOS event `call` came from (the caller may see the call)."""
    if call.sos_event_id is None or not _readers:
        return []
    return _readers[0](call.sos_event_id)


def call_changed(
    *, call: Call, status: str, at: datetime | None = None, team_name: str = ""
) -> None:
    """Tell the SOS side about a step of `call` (inside the caller's transaction, so the SOS
    timeline entry commits or rolls back with the step)."""
    if call.sos_event_id is None or not _listeners:
        return
    _listeners[0](
        CallChange(
            sos_event_id=call.sos_event_id,
            call_id=call.pk,
            number=call.number,
            status=status,
            team_name=team_name,
            at=at or timezone.now(),
        )
    )
