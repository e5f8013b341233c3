"""Real-time payloads of the fieldservice module and their audiences.

`data` carries ids and statuses only: a recipient fetches the request or callback through
the API, which applies city scoping. Operators and managers of a company join
`fieldservice.callcentre.<org>` on `/ws/callcentre/`; a master joins `fieldservice.master.<user>`.
"""

from __future__ import annotations

from typing import Any

from lifeline.realtime import groups
from lifeline.realtime.events import Event


def callcentre_group(organization_id: Any) -> str:
    return groups.subject("fieldservice", "callcentre", organization_id)


def master_group(user_id: Any) -> str:
    return groups.subject("fieldservice", "master", user_id)


def operator_group(user_id: Any) -> str:
    """One operator's screen: the caller's card of a call ringing on their extension."""
    return groups.subject("fieldservice", "operator", user_id)


def request_changed(request: Any, *, kind: str) -> Event:
    """`fieldservice.request_created` / `fieldservice.request_updated`."""
    if kind not in ("created", "updated"):
        raise ValueError(kind)
    return Event(
        type=f"fieldservice.request_{kind}",
        data={
            "request_id": str(request.pk),
            "status": request.status,
            "city_id": request.city_id,
            "master_id": str(request.master_id) if request.master_id else None,
        },
    )


def request_audience(request: Any) -> list[str]:
    names = [callcentre_group(request.organization_id)]
    if request.master_id:
        names.append(master_group(request.master_id))
    return names


def callback_changed(callback: Any, *, kind: str) -> Event:
    """`fieldservice.callback_created` / `_taken` / `_escalated`."""
    if kind not in ("created", "taken", "escalated"):
        raise ValueError(kind)
    return Event(
        type=f"fieldservice.callback_{kind}",
        data={
            "callback_id": str(callback.pk),
            "status": callback.status,
            "city_id": callback.city_id,
            "due_at": callback.due_at.isoformat().replace("+00:00", "Z"),
        },
    )


def call_started(call: Any) -> Event:
    """`fieldservice.call_started`: a call reached the company (the board refreshes)."""
    return Event(
        type="fieldservice.call_started",
        data={"call_id": str(call.pk), "city_id": call.city_id},
    )


def call_ringing(call: Any) -> Event:
    """`fieldservice.call_ringing`, to the operator whose extension rings: their screen
    opens the caller's card (`/fieldservice/calls/{id}/card/`, or the API's
    `calls/{id}/card/`), which applies their scope."""
    return Event(
        type="fieldservice.call_ringing",
        data={"call_id": str(call.pk), "city_id": call.city_id},
    )
