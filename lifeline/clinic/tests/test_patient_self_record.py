"""The patient edits the fields they report themselves (spec §C.2) on their own record."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.audit.models import AuditEvent
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.tests.factories import care_team
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = reverse("clinic:my-record")


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    patient.diagnosis = "I63"
    patient.clinical = {"qtc_ms": 420, "egfr": 70.0, "nrs_now": 3}
    patient.save()
    return patient, doctor


def _snapshot(patient):
    patient = Patient.objects.get(pk=patient.pk)
    return (
        patient.email,
        patient.phone,
        patient.diagnosis,
        patient.pain_locations,
        patient.pain_onset_date,
        patient.clinical,
    )


def test_patient_reads_own_record_audited(team):
    patient, _doctor = team

    response = _client(patient.user).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(patient.pk)
    assert body["reported"] == {"nrs_now": 3}
    assert "diagnosis" not in body
    assert body["emergency"] is False
    assert AuditEvent.objects.filter(
        action="clinic.patient_viewed", target_id=str(patient.pk)
    ).exists()


def test_patient_edits_own_reported_fields_and_the_care_team_is_told(
    team, django_capture_on_commit_callbacks
):
    patient, doctor = team
    body = {
        "phone": "+79001234567",
        "pain_locations": ["shoulder_left", "hand_left"],
        "pain_onset_date": "2026-06-01",
        "clinical": {
            "nrs_now": 6,
            "nrs_avg24h": 5,
            "current_meds": [{"name": "pregabalin", "daily_dose_mg": 150}],
            "adverse_effects": ["sedation"],
            "pain_distribution": "within_lesion_territory",
        },
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(patient.user).patch(URL, body, format="json")

    assert response.status_code == 200, response.json()
    stored = Patient.objects.get(pk=patient.pk)
    assert stored.phone == "+79001234567"
    assert stored.pain_locations == ["shoulder_left", "hand_left"]
    assert stored.pain_onset_date == date(2026, 6, 1)
    assert stored.clinical == {
        "qtc_ms": 420,
        "egfr": 70.0,
        "nrs_now": 6,
        "nrs_avg24h": 5,
        "current_meds": [{"name": "pregabalin", "daily_dose_mg": 150}],
        "adverse_effects": ["sedation"],
        "pain_distribution": "within_lesion_territory",
    }
    assert stored.diagnosis == "I63"
    event = AuditEvent.objects.get(action="clinic.patient_self_updated")
    assert event.actor_id == str(patient.user.pk)
    assert event.metadata["fields"] == ["pain_locations", "pain_onset_date", "phone"]
    assert event.metadata["clinical_inputs_changed"] == 5
    note = Notification.objects.get(recipient=doctor, topic="clinic.patient_record_updated")
    assert note.data["patient_id"] == str(patient.pk)
    assert not Notification.objects.filter(recipient=patient.user).exists()


def test_null_clears_a_reported_value(team):
    patient, _doctor = team

    response = _client(patient.user).patch(URL, {"clinical": {"nrs_now": None}}, format="json")

    assert response.status_code == 200
    assert Patient.objects.get(pk=patient.pk).clinical == {"qtc_ms": 420, "egfr": 70.0}


@pytest.mark.parametrize(
    ("body", "error_key"),
    [
        ({"diagnosis": "none"}, "diagnosis"),
        ({"full_name": "Someone else"}, "full_name"),
        ({"stroke_type": "haemorrhagic"}, "stroke_type"),
        ({"clinical": {"qtc_ms": 380}}, "clinical.qtc_ms"),
        ({"clinical": {"egfr": None}}, "clinical.egfr"),
        ({"clinical": {"self_report_reliable": True}}, "clinical.self_report_reliable"),
        ({"clinical": {"suicidal_ideation": False}}, "clinical.suicidal_ideation"),
        (
            {"phone": "+7900", "clinical": {"crcl_cockcroft_gault": 90}},
            "clinical.crcl_cockcroft_gault",
        ),
    ],
)
def test_clinician_only_fields_are_refused_and_nothing_changes(team, body, error_key):
    patient, _doctor = team
    before = _snapshot(patient)

    response = _client(patient.user).patch(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "clinic.patient_field_not_editable"
    assert error_key in response.json()["errors"]
    assert _snapshot(patient) == before
    assert not AuditEvent.objects.filter(action="clinic.patient_self_updated").exists()


@pytest.mark.parametrize(
    ("body", "error_key"),
    [
        ({"clinical": {"nrs_now": 11}}, "clinical.nrs_now"),
        ({"clinical": {"pain_distribution": "everywhere"}}, "clinical.pain_distribution"),
        ({"clinical": {"adverse_effects": ["headache"]}}, "clinical.adverse_effects"),
        ({"pain_locations": ["tail"]}, "pain_locations"),
        ({"pain_onset_date": "2999-01-01"}, "pain_onset_date"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_invalid_values_are_refused_and_nothing_changes(team, body, error_key):
    patient, _doctor = team
    before = _snapshot(patient)

    response = _client(patient.user).patch(URL, body, format="json")

    assert response.status_code == 400
    assert error_key in response.json()["errors"], response.json()
    assert _snapshot(patient) == before


def test_reported_red_flag_is_kept_until_the_care_team_clears_it(team):
    patient, doctor = team

    reported = _client(patient.user).patch(
        URL, {"clinical": {"sudden_severe_headache": True}}, format="json"
    )
    withdrawn = _client(patient.user).patch(
        URL, {"clinical": {"sudden_severe_headache": False}}, format="json"
    )

    assert reported.status_code == 200
    assert reported.json()["emergency"] is True
    assert reported.json()["red_flags_reported"] == ["sudden_severe_headache"]
    assert withdrawn.status_code == 400
    assert "clinical.sudden_severe_headache" in withdrawn.json()["errors"]
    assert Patient.objects.get(pk=patient.pk).clinical["sudden_severe_headache"] is True

    # The doctor's path is unaffected: the care team clears it on the record.
    cleared = _client(doctor).patch(
        reverse("clinic:patient-detail", kwargs={"patient_id": patient.pk}),
        {
            "clinical": {
                **Patient.objects.get(pk=patient.pk).clinical,
                "sudden_severe_headache": False,
            }
        },
        format="json",
    )
    assert cleared.status_code == 200
    assert Patient.objects.get(pk=patient.pk).clinical["sudden_severe_headache"] is False


def test_patient_cannot_edit_another_patients_record(team):
    patient, _doctor = team
    other, _other_doctor = care_team(organization=patient.organization)
    before = _snapshot(other)

    through_doctor_api = _client(patient.user).patch(
        reverse("clinic:patient-detail", kwargs={"patient_id": other.pk}),
        {"phone": "+70000000000"},
        format="json",
    )
    own = _client(patient.user).patch(URL, {"phone": "+71111111111"}, format="json")

    assert through_doctor_api.status_code == 404
    assert _snapshot(other) == before
    assert own.json()["id"] == str(patient.pk)
    assert Patient.objects.get(pk=other.pk).phone == before[1]


def test_users_without_an_own_record_get_404(team):
    _patient, doctor = team

    assert _client(doctor).get(URL).status_code == 404
    assert _client(doctor).patch(URL, {"phone": "+7"}, format="json").status_code == 404


def test_archived_record_cannot_be_edited(team):
    patient, _doctor = team
    Patient.objects.filter(pk=patient.pk).update(is_archived=True)

    response = _client(patient.user).patch(URL, {"phone": "+71"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "clinic.patient_archived"


def test_doctor_edit_path_unaffected(team):
    patient, doctor = team

    response = _client(doctor).patch(
        reverse("clinic:patient-detail", kwargs={"patient_id": patient.pk}),
        {"diagnosis": "I61", "clinical": {"qtc_ms": 450}},
        format="json",
    )

    assert response.status_code == 200
    stored = Patient.objects.get(pk=patient.pk)
    assert (stored.diagnosis, stored.clinical) == ("I61", {"qtc_ms": 450})
