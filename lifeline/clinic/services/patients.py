"""Writes about patient records and care teams. Every write is audited with before/after."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.access.models import Organization
from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic import permissions
from lifeline.clinic.exceptions import AlreadyAssigned, ClinicForbidden, PatientArchived
from lifeline.clinic.models import CareTeamMember, Patient
from lifeline.clinic.services.clinical import validate_body_regions, validate_clinical
from lifeline.core.exceptions import InvalidInput, NotFound

EDITABLE_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "diagnosis",
    "stroke_date",
    "stroke_type",
    "lesion_side",
    "lesion_site",
    "pain_locations",
    "pain_onset_date",
    "clinical",
    "notes",
)
AUDITED_FIELDS = (*EDITABLE_FIELDS, "is_archived", "archived_at", "scheduled_deletion_at")


def archive_retention_days() -> int:
    return int(getattr(settings, "CLINIC_ARCHIVE_RETENTION_DAYS", 30))


def _state(patient: Patient | None) -> dict[str, Any]:
    if patient is None:
        return {}
    state = {field: getattr(patient, field) for field in AUDITED_FIELDS}
    # Health data stays out of the audit trail's before/after: only that it changed.
    for field in ("diagnosis", "clinical", "notes", "pain_locations"):
        state[field] = bool(state[field])
    return state


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(errors={name: [_("Unknown field.")] for name in sorted(unknown)})
    cleaned = dict(data)
    if "clinical" in cleaned:
        cleaned["clinical"] = validate_clinical(cleaned["clinical"])
    if "pain_locations" in cleaned:
        cleaned["pain_locations"] = validate_body_regions(cleaned["pain_locations"])
    if "full_name" in cleaned and not str(cleaned["full_name"]).strip():
        raise InvalidInput(errors={"full_name": [_("This field may not be blank.")]})
    today = timezone.localdate()
    for field in ("date_of_birth", "stroke_date", "pain_onset_date"):
        if cleaned.get(field) and cleaned[field] > today:
            raise InvalidInput(errors={field: [_("The date cannot be in the future.")]})
    return cleaned


def _pick_organization(actor: User, organization: Organization | None) -> tuple[Organization, bool]:
    """The clinic a new patient belongs to, and whether it is the doctor's test patient."""
    approved = permissions.doctor_organization_ids(actor)
    admin_of = permissions.admin_organization_ids(actor)
    if organization is not None:
        if organization.pk in approved or organization.pk in admin_of:
            return organization, False
        profile = getattr(actor, "clinic_doctor_profile", None)
        if profile is not None and profile.organization_id == organization.pk:
            return organization, True
        raise NotFound()
    if len(approved) == 1:
        return Organization.objects.get(pk=approved[0]), False
    if not approved:
        profile = getattr(actor, "clinic_doctor_profile", None)
        if profile is not None and profile.organization_id:
            return profile.organization, True
    raise InvalidInput(errors={"organization": [_("Choose the clinic of the patient.")]})


@transaction.atomic
def patient_create(
    *,
    actor: User,
    data: dict[str, Any],
    organization: Organization | None = None,
    request: HttpRequest | None = None,
) -> Patient:
    """A doctor (or clinic admin) creates a patient record; a doctor joins its care team.

    A doctor not yet approved by a clinic admin creates test patients only.
    """
    if not (permissions.is_doctor(actor) or permissions.admin_organization_ids(actor)):
        raise ClinicForbidden()
    cleaned = _clean(data)
    if not cleaned.get("full_name"):
        raise InvalidInput(errors={"full_name": [_("This field is required.")]})
    org, is_test = _pick_organization(actor, organization)
    patient = Patient(organization=org, created_by=actor, is_test=is_test, **cleaned)
    patient.save()
    if permissions.is_doctor(actor):
        CareTeamMember.objects.create(patient=patient, doctor=actor, assigned_by=actor)
    audit.record(
        actor=actor,
        action="clinic.patient_created",
        target=patient,
        organization=org,
        request=request,
        after=_state(patient),
    )
    return patient


@transaction.atomic
def patient_update(
    *, actor: User, patient: Patient, data: dict[str, Any], request: HttpRequest | None = None
) -> Patient:
    if not permissions.can_manage_record(actor, patient):
        raise ClinicForbidden()
    cleaned = _clean(data)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.is_archived:
        raise PatientArchived()
    before = _state(patient)
    for field, value in cleaned.items():
        setattr(patient, field, value)
    patient.save()
    audit.record(
        actor=actor,
        action="clinic.patient_updated",
        target=patient,
        organization=patient.organization_id,
        request=request,
        before=before,
        after=_state(patient),
    )
    return patient


@transaction.atomic
def patient_archive(
    *, actor: User, patient: Patient, request: HttpRequest | None = None
) -> Patient:
    """Archive the record; it is deleted physically after the retention period. Idempotent."""
    if not permissions.can_manage_record(actor, patient):
        raise ClinicForbidden()
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.is_archived:
        return patient
    before = _state(patient)
    now = timezone.now()
    patient.is_archived = True
    patient.archived_at = now
    patient.scheduled_deletion_at = now + timedelta(days=archive_retention_days())
    patient.save(
        update_fields=["is_archived", "archived_at", "scheduled_deletion_at", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="clinic.patient_archived",
        target=patient,
        organization=patient.organization_id,
        request=request,
        before=before,
        after=_state(patient),
    )
    return patient


@transaction.atomic
def patient_restore(
    *, actor: User, patient: Patient, request: HttpRequest | None = None
) -> Patient:
    """Take a record out of the archive before its deletion date. Idempotent."""
    if not permissions.can_manage_record(actor, patient):
        raise ClinicForbidden()
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if not patient.is_archived:
        return patient
    before = _state(patient)
    patient.is_archived = False
    patient.archived_at = None
    patient.scheduled_deletion_at = None
    patient.save(
        update_fields=["is_archived", "archived_at", "scheduled_deletion_at", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="clinic.patient_restored",
        target=patient,
        organization=patient.organization_id,
        request=request,
        before=before,
        after=_state(patient),
    )
    return patient


def patients_purge_archived(*, now: Any = None) -> int:
    """Delete archived records whose scheduled deletion date has passed (periodic sweep)."""
    now = now or timezone.now()
    count = 0
    due = Patient.objects.filter(is_archived=True, scheduled_deletion_at__lte=now)
    for patient in due.iterator():
        with transaction.atomic():
            audit.record(
                actor=None,
                action="clinic.patient_deleted",
                target=patient,
                organization=patient.organization_id,
                metadata={"archived_at": patient.archived_at},
            )
            patient.delete()
            count += 1
    return count


@transaction.atomic
def care_team_assign(
    *, actor: User, patient: Patient, doctor: User, request: HttpRequest | None = None
) -> CareTeamMember:
    """A clinic admin assigns an approved doctor of the patient's clinic."""
    if not permissions.is_clinic_admin(actor, patient.organization_id):
        raise ClinicForbidden()
    if not permissions.is_approved_doctor(doctor, patient.organization_id):
        raise InvalidInput(
            errors={"doctor": [_("This user is not an approved doctor of the clinic.")]}
        )
    if CareTeamMember.objects.filter(patient=patient, doctor=doctor).exists():
        raise AlreadyAssigned()
    member = CareTeamMember.objects.create(patient=patient, doctor=doctor, assigned_by=actor)
    audit.record(
        actor=actor,
        action="clinic.care_team_assigned",
        target=patient,
        organization=patient.organization_id,
        request=request,
        after={"doctor_id": str(doctor.pk)},
    )
    return member


@transaction.atomic
def care_team_unassign(
    *, actor: User, patient: Patient, doctor: User, request: HttpRequest | None = None
) -> None:
    if not permissions.is_clinic_admin(actor, patient.organization_id):
        raise ClinicForbidden()
    member = CareTeamMember.objects.filter(patient=patient, doctor=doctor).first()
    if member is None:
        raise NotFound()
    member.delete()
    audit.record(
        actor=actor,
        action="clinic.care_team_unassigned",
        target=patient,
        organization=patient.organization_id,
        request=request,
        before={"doctor_id": str(doctor.pk)},
    )
