"""Realtime events of ambulance dispatch: builders and their audiences.

`data` carries ids, status, criticality and the map point: what every dispatcher of the
station may see. Patient details are fetched through the API (audited), never broadcast.
The consumers translate the types to the seed's names (`new_call`, `call_accepted`, ...).
"""

from __future__ import annotations

from typing import Any

from lifeline.ambulance.models import Call, Team
from lifeline.realtime import groups
from lifeline.realtime.events import Event

CALL_CREATED = "ambulance.call_created"
CALL_ASSIGNED = "ambulance.call_assigned"
CALL_REJECTED = "ambulance.call_rejected"
CALL_UPDATED = "ambulance.call_updated"
CALL_COMPLETED = "ambulance.call_completed"
CALL_TROUBLE_REPORTED = "ambulance.call_trouble_reported"
TEAM_FREED = "ambulance.team_freed"
TEAM_MOVED = "ambulance.team_moved"
TEAM_UPDATED = "ambulance.team_updated"
# The crew's own socket: the team starts driving (EN_ROUTE, TRANSPORTING) or arrives
# (ON_SCENE, AT_HOSPITAL): the seed's `move_started` / `move_finished`.
TEAM_MOVE_STARTED = "ambulance.team_move_started"
TEAM_MOVE_FINISHED = "ambulance.team_move_finished"

# Seed event names per socket endpoint (`/ws/dispatch/`, `/ws/crew/`).
DISPATCH_NAMES = {
    CALL_CREATED: "new_call",
    CALL_ASSIGNED: "call_accepted",
    CALL_REJECTED: "call_rejected",
    CALL_UPDATED: "call_updated",
    CALL_COMPLETED: "call_updated",
    CALL_TROUBLE_REPORTED: "call_updated",
    TEAM_FREED: "available_team",
    TEAM_MOVED: "team_moved",
    TEAM_UPDATED: "team_updated",
}
CREW_NAMES = {
    CALL_ASSIGNED: "assigned_call",
    CALL_UPDATED: "call_updated",
    CALL_COMPLETED: "completed_call",
    CALL_TROUBLE_REPORTED: "trouble_call",
    TEAM_MOVED: "move_team",
    TEAM_MOVE_STARTED: "move_started",
    TEAM_MOVE_FINISHED: "move_finished",
}


def station_group(organization_id: Any) -> str:
    """Dispatchers and administrators of one station: `ambulance.station.<uuid>`."""
    return groups.subject("ambulance", "station", organization_id)


def team_group(team_id: Any) -> str:
    """The crew of one team: `ambulance.team.<uuid>`."""
    return groups.subject("ambulance", "team", team_id)


def _call_data(call: Call) -> dict[str, Any]:
    return {
        "call_id": str(call.pk),
        "number": call.number,
        "status": call.status,
        "criticality": call.criticality,
        "team_id": str(call.team_id) if call.team_id else None,
        "lat": call.lat,
        "lon": call.lon,
    }


def call_event(event_type: str, call: Call) -> Event:
    return Event(type=event_type, data=_call_data(call))


def team_event(event_type: str, team: Team) -> Event:
    return Event(
        type=event_type,
        data={
            "team_id": str(team.pk),
            "name": team.name,
            "on_shift": team.on_shift,
            "lat": team.lat,
            "lon": team.lon,
            "position_at": team.position_at.isoformat() if team.position_at else None,
        },
    )


def call_audience(call: Call, *, team_id: Any = None) -> list[str]:
    names = [station_group(call.organization_id)]
    team = team_id or call.team_id
    if team:
        names.append(team_group(team))
    return names
