"""Reads of the audit trail, scoped by the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from lifeline.access.enums import ADMIN_ROLES
from lifeline.access.permissions import is_platform_admin
from lifeline.access.selectors import organizations_of
from lifeline.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditEventFilters:
    """Search criteria; empty values do not filter. `action` matches as a prefix."""

    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    organization: str = ""
    since: datetime | None = None
    until: datetime | None = None


def audit_event_list_for(
    *, actor: Any, filters: AuditEventFilters | None = None
) -> QuerySet[AuditEvent]:
    """Events `actor` may read, newest first.

    Platform admins read everything; organization admins (ADMIN_ROLES) read the events of
    the organizations they administer; anyone else reads nothing. `since` is inclusive,
    `until` exclusive.
    """
    events = AuditEvent.objects.all()
    if not is_platform_admin(actor):
        if not getattr(actor, "is_authenticated", False):
            return events.none()
        # Audit rows store ids as text, so the scope is a list of strings, not a subquery.
        administered = [
            str(pk)
            for pk in organizations_of(user=actor, roles=ADMIN_ROLES).values_list("pk", flat=True)
        ]
        events = events.filter(organization_id__in=administered)
    filters = filters or AuditEventFilters()
    if filters.actor:
        events = events.filter(actor_id=filters.actor)
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    if filters.organization:
        events = events.filter(organization_id=filters.organization)
    if filters.since is not None:
        events = events.filter(created_at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(created_at__lt=filters.until)
    return events.order_by("-created_at", "-id")
