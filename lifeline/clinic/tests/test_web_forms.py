"""The clinic pages' forms: a rejected POST stores nothing and shows the field's error on the
page, in the current language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.clinic.models import (
    Assessment,
    Evaluation,
    LabelDecision,
    Patient,
    PatientInvitation,
    SuggestionDecision,
)
from lifeline.clinic.tests.factories import care_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    patient.clinical = {"qtc_ms": 420, "nrs_now": 3}
    patient.save()
    return patient, doctor


def _snapshot(patient):
    stored = Patient.objects.get(pk=patient.pk)
    return (stored.full_name, stored.date_of_birth, stored.email, stored.clinical)


@pytest.mark.parametrize(
    ("language", "date_error", "email_error"),
    [
        ("en", "Enter a valid date.", "Enter a valid email address."),
        ("ru", "Введите правильную дату.", "Введите правильный адрес электронной почты."),
    ],
)
def test_new_patient_with_a_bad_date_and_email_stores_nothing(
    team, client, language, date_error, email_error
):
    _patient, doctor = team
    client.force_login(doctor)
    before = Patient.objects.count()

    response = client.post(
        reverse("clinic-web:patient-new"),
        {"full_name": "New Person", "date_of_birth": "1950-13-40", "email": "not-an-address"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    assert Patient.objects.count() == before
    assert response.context["errors"] == {
        "date_of_birth": [date_error],
        "email": [email_error],
    }
    html = response.content.decode()
    assert date_error in html
    assert 'value="New Person"' in html  # what was typed stays in the form


def test_record_form_with_a_bad_number_stores_nothing(team, client):
    patient, doctor = team
    client.force_login(doctor)
    before = _snapshot(patient)
    url = reverse("clinic-web:patient-edit", kwargs={"patient_id": patient.pk})

    response = client.post(url, {"full_name": "Renamed", "c_weight": "seventy", "sex": "female"})

    assert response.status_code == 400
    assert response.context["errors"] == {"clinical.weight": ["Must be a number."]}
    assert "clinical.weight: Must be a number." in response.content.decode()
    assert _snapshot(patient) == before


def test_record_form_with_an_unknown_sex_stores_nothing(team, client):
    patient, doctor = team
    client.force_login(doctor)
    before = _snapshot(patient)
    url = reverse("clinic-web:patient-edit", kwargs={"patient_id": patient.pk})

    response = client.post(url, {"full_name": "Renamed", "sex": "robot"})

    assert response.status_code == 400
    assert list(response.context["errors"]) == ["sex"]
    assert _snapshot(patient) == before


def test_own_record_with_an_out_of_range_pain_score_stores_nothing(team, client):
    patient, _doctor = team
    client.force_login(patient.user)
    before = _snapshot(patient)

    response = client.post(
        reverse("clinic-web:my-record"),
        {"nrs_now": "11", "nrs_avg24h": "5"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 400
    assert response.context["errors"] == {"nrs_now": ["Выберите число от 0 до 10."]}
    assert "Выберите число от 0 до 10." in response.content.decode()
    assert _snapshot(patient) == before


def test_invitation_to_a_bad_address_stores_nothing(team, client):
    _patient, doctor = team
    client.force_login(doctor)

    response = client.post(reverse("clinic-web:invitation-new"), {"email": "nobody"}, follow=True)

    assert response.redirect_chain == [(reverse("clinic-web:home"), 302)]
    assert PatientInvitation.objects.count() == 0
    assert [str(m) for m in response.context["messages"]] == ["Enter a valid e-mail address."]


def test_assessment_start_with_a_bad_prefill_id_stores_nothing(team, client):
    patient, doctor = team
    client.force_login(doctor)

    response = client.post(
        reverse("clinic-web:assessment-start", kwargs={"patient_id": patient.pk}),
        {"mode": "clinician", "instruments": ["dn4"], "prefill_from": "not-a-uuid"},
        follow=True,
    )

    card = reverse("clinic-web:patient-card", kwargs={"patient_id": patient.pk})
    assert response.redirect_chain == [(card, 302)]
    assert Assessment.objects.count() == 0
    assert [str(m) for m in response.context["messages"]] == ["Enter a valid UUID."]


def _evaluation(patient):
    assessment = Assessment.objects.create(
        patient=patient,
        instruments=["vas"],
        status="submitted",
        submitted_at=timezone.now(),
        answers={"vas": {"vas": 40}},
    )
    return Evaluation.objects.create(
        patient=patient, assessment=assessment, ruleset_version="t", inputs_hash="0" * 64
    )


def test_decision_with_an_unknown_action_stores_nothing(team, client):
    patient, doctor = team
    client.force_login(doctor)
    url = reverse("clinic-web:evaluation-review", kwargs={"evaluation_id": _evaluation(patient).pk})

    decision = client.post(url, {"rule_id": "T-0", "action": "maybe"})
    label = client.post(url, {"label_code": "CPSP_probable", "action": "maybe"})

    assert decision.status_code == 400
    assert label.status_code == 400
    assert SuggestionDecision.objects.count() == 0
    assert LabelDecision.objects.count() == 0


ORM_ATTRIBUTES = {
    "objects",
    "filter",
    "exclude",
    "order_by",
    "annotate",
    "exists",
    "select_related",
    "prefetch_related",
    "refresh_from_db",
}


def test_web_views_do_not_use_the_orm():
    """Views read through the selectors (STYLE 2.3): no manager or queryset call in web/."""
    import ast
    from pathlib import Path

    import lifeline.clinic.web as web

    found = []
    for path in sorted(Path(web.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ORM_ATTRIBUTES:
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert found == []
