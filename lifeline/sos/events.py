"""Real-time payloads of the sos module and their audiences.

Every event's `data` is the seed's `sos_event` payload (event_uid, timestamp, resolved,
detected_type, severity, device_uid, user_phone, lat, lon) plus `status` and `kind`. The
`/ws/sos_events/` consumer re-wraps it in the seed's envelope `{"type": "sos_event", "payload"}`.
"""

from __future__ import annotations

from typing import Any

from lifeline.realtime import groups
from lifeline.realtime.events import Event
from lifeline.sos.models import SosEvent

# "dispatched": the ambulance call of an escalated event moved (filed, assigned, completed, …).
KINDS = ("created", "accepted", "reopened", "cancelled", "resolved", "escalated", "dispatched")


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def payload(event: SosEvent, kind: str) -> dict[str, Any]:
    accepted_by = event.accepted_by
    return {
        "event_uid": str(event.pk),
        "timestamp": _iso(event.timestamp),
        "resolved": event.resolved,
        "detected_type": event.detected_type,
        "severity": event.severity,
        "device_uid": event.device.device_uid if event.device_id and event.device else None,
        "user_phone": str(event.user.phone_number) if event.user.phone_number else None,
        "lat": event.lat,
        "lon": event.lon,
        "status": event.status,
        "kind": kind,
        "accepted_by_name": accepted_by.display_name if accepted_by else None,
    }


def sos_event(event: SosEvent, kind: str) -> Event:
    if kind not in KINDS:
        raise ValueError(kind)
    return Event(type=f"sos.event_{kind}", data=payload(event, kind))


def admins_group(organization_id: Any) -> str:
    return groups.organization(organization_id, "sos_admin")


def platform_group() -> str:
    return groups.subject("sos", "platform", "admins")


def wearer_group(user_id: Any) -> str:
    return groups.subject("sos", "wearer", user_id)


def helper_group(user_id: Any) -> str:
    return groups.subject("sos", "helper", user_id)


def audience(event: SosEvent, *, helper_ids: list[Any] | None = None) -> list[str]:
    names = [platform_group(), wearer_group(event.user_id)]
    if event.organization_id:
        names.append(admins_group(event.organization_id))
    for helper_id in helper_ids or []:
        names.append(helper_group(helper_id))
    return names
