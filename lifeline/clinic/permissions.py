"""Who may do what in the clinic. The care team is the access rule for patient data.

- a patient: their own record and their own (patient-mode) assessments;
- a doctor: assigned patients in organizations where they hold an active `doctor`
  membership, plus their own test patients (usable before a clinic admin approves them);
- a clinic admin: every patient of the organizations they administer (read, archive,
  care-team changes); clinical work (assessments in clinic mode, decisions) is for doctors.
Anything else is a 404 (the selectors never return it). Memberships are read through
`access.selectors` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.selectors import memberships_of, user_has_any_role

if TYPE_CHECKING:
    from lifeline.access.models import Membership, Organization


def _active(user: Any) -> QuerySet[Membership]:
    return memberships_of(user=user).filter(organization__kind=OrganizationKind.CLINIC)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def doctor_organization_ids(user: Any) -> list[Any]:
    """Clinics where `user` is an approved (active) doctor."""
    if not _authenticated(user):
        return []
    return list(_active(user).filter(role=Role.DOCTOR).values_list("organization_id", flat=True))


def admin_organization_ids(user: Any) -> list[Any]:
    """Clinics `user` administers."""
    if not _authenticated(user):
        return []
    return list(
        _active(user).filter(role=Role.CLINIC_ADMIN).values_list("organization_id", flat=True)
    )


def is_doctor(user: Any) -> bool:
    """An approved doctor somewhere, or a registered doctor awaiting approval (profile)."""
    if not _authenticated(user):
        return False
    if _active(user).filter(role=Role.DOCTOR).exists():
        return True
    from lifeline.clinic.models.patients import DoctorProfile

    return DoctorProfile.objects.filter(user=user).exists()


def is_approved_doctor(user: Any, organization: Organization | Any) -> bool:
    if not _authenticated(user):
        return False
    org_id: Any = getattr(organization, "pk", organization)
    return _active(user).filter(role=Role.DOCTOR, organization_id=org_id).exists()


def is_clinic_admin(user: Any, organization: Organization | Any) -> bool:
    if not _authenticated(user):
        return False
    org_id: Any = getattr(organization, "pk", organization)
    return _active(user).filter(role=Role.CLINIC_ADMIN, organization_id=org_id).exists()


def can_act_clinically(user: Any, patient: Any) -> bool:
    """Run clinician-mode assessments, record decisions: the patient's doctors only."""
    if not _authenticated(user):
        return False
    from lifeline.clinic.models.patients import CareTeamMember

    if patient.is_test and patient.created_by_id == user.pk:
        return True
    return CareTeamMember.objects.filter(
        patient=patient, doctor=user
    ).exists() and is_approved_doctor(user, patient.organization_id)


def can_manage_record(user: Any, patient: Any) -> bool:
    """Edit the record, archive it: the patient's doctors and the clinic's admins."""
    return can_act_clinically(user, patient) or is_clinic_admin(user, patient.organization_id)


def is_patient_self(user: Any, patient: Any) -> bool:
    return _authenticated(user) and patient.user_id == user.pk


def is_clinician(user: Any) -> bool:
    """A doctor or a clinic admin somewhere (the clinical screens, the catalogue)."""
    return user_has_any_role(user=user, roles=[Role.DOCTOR, Role.CLINIC_ADMIN])


def can_manage_articles(user: Any) -> bool:
    """Editors: clinic admins, or users granted the `clinic.manage_articles` permission."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm("clinic.manage_articles"):
        return True
    return user_has_any_role(user=user, roles=[Role.CLINIC_ADMIN])
