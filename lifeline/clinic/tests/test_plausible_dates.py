"""Dates a client sends for a patient record: 1900-01-01 to today (lifeline.core.dates)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.audit.models import AuditEvent
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.models.protocols import AssessmentSchedule
from lifeline.clinic.tests.factories import PatientFactory, care_team, doctor_in

pytestmark = pytest.mark.django_db

TOO_EARLY = "Enter a date on or after 01/01/1900."
IN_FUTURE = "The date cannot be in the future."


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    return clinic, patient, doctor


def _tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "0001-01-01", TOO_EARLY),
        ("date_of_birth", "1899-12-31", TOO_EARLY),
        ("stroke_date", "9999-12-31", IN_FUTURE),
        ("pain_onset_date", "0001-01-01", TOO_EARLY),
    ],
)
def test_a_new_patient_with_an_implausible_date_is_not_stored(
    client_for, team, field, value, message
):
    _clinic, _patient, doctor = team
    before = Patient.objects.count()

    response = client_for(doctor).post(
        reverse("clinic:patient-list"), {"full_name": "X", field: value}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert Patient.objects.count() == before


def test_an_edit_to_an_implausible_birth_date_changes_nothing(client_for, team):
    _clinic, patient, doctor = team
    url = reverse("clinic:patient-detail", kwargs={"patient_id": patient.pk})
    before = Patient.objects.values().get(pk=patient.pk)

    response = client_for(doctor).patch(url, {"date_of_birth": "0001-01-01"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"date_of_birth": [TOO_EARLY]}
    assert Patient.objects.values().get(pk=patient.pk) == before
    assert not AuditEvent.objects.filter(action="clinic.patient_updated").exists()


def test_the_earliest_and_latest_plausible_dates_are_stored(client_for, team):
    _clinic, _patient, doctor = team

    response = client_for(doctor).post(
        reverse("clinic:patient-list"),
        {
            "full_name": "Old",
            "date_of_birth": "1900-01-01",
            "stroke_date": timezone.localdate().isoformat(),
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    stored = Patient.objects.get(pk=response.json()["id"])
    assert (stored.date_of_birth, stored.stroke_date) == (date(1900, 1, 1), timezone.localdate())


def test_a_clinical_date_is_bounded_too(client_for, team):
    _clinic, patient, doctor = team
    url = reverse("clinic:patient-detail", kwargs={"patient_id": patient.pk})
    before = Patient.objects.values().get(pk=patient.pk)

    response = client_for(doctor).patch(
        url, {"clinical": {"recent_mi_date": "0001-01-01"}}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"clinical.recent_mi_date": [TOO_EARLY]}
    assert Patient.objects.values().get(pk=patient.pk) == before


def test_the_patient_cannot_report_an_onset_in_the_future(client_for, team):
    _clinic, patient, _doctor = team
    before = Patient.objects.values().get(pk=patient.pk)

    response = client_for(patient.user).patch(
        reverse("clinic:my-record"), {"pain_onset_date": _tomorrow()}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"pain_onset_date": [IN_FUTURE]}
    assert Patient.objects.values().get(pk=patient.pk) == before


def test_another_patient_or_doctor_cannot_change_the_birth_date(client_for, team):
    clinic, patient, _doctor = team
    url = reverse("clinic:patient-detail", kwargs={"patient_id": patient.pk})
    before = Patient.objects.values().get(pk=patient.pk)

    by_doctor = client_for(doctor_in(clinic)).patch(
        url, {"date_of_birth": "1960-01-01"}, format="json"
    )
    by_patient = client_for(PatientFactory(organization=clinic).user).patch(
        url, {"date_of_birth": "1960-01-01"}, format="json"
    )

    assert (by_doctor.status_code, by_patient.status_code) == (404, 404)
    assert Patient.objects.values().get(pk=patient.pk) == before


@pytest.mark.parametrize("start_date", ["0001-01-01", "9999-12-31"])
def test_a_schedule_cannot_start_centuries_away(client_for, team, start_date):
    _clinic, patient, doctor = team

    response = client_for(doctor).post(
        reverse("clinic:patient-schedule", kwargs={"patient_id": patient.pk}),
        {"protocol_code": "f1-default", "start_date": start_date},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["start_date"]
    assert AssessmentSchedule.objects.count() == 0
