from __future__ import annotations

import pytest

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.clinic.demo import seed
from lifeline.clinic.models.patients import DoctorProfile, Patient
from lifeline.clinic.models.registration import LegalDocument
from lifeline.clinic.selectors.patients import patients_for_doctor
from lifeline.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = user_with_role(Role.DOCTOR, clinic)
    patient_user = user_with_role(Role.PATIENT, clinic)
    ctx = DemoContext(
        organizations={OrganizationKind.CLINIC: clinic},
        users={Role.DOCTOR: doctor, Role.PATIENT: patient_user},
        write=lambda _line: None,
    )
    seed(ctx)
    seed(ctx)
    assert LegalDocument.objects.count() == 2
    assert DoctorProfile.objects.filter(user=doctor).count() == 1
    patient = Patient.objects.get(user=patient_user)
    assert list(patients_for_doctor(doctor)) == [patient]
