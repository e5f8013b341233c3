"""Reads of the audit trail, scoped by the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from lifeline.audit.models import AuditEvent
from lifeline.audit.permissions import audit_organization_ids_for


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
    administered = audit_organization_ids_for(actor=actor)
    if administered is not None:  # None: a platform admin reads everything
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
