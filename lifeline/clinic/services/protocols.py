"""Writes of protocol templates (spec F-1 follow-up schedules): create, edit, deactivate,
copy. Clinics manage their own templates; the seeded global ones are read-only (copy them).

Editing a template never changes schedules already made from it: `schedule_create` copies
each step into its own `ScheduledAssessment` (instruments, due date) with its reminder jobs,
so existing schedules keep their dates and instruments; only new schedules use the new steps.
The audit event of an edit records the previous steps and how many schedules keep them.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic.enums import (
    AssessmentStatus,
    FollowUpTaskStatus,
    ScheduledAssessmentStatus,
)
from lifeline.clinic.exceptions import ClinicForbidden
from lifeline.clinic.models.assessments import Assessment
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.models.protocols import (
    AssessmentSchedule,
    FollowUpTask,
    ProtocolTemplate,
    ScheduledAssessment,
)
from lifeline.clinic.selectors.patients import care_team_doctors, patients_actionable_by
from lifeline.clinic.selectors.protocols import (
    protocol_editor_organization_ids,
    protocol_reader_organization_ids,
    protocol_schedules_in_use,
)
from lifeline.core.exceptions import InvalidInput, NotFound
from lifeline.jobs.services import job_schedule
from lifeline.notifications.services import notify

MAX_STEPS = 30
MAX_DAY = 3650
NAME_MAX = 200
# F-1: HADS has a one-week recall, so not more often than every 2 weeks.
HADS_MIN_INTERVAL_DAYS = 14


class ProtocolInvalid(InvalidInput):
    code = "clinic.protocol_invalid"
    title = gettext_noop("The protocol template is invalid")


class ProtocolReadOnly(ClinicForbidden):
    code = "clinic.protocol_read_only"
    title = gettext_noop("This protocol template is shared by all clinics; copy it to change it")


def schedulable_instruments() -> tuple[str, ...]:
    """Engine instruments a patient can be reminded to complete (observational scales are
    scored by a clinician, never from the patient's reminder)."""
    from lifeline.clinic.engine.questionnaires import INSTRUMENT_ORDER
    from lifeline.clinic.services.assessments import CLINICIAN_ONLY

    return tuple(i for i in INSTRUMENT_ORDER if i not in CLINICIAN_ONLY)


def _clean_names(name_en: Any, name_ru: Any, errors: dict[str, list[str]]) -> tuple[str, str]:
    en = name_en.strip() if isinstance(name_en, str) else ""
    ru = name_ru.strip() if isinstance(name_ru, str) else ""
    if not en and not ru:
        errors["name_ru"] = [_("Give the name of the protocol.")]
    for field, value in (("name_en", en), ("name_ru", ru)):
        if len(value) > NAME_MAX:
            errors[field] = [_("At most %(n)s characters.") % {"n": NAME_MAX}]
    # One language is enough: the other shows the same name.
    return en or ru, ru or en


def _clean_steps(steps: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if not isinstance(steps, list) or not steps:
        errors["steps"] = [_("Add at least one step.")]
        return []
    if len(steps) > MAX_STEPS:
        errors["steps"] = [_("At most %(n)s steps.") % {"n": MAX_STEPS}]
        return []
    known = schedulable_instruments()
    cleaned: list[dict[str, Any]] = []
    previous_day: int | None = None
    last_hads: int | None = None
    for n, step in enumerate(steps):
        key = f"steps[{n}]"
        if not isinstance(step, dict) or set(step) - {"day", "instruments"}:
            errors[key] = [_("Each step has a day and a list of instruments.")]
            continue
        day = step.get("day")
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= MAX_DAY:
            errors[f"{key}.day"] = [
                _("The day is a whole number from 0 to %(max)s.") % {"max": MAX_DAY}
            ]
            day = None
        elif previous_day is not None and day <= previous_day:
            errors[f"{key}.day"] = [_("Each step must come after the previous one.")]
        instruments = step.get("instruments")
        if not isinstance(instruments, list) or not instruments:
            errors[f"{key}.instruments"] = [_("Choose at least one instrument.")]
            instruments = []
        elif not all(isinstance(i, str) for i in instruments) or len(set(instruments)) != len(
            instruments
        ):
            errors[f"{key}.instruments"] = [_("Each instrument once.")]
        else:
            unknown = [i for i in instruments if i not in known]
            if unknown:
                errors[f"{key}.instruments"] = [
                    _("Unknown or not schedulable instrument: %(name)s.") % {"name": unknown[0]}
                ]
        if day is not None:
            if "hads" in instruments:
                if last_hads is not None and day - last_hads < HADS_MIN_INTERVAL_DAYS:
                    errors.setdefault(f"{key}.instruments", []).append(
                        _("HADS not more often than every %(n)s days (one-week recall).")
                        % {"n": HADS_MIN_INTERVAL_DAYS}
                    )
                last_hads = day
            previous_day = day
        cleaned.append({"day": day, "instruments": list(instruments)})
    return cleaned


def protocol_validate(*, name_en: Any, name_ru: Any, steps: Any) -> dict[str, Any]:
    """Cleaned `{"name_en", "name_ru", "steps"}` or ProtocolInvalid with field errors."""
    errors: dict[str, list[str]] = {}
    en, ru = _clean_names(name_en, name_ru, errors)
    cleaned_steps = _clean_steps(steps, errors)
    if errors:
        raise ProtocolInvalid(errors=errors)
    return {"name_en": en, "name_ru": ru, "steps": cleaned_steps}


def _editor_org(actor: User, organization_id: Any | None) -> Any:
    """The clinic a new template belongs to: the one given (must be the actor's), or the only
    clinic the actor edits."""
    editor_orgs = protocol_editor_organization_ids(actor)
    if organization_id is not None:
        for org in editor_orgs:
            if str(org) == str(organization_id):
                return org
        if any(str(o) == str(organization_id) for o in protocol_reader_organization_ids(actor)):
            raise ClinicForbidden()
        raise NotFound()
    if not editor_orgs:
        raise ClinicForbidden()
    if len(editor_orgs) > 1:
        raise ProtocolInvalid(errors={"organization_id": [_("Choose the clinic.")]})
    return editor_orgs[0]


def _require_editor(actor: User, template: ProtocolTemplate) -> None:
    org = template.organization_id
    if org is None:
        raise ProtocolReadOnly()
    if org not in protocol_editor_organization_ids(actor):
        raise ClinicForbidden()


def _new_code(name_en: str) -> str:
    stem = slugify(name_en)[:40].strip("-") or "protocol"
    return f"{stem}-{secrets.token_hex(4)}"


def protocol_create(
    *,
    actor: User,
    name_en: Any,
    name_ru: Any,
    steps: Any,
    organization_id: Any | None = None,
    request: HttpRequest | None = None,
    copied_from: ProtocolTemplate | None = None,
) -> ProtocolTemplate:
    org = _editor_org(actor, organization_id)
    cleaned = protocol_validate(name_en=name_en, name_ru=name_ru, steps=steps)
    with transaction.atomic():
        template = ProtocolTemplate.objects.create(
            code=_new_code(cleaned["name_en"]), organization_id=org, **cleaned
        )
        metadata: dict[str, Any] = {"steps": cleaned["steps"]}
        if copied_from is not None:
            metadata["copied_from"] = copied_from.code
        audit.record(
            actor=actor,
            action="clinic.protocol_created",
            target=template,
            organization=org,
            request=request,
            metadata=metadata,
        )
    return template


def protocol_copy(
    *,
    actor: User,
    template: ProtocolTemplate,
    organization_id: Any | None = None,
    request: HttpRequest | None = None,
) -> ProtocolTemplate:
    """An editable copy of a readable template (global or the clinic's own) in the clinic."""
    return protocol_create(
        actor=actor,
        name_en=template.name_en,
        name_ru=template.name_ru,
        steps=template.steps,
        organization_id=organization_id,
        request=request,
        copied_from=template,
    )


def protocol_update(
    *,
    actor: User,
    template: ProtocolTemplate,
    name_en: Any = None,
    name_ru: Any = None,
    steps: Any = None,
    request: HttpRequest | None = None,
) -> ProtocolTemplate:
    """Change names and/or steps. Existing schedules keep their due assessments."""
    _require_editor(actor, template)
    cleaned = protocol_validate(
        name_en=template.name_en if name_en is None else name_en,
        name_ru=template.name_ru if name_ru is None else name_ru,
        steps=template.steps if steps is None else steps,
    )
    with transaction.atomic():
        template = ProtocolTemplate.objects.select_for_update().get(pk=template.pk)
        before = {"name_en": template.name_en, "name_ru": template.name_ru, "steps": template.steps}
        for field, value in cleaned.items():
            setattr(template, field, value)
        template.save(update_fields=["name_en", "name_ru", "steps", "updated_at"])
        audit.record(
            actor=actor,
            action="clinic.protocol_updated",
            target=template,
            organization=template.organization_id,
            request=request,
            before=before,
            after=cleaned,
            metadata={"schedules_unchanged": protocol_schedules_in_use(template)},
        )
    return template


def protocol_set_active(
    *,
    actor: User,
    template: ProtocolTemplate,
    active: bool,
    request: HttpRequest | None = None,
) -> ProtocolTemplate:
    """Deactivate (no new schedules from it; existing ones go on) or reactivate. Idempotent."""
    _require_editor(actor, template)
    if template.is_active == active:
        return template
    with transaction.atomic():
        template.is_active = active
        template.save(update_fields=["is_active", "updated_at"])
        audit.record(
            actor=actor,
            action="clinic.protocol_activated" if active else "clinic.protocol_deactivated",
            target=template,
            organization=template.organization_id,
            request=request,
            metadata={"schedules_unchanged": protocol_schedules_in_use(template)},
        )
    return template


# F-7: reminders at the due date and +3 days; the care team gets a task after that.
SECOND_REMINDER_AFTER = timedelta(days=3)


ESCALATE_AFTER = timedelta(days=4)


# An assessment submitted up to this long before the due date still counts for it.
COMPLETION_WINDOW_BEFORE_DUE = timedelta(days=3)


REMINDER_HOUR = 9


def _require_care_team(actor: User, patient: Patient) -> None:
    """Only an approved doctor on the patient's care team schedules (403 otherwise)."""
    if not patients_actionable_by(actor).filter(pk=patient.pk).exists():
        raise ClinicForbidden()


# --- schedules and reminders (F-1, F-7) ---------------------------------------------------
def _due_at(start: date, day: int) -> datetime:
    moment = datetime.combine(start + timedelta(days=day), time(REMINDER_HOUR))
    return timezone.make_aware(moment)


def schedule_create(
    *,
    actor: User,
    patient: Patient,
    template: ProtocolTemplate,
    start_date: date,
    request: HttpRequest | None = None,
) -> AssessmentSchedule:
    """Apply a protocol to the patient: one due assessment per step, each with durable
    deadlines for the reminder at the due date, the one at +3 days and the care-team task."""
    _require_care_team(actor, patient)
    with transaction.atomic():
        schedule = AssessmentSchedule.objects.create(
            patient=patient, template=template, start_date=start_date, created_by=actor
        )
        for step in template.steps:
            item = ScheduledAssessment.objects.create(
                schedule=schedule,
                patient=patient,
                instruments=list(step["instruments"]),
                due_at=_due_at(start_date, int(step["day"])),
            )
            for stage, delay in (
                ("due", timedelta(0)),
                ("reminder", SECOND_REMINDER_AFTER),
                ("escalate", ESCALATE_AFTER),
            ):
                job_schedule(
                    task_name="clinic.remind_scheduled_assessment",
                    run_at=item.due_at + delay,
                    kwargs={"scheduled_assessment_id": item.pk, "stage": stage},
                    idempotency_key=f"clinic.scheduled_assessment:{item.pk}:{stage}",
                )
        audit.record(
            actor=actor,
            action="clinic.schedule_created",
            target=schedule,
            organization=patient.organization_id,
            request=request,
            metadata={"patient_id": str(patient.pk), "template": template.code},
        )
    return schedule


def schedule_cancel(*, actor: User, schedule: AssessmentSchedule) -> AssessmentSchedule:
    _require_care_team(actor, schedule.patient)
    with transaction.atomic():
        schedule.cancelled_at = timezone.now()
        schedule.save(update_fields=["cancelled_at", "updated_at"])
        schedule.items.filter(status=ScheduledAssessmentStatus.PENDING).update(
            status=ScheduledAssessmentStatus.CANCELLED
        )
        audit.record(
            actor=actor,
            action="clinic.schedule_cancelled",
            target=schedule,
            organization=schedule.patient.organization_id,
        )
    return schedule


def _completed_by_assessment(item: ScheduledAssessment) -> Assessment | None:
    """A submitted assessment that covers all the item's instruments, from the window before
    the due date on."""
    candidates = Assessment.objects.filter(
        patient_id=item.patient_id,
        status=AssessmentStatus.SUBMITTED,
        submitted_at__gte=item.due_at - COMPLETION_WINDOW_BEFORE_DUE,
    ).order_by("submitted_at")
    wanted = set(item.instruments)
    for assessment in candidates:
        if wanted <= set(assessment.instruments or []):
            return assessment
    return None


def scheduled_assessment_remind(*, scheduled_assessment_id: int, stage: str) -> str:
    """Run one reminder stage of a due assessment; idempotent (the stage's timestamp is the
    guard). Returns what happened: completed, cancelled, reminded, escalated or skipped."""
    with transaction.atomic():
        item = (
            ScheduledAssessment.objects.select_for_update(of=("self",))
            .select_related("patient", "patient__user")
            .filter(pk=scheduled_assessment_id)
            .first()
        )
        if item is None or item.status == ScheduledAssessmentStatus.CANCELLED:
            return "cancelled"
        if item.status == ScheduledAssessmentStatus.COMPLETED:
            return "completed"
        done = _completed_by_assessment(item)
        if done is not None:
            item.status = ScheduledAssessmentStatus.COMPLETED
            item.completed_at = done.submitted_at
            item.save(update_fields=["status", "completed_at", "updated_at"])
            return "completed"
        now = timezone.now()
        patient_user = item.patient.user
        context = {"scheduled_assessment_id": item.pk, "due_date": item.due_at.date().isoformat()}
        if stage in ("due", "reminder"):
            field_name = "first_reminder_at" if stage == "due" else "second_reminder_at"
            if getattr(item, field_name) is not None:
                return "skipped"
            setattr(item, field_name, now)
            item.save(update_fields=[field_name, "updated_at"])
            if patient_user is not None and patient_user.is_active:
                notify(patient_user, "clinic.assessment_due", context)
            return "reminded"
        if stage == "escalate":
            if item.escalated_at is not None:
                return "skipped"
            item.escalated_at = now
            item.save(update_fields=["escalated_at", "updated_at"])
            FollowUpTask.objects.get_or_create(
                scheduled_assessment=item,
                defaults={"patient": item.patient, "kind": "missed_assessment"},
            )
            for doctor in care_team_doctors(item.patient):
                notify(
                    doctor,
                    "clinic.assessment_missed",
                    {**context, "patient_id": str(item.patient_id)},
                )
            return "escalated"
        raise ValueError(f"unknown reminder stage {stage!r}")


def follow_up_task_done(*, actor: User, task: FollowUpTask) -> FollowUpTask:
    _require_care_team(actor, task.patient)
    with transaction.atomic():
        task.status = FollowUpTaskStatus.DONE
        task.done_at = timezone.now()
        task.done_by = actor
        task.save(update_fields=["status", "done_at", "done_by", "updated_at"])
    return task
