"""`/ws/sos_events/`: the seed's live SOS feed for SOS admins, and each wearer's own events.

Frames follow the seed: `{"type": "sos_event", "payload": {...}}` for a new SOS; the other
kinds use the same envelope with `type` `sos_event_accepted`, `sos_event_reopened`,
`sos_event_cancelled`, `sos_event_resolved`, `sos_event_escalated` (a seed client that
only knows `sos_event` never mistakes an acceptance for a new alarm). Added fields: `id`,
`occurred_at`, and in the payload `status`, `kind`, `accepted_by_name`.

Who joins what: SOS admins → their organizations' groups; platform admins → every event;
everyone signed in → their own events as wearer and the events they were alerted about.
"""

from __future__ import annotations

from typing import Any

from lifeline.access.permissions import is_platform_admin
from lifeline.realtime.consumers import EventsConsumer
from lifeline.sos import events
from lifeline.sos.permissions import sos_admin_organization_ids


def seed_frame(envelope: dict[str, Any]) -> dict[str, Any]:
    kind = str(envelope.get("type", "")).removeprefix("sos.event_")
    return {
        "type": "sos_event" if kind == "created" else f"sos_event_{kind}",
        "payload": envelope.get("data", {}),
        "id": envelope.get("id"),
        "occurred_at": envelope.get("occurred_at"),
    }


class SosEventsConsumer(EventsConsumer):
    def groups_for(self, user: Any) -> list[str]:
        names = [events.wearer_group(user.pk), events.helper_group(user.pk)]
        if is_platform_admin(user):
            names.append(events.platform_group())
        names += [events.admins_group(org_id) for org_id in sos_admin_organization_ids(user)]
        return names

    async def realtime_event(self, message: dict[str, Any]) -> None:
        envelope = message["event"]
        event_id = envelope.get("id")
        if event_id in self._recent_ids:
            return
        self._recent_ids.append(event_id)
        if str(envelope.get("type", "")).startswith("sos.event_"):
            await self.send_json(seed_frame(envelope))
        else:
            await self.send_json(envelope)
