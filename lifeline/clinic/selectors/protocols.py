"""Reads of protocol templates (global and the organization's), schedules, due assessments
and follow-up tasks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from lifeline.accounts.models import User
from lifeline.clinic.enums import (
    FollowUpTaskStatus,
)
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.models.protocols import FollowUpTask, ProtocolTemplate, ScheduledAssessment
from lifeline.clinic.permissions import admin_organization_ids, doctor_organization_ids
from lifeline.clinic.selectors.patients import patients_clinical_scope
from lifeline.core.exceptions import NotFound
from lifeline.core.selectors import get_or_not_found


# --- schedules ---------------------------------------------------------------------------
# A template with no organization is global (the seeded F-1 templates), read-only for
# clinics; one with an organization is that clinic's own. See docs/modules/clinic-documents.md.
def _owned_by(organization_ids: Iterable[Any]) -> Q:
    return Q(organization_id__in=list(organization_ids))


def _global() -> Q:
    return Q(organization__isnull=True)


def protocol_list() -> QuerySet[ProtocolTemplate]:
    """The global (seeded) active templates."""
    return ProtocolTemplate.objects.filter(_global(), is_active=True)


def protocol_editor_organization_ids(actor: Any) -> list[Any]:
    """Clinics whose templates `actor` may write: the clinics they administer, and those where
    an editor of organization content (`clinic.manage_articles`) is an approved doctor."""
    if not getattr(actor, "is_authenticated", False):
        return []
    orgs = list(admin_organization_ids(actor))
    if actor.has_perm("clinic.manage_articles"):
        orgs += [o for o in doctor_organization_ids(actor) if o not in orgs]
    return orgs


def protocol_reader_organization_ids(actor: Any) -> list[Any]:
    if not getattr(actor, "is_authenticated", False):
        return []
    orgs = list(admin_organization_ids(actor))
    return orgs + [o for o in doctor_organization_ids(actor) if o not in orgs]


def protocol_list_for(*, actor: Any, include_inactive: bool = False) -> QuerySet[ProtocolTemplate]:
    """Templates a clinician may read: the global ones and their clinics' own."""
    templates = ProtocolTemplate.objects.filter(
        _global() | _owned_by(protocol_reader_organization_ids(actor))
    )
    if not include_inactive:
        templates = templates.filter(is_active=True)
    return templates.order_by("code")


def protocol_get_for(*, actor: Any, code: str) -> ProtocolTemplate:
    return get_or_not_found(protocol_list_for(actor=actor, include_inactive=True), code=code)


def protocols_for_patient(patient: Patient) -> QuerySet[ProtocolTemplate]:
    """Active templates that can be applied to `patient`: global ones and the clinic's own."""
    return ProtocolTemplate.objects.filter(
        _global() | _owned_by([patient.organization_id]), is_active=True
    ).order_by("code")


def protocol_schedules_in_use(template: ProtocolTemplate) -> int:
    """Schedules (not cancelled) made from `template`: they keep their own due assessments."""
    from lifeline.clinic.models.protocols import AssessmentSchedule

    return AssessmentSchedule.objects.filter(template=template, cancelled_at__isnull=True).count()


def scheduled_assessment_list(*, patient: Patient) -> QuerySet[ScheduledAssessment]:
    return ScheduledAssessment.objects.filter(patient=patient).order_by("due_at", "id")


def follow_up_task_list_for(*, actor: User) -> QuerySet[FollowUpTask]:
    return (
        FollowUpTask.objects.filter(
            patient__in=patients_clinical_scope(actor), status=FollowUpTaskStatus.OPEN
        )
        .select_related("patient", "scheduled_assessment")
        .order_by("created_at", "id")
    )


# --- reads of the web pages -------------------------------------------------------------
def follow_up_task_open_list_for(*, actor: User, limit: int = 50) -> list[FollowUpTask]:
    """The first follow-up tasks of the doctor's dashboard."""
    return list(follow_up_task_list_for(actor=actor)[:limit])


def follow_up_task_get_for(*, actor: User, task_id: int) -> FollowUpTask:
    """One follow-up task in the doctor's scope; else NotFound."""
    task = follow_up_task_list_for(actor=actor).filter(pk=task_id).first()
    if task is None:
        raise NotFound
    return task
