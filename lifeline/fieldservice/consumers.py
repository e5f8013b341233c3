"""`/ws/callcentre/`: live board of a company's call centre (new requests, callbacks,
ringing calls) for its operators and managers, and each master's own requests."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from lifeline.access.enums import Role
from lifeline.fieldservice import events
from lifeline.fieldservice.permissions import company_roles
from lifeline.realtime.consumers import EventsConsumer


class CallCentreConsumer(EventsConsumer):
    def groups_for(self, user: Any) -> list[str]:
        roles = company_roles(user)
        if not roles:
            raise PermissionDenied
        names = [events.master_group(user.pk)]
        staff_orgs = [org for org, held in roles.items() if held - {Role.MASTER}]
        names += [events.callcentre_group(org) for org in staff_orgs]
        if staff_orgs:
            names.append(events.operator_group(user.pk))
        return names
