"""`/ws/dispatch/` (dispatchers and station admins) and `/ws/crew/` (a crew's own team).

Frames keep the seed's event names: `{"type": "new_call", "payload": {...}, "id", "occurred_at"}`
(`new_call`, `call_accepted`, `call_rejected`, `call_updated`, `available_team`, `team_moved`
on the dispatch socket; `assigned_call`, `call_updated`, `completed_call`, `trouble_call`,
`move_team` on the crew socket). Payloads hold ids, status, criticality and points; patient
details are fetched through the API.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from lifeline.access.enums import Role
from lifeline.ambulance import events
from lifeline.ambulance.models import TeamMember
from lifeline.ambulance.permissions import CALL_READERS, stations_of
from lifeline.realtime.consumers import EventsConsumer


def seed_frame(envelope: dict[str, Any], names: dict[str, str]) -> dict[str, Any] | None:
    name = names.get(str(envelope.get("type", "")))
    if name is None:
        return None
    return {
        "type": name,
        "payload": envelope.get("data", {}),
        "id": envelope.get("id"),
        "occurred_at": envelope.get("occurred_at"),
    }


class _SeedFramesConsumer(EventsConsumer):
    names: dict[str, str] = {}

    async def realtime_event(self, message: dict[str, Any]) -> None:
        envelope = message["event"]
        event_id = envelope.get("id")
        if event_id in self._recent_ids:
            return
        self._recent_ids.append(event_id)
        frame = seed_frame(envelope, self.names)
        if frame is not None:
            await self.send_json(frame)


class DispatchConsumer(_SeedFramesConsumer):
    names = events.DISPATCH_NAMES

    def groups_for(self, user: Any) -> list[str]:
        station_ids = list(stations_of(user, CALL_READERS).values_list("pk", flat=True))
        if not station_ids:
            raise PermissionDenied
        return [events.station_group(pk) for pk in station_ids]


class CrewConsumer(_SeedFramesConsumer):
    names = events.CREW_NAMES

    def groups_for(self, user: Any) -> list[str]:
        crew_stations = stations_of(user, (Role.CREW,))
        if not crew_stations.exists():
            raise PermissionDenied
        team_ids = TeamMember.objects.filter(
            user_id=user.pk, is_active=True, team__organization__in=crew_stations
        ).values_list("team_id", flat=True)
        return [events.team_group(pk) for pk in team_ids]
