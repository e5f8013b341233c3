from __future__ import annotations

import pytest
from django.urls import reverse

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.audit.models import AuditEvent
from lifeline.clinic.models.assessments import Assessment, Evaluation, Score, SuggestionDecision
from lifeline.clinic.selectors.assessments import evaluation_suggestions, latest_scores
from lifeline.clinic.tests.factories import care_team, doctor_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_clinic_engine")]

CSI = {f"csi-{i}": 2 for i in range(1, 26)}
HADS = {f"hads-{i}": "b" for i in range(1, 15)}
DN4_INTERVIEW = {f"dn4-{i}": i % 2 == 1 for i in range(1, 8)}


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    return clinic, patient, doctor


def _start(client, patient, **body):
    return client.post(
        reverse("clinic:patient-assessments", kwargs={"patient_id": patient.pk}),
        body,
        format="json",
    )


def _detail(assessment_id) -> str:
    return reverse("clinic:assessment-detail", kwargs={"assessment_id": assessment_id})


def _submit(assessment_id) -> str:
    return reverse("clinic:assessment-submit", kwargs={"assessment_id": assessment_id})


def test_patient_start_autosave_resume_submit(team, client_for):
    _clinic, patient, doctor = team
    client = client_for(patient.user)
    started = _start(client, patient, instruments=["vas", "dn4", "csi", "hads"])
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["mode"] == "patient"
    assert body["respondent"] == "patient"
    assert body["status"] == "draft"
    assessment_id = body["id"]

    saved = client.patch(
        _detail(assessment_id),
        {"answers": {"vas": {"vas": 64}}, "position": {"instrument": "dn4", "item": "dn4-1"}},
        format="json",
    )
    assert saved.status_code == 200
    assert saved.json()["answers"] == {"vas": {"vas": 64}}
    assert saved.json()["autosave_count"] == 1

    # starting again resumes the open session
    resumed = _start(client, patient, instruments=["vas", "dn4", "csi", "hads"])
    assert resumed.status_code == 200
    assert resumed.json()["id"] == assessment_id
    assert resumed.json()["position"] == {"instrument": "dn4", "item": "dn4-1"}

    client.patch(
        _detail(assessment_id),
        {"answers": {"dn4": DN4_INTERVIEW, "csi": CSI, "hads": HADS}},
        format="json",
    )
    submitted = client.post(_submit(assessment_id))
    assert submitted.status_code == 200, submitted.json()
    result = submitted.json()
    assert result["status"] == "submitted"
    assert {s["instrument"]: s["value"] for s in result["scores"]} == {
        "vas": 64.0,
        "dn4": 4.0,
        "csi": 50.0,
        "hads": 14.0,
    }
    evaluation = Evaluation.objects.get(pk=result["evaluation_id"])
    assert evaluation.ruleset_version == "test-1"
    assert evaluation.inputs_snapshot["responses"]["vas"] == {"vas": 64}
    assert len(evaluation.inputs_hash) == 64
    assert [s["rule_id"] for s in evaluation.suggestions] == ["T-0", "T-1b"]
    assert latest_scores(patient)["vas"]["score"] == 64.0
    # the patient does not see the decision-support record
    denied = client.get(
        reverse("clinic:evaluation-detail", kwargs={"evaluation_id": evaluation.pk})
    )
    assert denied.status_code == 404
    # the doctor does, and the read is audited
    seen = client_for(doctor).get(
        reverse("clinic:evaluation-detail", kwargs={"evaluation_id": evaluation.pk})
    )
    assert seen.status_code == 200
    assert seen.json()["safety"] == [{"rule_id": "X-GABA-1", "level": "SAFETY_UNCHECKED"}]
    assert AuditEvent.objects.filter(action="clinic.evaluation_viewed").count() == 1
    # a submitted session is frozen
    again = client.patch(_detail(assessment_id), {"answers": {"vas": {"vas": 1}}}, format="json")
    assert again.status_code == 409
    assert client.post(_submit(assessment_id)).status_code == 409


def test_invalid_autosave_stores_nothing(team, client_for):
    _clinic, patient, _doctor = team
    client = client_for(patient.user)
    assessment_id = _start(client, patient, instruments=["vas", "dn4"]).json()["id"]
    client.patch(_detail(assessment_id), {"answers": {"vas": {"vas": 10}}}, format="json")
    response = client.patch(
        _detail(assessment_id),
        {
            "answers": {
                "vas": {"vas": 140},
                "dn4": {"dn4-1": True, "dn4-8": True, "dn4-99": False},
                "csi": {"csi-1": 1},
            }
        },
        format="json",
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "clinic.invalid_answers"
    assert set(problem["errors"]) == {"vas.vas", "dn4.dn4-8", "dn4.dn4-99", "csi"}
    assessment = Assessment.objects.get(pk=assessment_id)
    assert assessment.answers == {"vas": {"vas": 10}}
    assert assessment.autosave_count == 1


def test_submit_incomplete_is_400_with_per_item_errors_and_stores_nothing(team, client_for):
    _clinic, patient, _doctor = team
    client = client_for(patient.user)
    assessment_id = _start(client, patient, instruments=["vas", "csi"]).json()["id"]
    client.patch(_detail(assessment_id), {"answers": {"csi": {"csi-1": 1}}}, format="json")
    response = client.post(_submit(assessment_id))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "vas.vas" in errors
    assert "csi.csi-25" in errors
    assert "csi.csi-1" not in errors
    assert Score.objects.count() == 0
    assert Evaluation.objects.count() == 0
    assert Assessment.objects.get(pk=assessment_id).status == "draft"


def test_patient_cannot_start_clinician_only_instruments_or_proxy_hads(team, client_for):
    _clinic, patient, _doctor = team
    client = client_for(patient.user)
    painad = _start(client, patient, instruments=["painad"])
    assert painad.status_code == 400
    proxy = _start(client, patient, instruments=["hads"], respondent="caregiver")
    assert proxy.status_code == 400
    assert "respondent" in proxy.json()["errors"]
    ok = _start(client, patient, instruments=["vas"], respondent="caregiver")
    assert ok.status_code == 201
    assert ok.json()["respondent"] == "caregiver"
    assert Assessment.objects.count() == 1


def test_clinician_mode_with_prefill_adds_exam_items(team, client_for):
    _clinic, patient, doctor = team
    pclient = client_for(patient.user)
    first = _start(pclient, patient, instruments=["dn4"]).json()["id"]
    pclient.patch(_detail(first), {"answers": {"dn4": DN4_INTERVIEW}}, format="json")
    assert pclient.post(_submit(first)).status_code == 200

    dclient = client_for(doctor)
    started = _start(
        dclient, patient, instruments=["dn4", "painad"], mode="clinician", prefill_from=first
    )
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["respondent"] == "clinician"
    assert body["answers"] == {"dn4": DN4_INTERVIEW}
    dclient.patch(
        _detail(body["id"]),
        {
            "answers": {
                "dn4": {"dn4-8": True, "dn4-9": False, "dn4-10": True},
                "painad": {f"painad-{i}": 1 for i in range(1, 6)},
            }
        },
        format="json",
    )
    done = dclient.post(_submit(body["id"]))
    assert done.status_code == 200, done.json()
    assert {s["instrument"]: s["value"] for s in done.json()["scores"]} == {
        "dn4": 6.0,
        "painad": 5.0,
    }
    # the patient cannot answer a clinician session
    assert pclient.patch(_detail(body["id"]), {"answers": {}}, format="json").status_code == 403


def test_start_permission_matrix(team):
    clinic, patient, doctor = team
    url = reverse("clinic:patient-assessments", kwargs={"patient_id": patient.pk})
    patient_body = {"instruments": ["vas"], "mode": "patient"}
    clinician_body = {"instruments": ["vas"], "mode": "clinician"}
    default_body = {"instruments": ["vas"]}  # the mode follows who starts it
    actors = {
        "patient": lambda: patient.user,
        "assigned_doctor": lambda: doctor,
        "unassigned_doctor": lambda: doctor_in(clinic),
    }
    cases = [
        Case("anonymous", "post", url, 401, patient_body),
        Case("patient", "post", url, 201, patient_body),
        Case("patient", "post", url, 201, default_body),
        Case("patient", "post", url, 403, clinician_body),
        Case("assigned_doctor", "post", url, 201, clinician_body),
        Case("assigned_doctor", "post", url, 201, default_body),
        Case("assigned_doctor", "post", url, 403, patient_body),
        Case("unassigned_doctor", "post", url, 404, clinician_body),
        Case(Role.CLINIC_ADMIN, "post", url, 403, clinician_body),
        Case("other:clinic_admin", "post", url, 404, clinician_body),
        Case("other:doctor", "post", url, 404, clinician_body),
    ]
    assert_permission_matrix(cases, organization=clinic, actors=actors)
    assert Assessment.objects.count() == 0


def test_without_a_mode_a_doctor_starts_a_clinician_session(team, client_for):
    # Issue 14, item 16: the default was the patient's self-report, so a doctor got 403.
    _clinic, patient, doctor = team
    started = _start(client_for(doctor), patient, instruments=["vas"])

    assert started.status_code == 201, started.json()
    body = started.json()
    assert (body["mode"], body["respondent"]) == ("clinician", "clinician")
    own = _start(client_for(patient.user), patient, instruments=["hads"]).json()
    assert (own["mode"], own["respondent"]) == ("patient", "patient")


def test_decisions_are_append_only_and_need_reasons(team, client_for):
    _clinic, patient, doctor = team
    pclient = client_for(patient.user)
    aid = _start(pclient, patient, instruments=["vas"]).json()["id"]
    pclient.patch(_detail(aid), {"answers": {"vas": {"vas": 30}}}, format="json")
    evaluation_id = pclient.post(_submit(aid)).json()["evaluation_id"]
    url = reverse("clinic:evaluation-decisions", kwargs={"evaluation_id": evaluation_id})
    dclient = client_for(doctor)

    assert (
        pclient.post(url, {"rule_id": "T-0", "action": "accepted"}, format="json").status_code
        == 404
    )
    unknown = dclient.post(url, {"rule_id": "T-9", "action": "accepted"}, format="json")
    assert unknown.status_code == 400
    no_reason = dclient.post(url, {"rule_id": "T-0", "action": "rejected"}, format="json")
    assert no_reason.status_code == 400
    blocked = dclient.post(url, {"rule_id": "T-1b", "action": "accepted"}, format="json")
    assert blocked.status_code == 400
    assert "reason" in blocked.json()["errors"]
    assert SuggestionDecision.objects.count() == 0

    ok = dclient.post(url, {"rule_id": "T-0", "action": "accepted"}, format="json")
    assert ok.status_code == 201
    modified = dclient.post(
        url,
        {
            "rule_id": "T-0",
            "action": "modified",
            "reason": "Patient prefers group sessions",
            "modification": "Group education",
        },
        format="json",
    )
    assert modified.status_code == 201
    detail = dclient.get(
        reverse("clinic:evaluation-detail", kwargs={"evaluation_id": evaluation_id})
    )
    assert [(d["rule_id"], d["action"]) for d in detail.json()["decisions"]] == [
        ("T-0", "accepted"),
        ("T-0", "modified"),
    ]
    decision = SuggestionDecision.objects.first()
    decision.reason = "changed"
    with pytest.raises(ValueError, match="append-only"):
        decision.save()
    with pytest.raises(ValueError, match="append-only"):
        decision.delete()

    evaluation = Evaluation.objects.get(pk=evaluation_id)
    current = {s["key"]: s["decision"] for s in evaluation_suggestions(evaluation)}
    assert current[("T-0", "education")].action == "modified"


def test_clinic_admin_reads_but_cannot_decide(team, client_for):
    clinic, patient, _doctor = team
    pclient = client_for(patient.user)
    aid = _start(pclient, patient, instruments=["vas"]).json()["id"]
    pclient.patch(_detail(aid), {"answers": {"vas": {"vas": 30}}}, format="json")
    evaluation_id = pclient.post(_submit(aid)).json()["evaluation_id"]
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    client = client_for(admin)
    assert (
        client.get(
            reverse("clinic:evaluation-detail", kwargs={"evaluation_id": evaluation_id})
        ).status_code
        == 200
    )
    response = client.post(
        reverse("clinic:evaluation-decisions", kwargs={"evaluation_id": evaluation_id}),
        {"rule_id": "T-0", "action": "accepted"},
        format="json",
    )
    assert response.status_code == 403
    assert SuggestionDecision.objects.count() == 0


def test_second_evaluation_gets_previous_scores(team, client_for):
    _clinic, patient, _doctor = team
    client = client_for(patient.user)
    for value in (70, 30):
        aid = _start(client, patient, instruments=["vas"]).json()["id"]
        client.patch(_detail(aid), {"answers": {"vas": {"vas": value}}}, format="json")
        assert client.post(_submit(aid)).status_code == 200
    latest = Evaluation.objects.order_by("-created_at").first()
    assert latest.inputs_snapshot["previous"]["vas"]["total"] == 70.0
    assert latest_scores(patient)["vas"]["score"] == 30.0
