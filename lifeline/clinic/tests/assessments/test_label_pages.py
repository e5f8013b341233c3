"""The doctor's review page: confirm/reject buttons per label (plain form)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory
from lifeline.clinic.models.assessments import LabelDecision, SuggestionDecision
from lifeline.clinic.tests.factories import EvaluationFactory, care_team, doctor_in

pytestmark = pytest.mark.django_db

LABELS = [{"code": "CPSP_probable", "status": "screening", "rule_id": "M-2"}]


@pytest.fixture
def page():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    evaluation = EvaluationFactory(patient=patient, evaluated_by=doctor, labels=LABELS)
    url = reverse("clinic-web:evaluation-review", kwargs={"evaluation_id": evaluation.pk})
    return clinic, patient, doctor, evaluation, url


def test_doctor_confirms_and_rejects_on_the_page(page, client):
    _clinic, _patient, doctor, evaluation, url = page
    client.force_login(doctor)
    shown = client.get(url)
    assert shown.status_code == 200
    html = shown.content.decode()
    assert 'name="label_code" value="CPSP_probable"' in html
    assert shown.context["labels"][0]["status"] == "screening"

    no_reason = client.post(url, {"label_code": "CPSP_probable", "action": "rejected"})
    assert no_reason.status_code == 400
    assert no_reason.context["labels"][0]["errors"]
    assert LabelDecision.objects.count() == 0

    confirmed = client.post(url, {"label_code": "CPSP_probable", "action": "confirmed"})
    assert confirmed.status_code == 302
    assert confirmed.url.endswith("#l-CPSP_probable")
    rejected = client.post(
        url, {"label_code": "CPSP_probable", "action": "rejected", "reason": "Not on exam"}
    )
    assert rejected.status_code == 302
    after = client.get(url)
    label = after.context["labels"][0]
    assert label["status"] == "clinician_rejected"
    assert label["reason"] == "Not on exam"
    assert [h["action"] for h in label["history"]] == ["Confirmed", "Rejected"]
    assert list(LabelDecision.objects.values_list("action", flat=True)) == [
        "confirmed",
        "rejected",
    ]
    # a label form never records a suggestion decision
    assert SuggestionDecision.objects.count() == 0


def test_unknown_label_code_on_the_page_stores_nothing(page, client):
    _clinic, _patient, doctor, _evaluation, url = page
    client.force_login(doctor)
    response = client.post(url, {"label_code": "MIXED", "action": "confirmed"})
    assert response.status_code == 400
    assert LabelDecision.objects.count() == 0


def test_others_cannot_decide_on_the_page(page, client):
    clinic, patient, _doctor, _evaluation, url = page
    admin = doctor_in(clinic)
    MembershipFactory(user=admin, organization=clinic, role=Role.CLINIC_ADMIN)
    for user, expected in ((patient.user, 404), (doctor_in(clinic), 404), (admin, 403)):
        client.force_login(user)
        response = client.post(url, {"label_code": "CPSP_probable", "action": "confirmed"})
        assert response.status_code == expected
    client.force_login(admin)
    page_for_admin = client.get(url)
    assert page_for_admin.status_code == 200
    assert 'name="label_code"' not in page_for_admin.content.decode()
    assert LabelDecision.objects.count() == 0
