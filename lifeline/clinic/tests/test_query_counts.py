"""Lists and the patient card render in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.clinic.models.assessments import Assessment, Evaluation, Score
from lifeline.clinic.models.patients import CareTeamMember, Patient
from lifeline.clinic.tests.factories import care_team, doctor_in

pytestmark = pytest.mark.django_db


def _patients(clinic, doctor, count, start=0):
    patients = Patient.objects.bulk_create(
        Patient(organization=clinic, full_name=f"Patient {start + i:05d}") for i in range(count)
    )
    CareTeamMember.objects.bulk_create(CareTeamMember(patient=p, doctor=doctor) for p in patients)


def _assessments(patient, count):
    now = timezone.now()
    for _ in range(count):
        assessment = Assessment.objects.create(
            patient=patient,
            instruments=["vas"],
            status="submitted",
            submitted_at=now,
            answers={"vas": {"vas": 40}},
        )
        Score.objects.create(
            assessment=assessment,
            patient=patient,
            instrument="vas",
            value=40,
            band="moderate",
            measured_at=now,
        )
        Evaluation.objects.create(
            patient=patient, assessment=assessment, ruleset_version="t", inputs_hash="0" * 64
        )


def _count(callable_):
    """Queries of the clinic's own reads (session and shell middleware writes vary by time)."""
    with CaptureQueriesContext(connection) as ctx:
        response = callable_()
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= 25
    return len([q for q in ctx.captured_queries if '"clinic_' in q["sql"]])


def test_patient_list_api_constant_queries(client_for):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    client = client_for(doctor)
    url = reverse("clinic:patient-list")
    _patients(clinic, doctor, 3)
    small = _count(lambda: client.get(url))
    _patients(clinic, doctor, 60, start=100)
    large = _count(lambda: client.get(url))
    assert small == large
    assert large <= 6


def test_patient_list_page_constant_queries(client):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    client.force_login(doctor)
    url = reverse("clinic-web:home")
    _patients(clinic, doctor, 3)
    client.get(url)  # warm up: the first request of a session writes session data
    small = _count(lambda: client.get(url))
    _patients(clinic, doctor, 60, start=100)
    large = _count(lambda: client.get(url))
    assert small == large


def test_patient_card_constant_queries(client, client_for):
    patient, doctor = care_team()
    client.force_login(doctor)
    url = reverse("clinic-web:patient-card", kwargs={"patient_id": patient.pk})
    api = reverse("clinic:patient-detail", kwargs={"patient_id": patient.pk})
    _assessments(patient, 2)
    client.get(url)  # warm up the session
    small = _count(lambda: client.get(url))
    small_api = _count(lambda: client_for(doctor).get(api))
    _assessments(patient, 25)
    large = _count(lambda: client.get(url))
    large_api = _count(lambda: client_for(doctor).get(api))
    assert small == large
    assert small_api == large_api
