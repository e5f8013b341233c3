"""Reads about patients and care teams. Other modules (chat) use only these functions.

Stable contract for other modules:
- `patient_for_user(user)`: the Patient record of a patient account, or None.
- `patients_for_doctor(doctor)`: patients the doctor may see and act on (assigned ones).
- `care_team_doctors(patient)`: users assigned to the patient.
- `is_care_team_pair(doctor=, patient=)`: whether `doctor` is assigned to `patient`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from lifeline.accounts.enums import UserStatus
from lifeline.accounts.models import User
from lifeline.clinic.models import CareTeamMember, Patient


def patient_for_user(user: User) -> Patient | None:
    if not user.is_authenticated:
        return None
    return Patient.objects.filter(user=user).first()


def patients_for_doctor(doctor: User) -> QuerySet[Patient]:
    return Patient.objects.filter(care_team__doctor=doctor).distinct()


def care_team_doctors(patient: Patient) -> QuerySet[User]:
    return User.objects.filter(clinic_assignments__patient=patient, status=UserStatus.ACTIVE)


def is_care_team_pair(*, doctor: User, patient: Patient) -> bool:
    return CareTeamMember.objects.filter(doctor=doctor, patient=patient).exists()


def latest_scores(patient: Patient) -> dict[str, dict[str, object]]:
    """Latest score per instrument: {"dn4": {"score": 5, "band": "...", "at": iso}, ...}.

    Filled in by the assessments part; the messenger's patient panel shows it.
    """
    return {}
