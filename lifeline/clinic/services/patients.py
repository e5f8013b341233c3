"""Writes about patient records and care teams. Every write is audited with before/after."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lifeline.access.selectors import organization_list
from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic import permissions
from lifeline.clinic.exceptions import AlreadyAssigned, ClinicForbidden, PatientArchived
from lifeline.clinic.models.patients import CareTeamMember, Patient
from lifeline.clinic.services.clinical import validate_body_regions, validate_clinical
from lifeline.clinic.services.notifications import notify_patient_record_updated
from lifeline.core.dates import check_plausible, historical_date
from lifeline.core.exceptions import InvalidInput, NotFound
from lifeline.core.selectors import get_or_not_found

if TYPE_CHECKING:
    from lifeline.access.models import Organization

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
HISTORICAL_DATE_FIELDS = ("date_of_birth", "stroke_date", "pain_onset_date")
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
    # From 1900-01-01 to today (lifeline.core.dates), whichever interface sent them.
    check_plausible(cleaned, dict.fromkeys(HISTORICAL_DATE_FIELDS, historical_date))
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
        return get_or_not_found(organization_list(active=None), pk=approved[0]), False
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


def _set_archived(
    *, actor: User, patient: Patient, archived: bool, request: HttpRequest | None
) -> Patient:
    """Archive or restore under a row lock, audited; a record already in that state is
    returned unchanged."""
    if not permissions.can_manage_record(actor, patient):
        raise ClinicForbidden()
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.is_archived == archived:
        return patient
    before = _state(patient)
    now = timezone.now()
    patient.is_archived = archived
    patient.archived_at = now if archived else None
    patient.scheduled_deletion_at = (
        now + timedelta(days=archive_retention_days()) if archived else None
    )
    patient.save(
        update_fields=["is_archived", "archived_at", "scheduled_deletion_at", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="clinic.patient_archived" if archived else "clinic.patient_restored",
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
    return _set_archived(actor=actor, patient=patient, archived=True, request=request)


@transaction.atomic
def patient_restore(
    *, actor: User, patient: Patient, request: HttpRequest | None = None
) -> Patient:
    """Take a record out of the archive before its deletion date. Idempotent."""
    return _set_archived(actor=actor, patient=patient, archived=False, request=request)


def patient_purge_expired(*, now: Any = None) -> int:
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


# --- the patient's own record ----------------------------------------------------------------
# What a patient may report themselves (spec §C.2 "patient" sources): contact data, the body
# map, pain onset (→ duration), and in `clinical` the pain ratings, pain distribution, the
# medicines they take, adverse effects and the red-flag checklist the app asks (RF-1..RF-3,
# RF-5 self-harm, RF-8 new location, RF-10). Everything else (diagnosis, stroke data, Klit
# checklist, ECG, renal function, safety inputs, treatment history, reliability) is the care
# team's.
PATIENT_RECORD_FIELDS = ("email", "phone", "pain_locations", "pain_onset_date")
PATIENT_CLINICAL_FIELDS = (
    "nrs_now",
    "nrs_avg24h",
    "vas_mm",
    "pain_distribution",
    "new_pain_location",
    "pain_limits_daily_life",
    "current_meds",
    "adverse_effects",
    "new_focal_deficit",
    "sudden_severe_headache",
    "reduced_consciousness",
    "acute_limb_swelling",
    "fall_or_trauma_with_new_pain",
    "self_harm",
)
# Red flags a patient reports but does not withdraw: once `true`, only the care team clears it.
PATIENT_RED_FLAGS = (
    "new_focal_deficit",
    "sudden_severe_headache",
    "reduced_consciousness",
    "acute_limb_swelling",
    "fall_or_trauma_with_new_pain",
    "self_harm",
)
EMERGENCY_RED_FLAGS = ("new_focal_deficit", "sudden_severe_headache", "reduced_consciousness")


class PatientFieldNotEditable(InvalidInput):
    code = "clinic.patient_field_not_editable"
    title = gettext_noop("Only the care team can change these fields")


def patient_reported(patient: Patient) -> dict[str, Any]:
    """The patient-reported part of `patient.clinical` (the keys present)."""
    clinical = patient.clinical or {}
    return {name: clinical[name] for name in PATIENT_CLINICAL_FIELDS if name in clinical}


def _clean_self(patient: Patient, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(record field changes, clinical changes) or a 400 naming every refused field."""
    refused = sorted(set(data) - {*PATIENT_RECORD_FIELDS, "clinical"})
    clinical_in = data.get("clinical", {})
    if "clinical" in data and not isinstance(clinical_in, dict):
        raise InvalidInput(errors={"clinical": [_("Must be an object.")]})
    refused += sorted(f"clinical.{n}" for n in set(clinical_in) - set(PATIENT_CLINICAL_FIELDS))
    if refused:
        raise PatientFieldNotEditable(
            errors={name: [_("Only your care team can change this.")] for name in refused}
        )
    record = _clean({k: v for k, v in data.items() if k != "clinical"})
    current = patient.clinical or {}
    errors: dict[str, list[str]] = {}
    for name in PATIENT_RED_FLAGS:
        if name in clinical_in and current.get(name) is True and clinical_in[name] is not True:
            errors[f"clinical.{name}"] = [
                _("Your care team clears a reported warning sign after reviewing it.")
            ]
    if errors:
        raise PatientFieldNotEditable(errors=errors)
    changes = {k: v for k, v in clinical_in.items() if v is not None}
    if changes:
        validate_clinical(changes)
    return record, dict(clinical_in)


@transaction.atomic
def patient_self_update(
    *, actor: User, data: dict[str, Any], request: HttpRequest | None = None
) -> Patient:
    """The patient edits the fields they report themselves on their own record.

    Clinician-only fields → 400 `clinic.patient_field_not_editable`, nothing stored. In
    `clinical`, `null` clears a value (unknown) except a reported red flag. The care team is
    told that the record changed (no health data in the notification).
    """
    patient = Patient.objects.select_for_update().filter(user=actor).first()
    if patient is None:
        raise NotFound()
    if patient.is_archived:
        raise PatientArchived()
    record, clinical_changes = _clean_self(patient, data)
    before = _state(patient)
    changed = [name for name, value in record.items() if getattr(patient, name) != value]
    for field, value in record.items():
        setattr(patient, field, value)
    clinical = dict(patient.clinical or {})
    for name, value in clinical_changes.items():
        if clinical.get(name) != value:
            changed.append(f"clinical.{name}")
        if value is None:
            clinical.pop(name, None)
        else:
            clinical[name] = value
    patient.clinical = clinical
    if not changed:
        return patient
    patient.save()
    audit.record(
        actor=actor,
        action="clinic.patient_self_updated",
        target=patient,
        organization=patient.organization_id,
        request=request,
        before=before,
        after=_state(patient),
        # Which record fields changed; for the clinical inputs only how many (a field name
        # such as a red flag would itself be health data).
        metadata={
            "fields": sorted(n for n in changed if not n.startswith("clinical.")),
            "clinical_inputs_changed": sum(n.startswith("clinical.") for n in changed),
        },
    )
    notify_patient_record_updated(patient=patient)
    return patient
