from __future__ import annotations

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory
from lifeline.audit.models import AuditEvent
from lifeline.clinic import engine
from lifeline.clinic.engine import codes
from lifeline.clinic.tests.factories import (
    AssessmentFactory,
    EvaluationFactory,
    ScoreFactory,
    care_team,
    doctor_in,
)

pytestmark = pytest.mark.django_db


ANSWERS = {
    "nrs": {"nrs": 7},
    "dn4": {f"dn4-{i}": i <= 6 for i in range(1, 11)},
    "hads": {f"hads-{i}": "b" for i in range(1, 15)},
}


@pytest.fixture
def exported():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    assessment = AssessmentFactory(
        patient=patient,
        instruments=["nrs", "dn4", "hads"],
        status="submitted",
        mode="clinician",
        submitted_by=doctor,
        language="en",
        answers=ANSWERS,
    )
    for instrument, answers in ANSWERS.items():
        result = engine.score(instrument, answers)
        ScoreFactory(
            assessment=assessment,
            instrument=instrument,
            value=result.get("total"),
            band=result.get("band") or "",
            subscores={
                name: {"score": sub["score"], "band": sub["band"]}
                for name, sub in (result.get("subscales") or {}).items()
            },
            result=result,
        )
    EvaluationFactory(
        patient=patient,
        assessment=assessment,
        evaluated_by=doctor,
        labels=[
            {"code": "CPSP_probable", "status": "clinician_confirmed", "rule_id": "M-2"},
            {"code": "NOCIPLASTIC_POSSIBLE", "status": "screening", "rule_id": "M-4a"},
        ],
    )
    return clinic, patient, doctor, assessment


def test_fhir_bundle_validates_and_holds_the_expected_resources(exported, client_for):
    _clinic, patient, doctor, assessment = exported

    response = client_for(doctor).get(
        reverse("clinic:patient-fhir", kwargs={"patient_id": patient.pk})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    data = response.json()
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    resources = [entry["resource"] for entry in data["entry"]]
    kinds = [r["resourceType"] for r in resources]
    assert kinds.count("Patient") == 1
    assert kinds.count("QuestionnaireResponse") == 3
    assert kinds.count("Observation") == 4  # NRS, DN4, HADS-A, HADS-D
    assert kinds.count("Condition") == 1  # only the clinician-confirmed label

    responses = {r["id"]: r for r in resources if r["resourceType"] == "QuestionnaireResponse"}
    dn4 = responses[f"{assessment.pk}-dn4"]
    assert dn4["questionnaire"].startswith(codes.questionnaire_url("dn4"))
    assert dn4["subject"] == {"reference": f"Patient/{patient.pk}"}
    assert dn4["status"] == "completed"

    observations = {r["id"]: r for r in resources if r["resourceType"] == "Observation"}
    nrs = observations[f"{assessment.pk}-nrs"]
    assert nrs["code"]["coding"][0]["system"] == "http://loinc.org"
    assert nrs["code"]["coding"][0]["code"] == "72514-3"
    assert nrs["valueQuantity"]["value"] == 7
    assert nrs["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{assessment.pk}-nrs"}]
    assert nrs["category"][0]["coding"][0]["code"] == "survey"
    assert nrs["interpretation"][0]["coding"][0]["code"] == "76948002"
    hads_d = observations[f"{assessment.pk}-hads-d"]
    assert hads_d["code"]["coding"][0]["code"] == "hads-d"
    assert hads_d["valueQuantity"]["value"] == 10

    (condition,) = [r for r in resources if r["resourceType"] == "Condition"]
    assert condition["verificationStatus"]["coding"][0]["code"] == "confirmed"
    condition_codes = {c["code"] for c in condition["code"]["coding"]}
    assert {"247398009", "cpsp-grade"} <= condition_codes
    assert len(condition["evidence"][0]["detail"]) == 4
    assert AuditEvent.objects.filter(action="clinic.patient_fhir_exported").count() == 1


def test_fhir_export_of_a_patient_without_data_is_a_valid_bundle(client_for):
    patient, doctor = care_team()

    data = (
        client_for(doctor)
        .get(reverse("clinic:patient-fhir", kwargs={"patient_id": patient.pk}))
        .json()
    )

    Bundle.model_validate(data)
    assert [e["resource"]["resourceType"] for e in data["entry"]] == ["Patient"]


def test_fhir_export_permission_matrix(exported):
    clinic, patient, doctor, _assessment = exported
    admin = doctor_in(clinic)
    MembershipFactory(user=admin, organization=clinic, role=Role.CLINIC_ADMIN)
    other = doctor_in(clinic)
    url = reverse("clinic:patient-fhir", kwargs={"patient_id": patient.pk})
    actors = {
        "care_doctor": lambda: doctor,
        "other_doctor": lambda: other,
        "patient": lambda: patient.user,
        "clinic_admin": lambda: admin,
    }
    cases = [
        Case("anonymous", "get", url, 401),
        Case("care_doctor", "get", url, 200),
        Case("clinic_admin", "get", url, 200),
        Case("other_doctor", "get", url, 404),
        Case("patient", "get", url, 404),
        Case("other:clinic_admin", "get", url, 404),
    ]
    assert_permission_matrix(cases, organization=clinic, actors=actors)


def test_scores_without_the_engine_result_fall_back_to_minimal_observations(client_for):
    patient, doctor = care_team()
    assessment = AssessmentFactory(
        patient=patient, instruments=["hads"], status="submitted", answers={"hads": {"x": 1}}
    )
    ScoreFactory(
        assessment=assessment,
        instrument="hads",
        value=None,
        band="",
        subscores={"hads_a": {"score": 9, "band": "borderline"}, "hads_d": {"score": 4}},
    )

    data = (
        client_for(doctor)
        .get(reverse("clinic:patient-fhir", kwargs={"patient_id": patient.pk}))
        .json()
    )

    Bundle.model_validate(data)
    values = {
        r["resource"]["code"]["coding"][0]["code"]: r["resource"]["valueQuantity"]["value"]
        for r in data["entry"]
        if r["resource"]["resourceType"] == "Observation"
    }
    assert values == {"hads-a": 9, "hads-d": 4}
