"""Clinician confirmation of the engine's mechanism labels (spec §C.0.3, §B.2; issue 4 §3, §5)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory
from lifeline.audit.models import AuditEvent
from lifeline.clinic.engine import evaluate
from lifeline.clinic.fhir_export import patient_bundle
from lifeline.clinic.models.assessments import Evaluation, LabelDecision
from lifeline.clinic.selectors.assessments import evaluation_labels
from lifeline.clinic.services.conclusions import conclusion_create, display_label
from lifeline.clinic.tests.engine.helpers import KLIT_DEFINITE, dn4, safe_clinical
from lifeline.clinic.tests.factories import EvaluationFactory, care_team, doctor_in

pytestmark = pytest.mark.django_db

LABELS = [
    {"code": "CPSP_probable", "status": "screening", "rule_id": "M-2", "kind": "classification"},
    {"code": "NOCICEPTIVE", "status": "screening", "rule_id": "M-3", "kind": "classification"},
]


QUERIES_DETAIL = 6


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    evaluation = EvaluationFactory(patient=patient, evaluated_by=doctor, labels=LABELS)
    return clinic, patient, doctor, evaluation


def _url(evaluation: Evaluation, code: str) -> str:
    return reverse(
        "clinic:evaluation-label-decision", kwargs={"evaluation_id": evaluation.pk, "code": code}
    )


def _detail(evaluation: Evaluation) -> str:
    return reverse("clinic:evaluation-detail", kwargs={"evaluation_id": evaluation.pk})


def test_doctor_confirms_and_rejects_history_in_order(team, client_for):
    _clinic, _patient, doctor, evaluation = team
    client = client_for(doctor)

    confirmed = client.post(_url(evaluation, "CPSP_probable"), {"action": "confirmed"})
    assert confirmed.status_code == 201, confirmed.json()
    body = confirmed.json()
    assert body["code"] == "CPSP_probable"
    assert body["action"] == "confirmed"
    assert body["reason"] == ""
    assert body["actor_id"] == str(doctor.pk)
    assert body["evaluation_id"] == str(evaluation.pk)
    rejected = client.post(
        _url(evaluation, "CPSP_probable"),
        {"action": "rejected", "reason": "Pain predates the stroke"},
    )
    assert rejected.status_code == 201
    again = client.post(_url(evaluation, "CPSP_probable"), {"action": "confirmed"})
    assert again.status_code == 201

    detail = client.get(_detail(evaluation)).json()
    by_code = {label["code"]: label for label in detail["label_status"]}
    cpsp = by_code["CPSP_probable"]
    assert cpsp["status"] == "clinician_confirmed"
    assert cpsp["engine_status"] == "screening"
    assert cpsp["decided_by"] == str(doctor.pk)
    assert [(h["action"], h["reason"]) for h in cpsp["history"]] == [
        ("confirmed", ""),
        ("rejected", "Pain predates the stroke"),
        ("confirmed", ""),
    ]
    assert by_code["NOCICEPTIVE"]["status"] == "screening"
    assert by_code["NOCICEPTIVE"]["history"] == []
    # the engine's stored labels are never edited
    evaluation.refresh_from_db()
    assert evaluation.labels == LABELS
    assert LabelDecision.objects.count() == 3
    assert AuditEvent.objects.filter(action="clinic.label_decided").count() == 3


def test_reject_without_reason_and_unknown_code_store_nothing(team, client_for):
    _clinic, _patient, doctor, evaluation = team
    client = client_for(doctor)

    no_reason = client.post(_url(evaluation, "NOCICEPTIVE"), {"action": "rejected"})
    assert no_reason.status_code == 400
    assert set(no_reason.json()["errors"]) == {"reason"}
    blank = client.post(_url(evaluation, "NOCICEPTIVE"), {"action": "rejected", "reason": "  "})
    assert blank.status_code == 400
    unknown = client.post(_url(evaluation, "NOCIPLASTIC_PROBABLE"), {"action": "confirmed"})
    assert unknown.status_code == 400
    assert set(unknown.json()["errors"]) == {"code"}
    bad_action = client.post(_url(evaluation, "NOCICEPTIVE"), {"action": "accepted"})
    assert bad_action.status_code == 400

    assert LabelDecision.objects.count() == 0
    assert AuditEvent.objects.filter(action="clinic.label_decided").count() == 0


def test_permission_matrix_stores_nothing_for_refused_actors(team, client_for):
    clinic, patient, doctor, evaluation = team
    other_doctor = doctor_in(clinic)
    admin = doctor_in(clinic)
    MembershipFactory(user=admin, organization=clinic, role=Role.CLINIC_ADMIN)
    other_patient, other_clinic_doctor = care_team()
    url = _url(evaluation, "NOCICEPTIVE")
    body = {"action": "confirmed"}
    actors = {
        "care_doctor": lambda: doctor,
        "other_doctor": lambda: other_doctor,
        "patient": lambda: patient.user,
        "clinic_admin": lambda: admin,
        "other_org_doctor": lambda: other_clinic_doctor,
        "other_patient": lambda: other_patient.user,
    }
    refused = [
        Case("anonymous", "post", url, 401, body),
        Case("patient", "post", url, 404, body),
        Case("other_doctor", "post", url, 404, body),
        Case("other_patient", "post", url, 404, body),
        Case("other_org_doctor", "post", url, 404, body),
        Case("other:clinic_admin", "post", url, 404, body),
        # the clinic admin sees the evaluation but is not a treating doctor
        Case("clinic_admin", "post", url, 403, body),
    ]
    refused.append(Case("care_doctor", "post", url, 201, body))
    assert_permission_matrix(refused, organization=clinic, actors=actors)
    # outside the matrix's rollback: refused requests store nothing, the doctor's does
    for actor in (patient.user, other_doctor, admin, other_clinic_doctor):
        assert client_for(actor).post(url, body).status_code in (403, 404)
    assert LabelDecision.objects.count() == 0
    assert client_for(doctor).post(url, body).status_code == 201
    assert LabelDecision.objects.count() == 1


def test_label_decisions_are_append_only(team):
    _clinic, _patient, doctor, evaluation = team
    decision = LabelDecision.objects.create(
        evaluation=evaluation, code="NOCICEPTIVE", action="confirmed", actor=doctor
    )
    decision.reason = "changed"
    with pytest.raises(ValueError, match="append-only"):
        decision.save()
    with pytest.raises(ValueError, match="append-only"):
        decision.delete()
    assert LabelDecision.objects.get().reason == ""


def test_evaluation_detail_query_count_is_constant(team, client_for, django_assert_num_queries):
    _clinic, _patient, doctor, evaluation = team
    client = client_for(doctor)
    client.post(_url(evaluation, "NOCICEPTIVE"), {"action": "confirmed"})
    # session/user, evaluation (+patient), suggestion decisions, label decisions, audit
    with django_assert_num_queries(QUERIES_DETAIL):
        assert client.get(_detail(evaluation)).status_code == 200
    for code in ("CPSP_probable", "NOCICEPTIVE", "CPSP_probable"):
        client.post(_url(evaluation, code), {"action": "rejected", "reason": "r"})
    with django_assert_num_queries(QUERIES_DETAIL):
        response = client.get(_detail(evaluation))
    assert len(response.json()["label_status"][0]["history"]) == 2


def test_rejected_label_status_and_conclusion(team):
    _clinic, patient, doctor, evaluation = team
    LabelDecision.objects.create(
        evaluation=evaluation, code="CPSP_probable", action="confirmed", actor=doctor
    )
    LabelDecision.objects.create(
        evaluation=evaluation, code="NOCICEPTIVE", action="rejected", reason="HSP", actor=doctor
    )
    evaluation = Evaluation.objects.prefetch_related("label_decisions").get(pk=evaluation.pk)
    statuses = {lab["code"]: lab["status"] for lab in evaluation_labels(evaluation)}
    assert statuses == {"CPSP_probable": "clinician_confirmed", "NOCICEPTIVE": "clinician_rejected"}
    conclusion = conclusion_create(
        actor=doctor, patient=patient, evaluation=evaluation, language="en"
    )
    snap = {lab["code"]: lab["status"] for lab in conclusion.snapshot["labels"]}
    assert snap == {"CPSP_probable": "clinician_confirmed"}  # the rejected label stays out
    assert display_label(conclusion.snapshot["labels"][0], "en") == (
        "Central post-stroke pain, probable (confirmed by the clinician)"
    )


def test_evaluate_confirm_export_end_to_end(client_for):
    """Engine → stored evaluation → doctor confirms → FHIR Bundle has that Condition only."""
    patient, doctor = care_team()
    result = evaluate(
        {"nrs": {"nrs": 6}, "dn4": dn4({1, 2, 3, 8, 9})},
        safe_clinical(**KLIT_DEFINITE, hsp=True),
    )
    codes = [label["code"] for label in result["labels"]]
    assert "CPSP_definite" in codes
    assert "NOCICEPTIVE" in codes
    evaluation = EvaluationFactory(patient=patient, evaluated_by=doctor, labels=result["labels"])
    client = client_for(doctor)
    export_url = reverse("clinic:patient-fhir", kwargs={"patient_id": patient.pk})

    def conditions() -> list[dict]:
        data = client.get(export_url).json()
        Bundle.model_validate(data)
        return [
            e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Condition"
        ]

    assert conditions() == []  # screening results are never exported
    assert (
        client.post(_url(evaluation, "CPSP_definite"), {"action": "confirmed"}).status_code == 201
    )
    assert (
        client.post(
            _url(evaluation, "NOCICEPTIVE"), {"action": "rejected", "reason": "No HSP on exam"}
        ).status_code
        == 201
    )
    (condition,) = conditions()
    assert condition["id"] == f"{evaluation.pk}-cpsp-definite"
    assert condition["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert condition["asserter"] == {"reference": f"Practitioner/{doctor.pk}"}
    assert {c["code"] for c in condition["code"]["coding"]} >= {"247398009", "cpsp-grade"}

    # a later rejection removes it from the export
    client.post(_url(evaluation, "CPSP_definite"), {"action": "rejected", "reason": "Re-examined"})
    assert conditions() == []


def test_bundle_query_count_does_not_grow_with_decisions(django_assert_num_queries):
    patient, doctor = care_team()
    for _ in range(2):
        evaluation = EvaluationFactory(patient=patient, evaluated_by=doctor, labels=LABELS)
        LabelDecision.objects.create(
            evaluation=evaluation, code="NOCICEPTIVE", action="confirmed", actor=doctor
        )
    with CaptureQueriesContext(connection) as few:
        patient_bundle(patient=patient)
    for _ in range(3):
        evaluation = EvaluationFactory(patient=patient, evaluated_by=doctor, labels=LABELS)
        LabelDecision.objects.create(
            evaluation=evaluation, code="CPSP_probable", action="confirmed", actor=doctor
        )
    with django_assert_num_queries(len(few.captured_queries)):
        bundle = patient_bundle(patient=patient)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Condition") == 5
