"""The conclusion builder and issue pages, as a doctor uses them."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from lifeline.clinic.enums import ConclusionStatus
from lifeline.clinic.models.conclusions import Conclusion
from lifeline.clinic.services.conclusions import ConclusionItemInput, conclusion_create
from lifeline.clinic.tests.factories import (
    doctor_in,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_doctor_builds_and_issues_a_conclusion_through_the_pages(team):
    _clinic, patient, doctor, evaluation = team
    client = _client(doctor)
    builder = reverse("clinic-web:conclusion-new", kwargs={"patient_id": patient.pk})

    page = client.get(builder)

    assert page.status_code == 200
    content = page.content.decode()
    assert 'value="T-1b|pregabalin|pregabalin"' in content
    assert "checked" not in content  # nothing preselected
    response = client.post(
        builder,
        {
            "evaluation_id": str(evaluation.pk),
            "pick": ["T-1b|pregabalin|pregabalin", "T-6||psych-referral"],
            "scheme-T-1b|pregabalin|pregabalin": "75 mg twice daily",
            "scheme-T-6||psych-referral": "",
            "free_text": "Review in 4 weeks",
        },
    )
    conclusion = Conclusion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "clinic-web:conclusion-detail", kwargs={"conclusion_id": conclusion.pk}
    )
    assert [(i.rule_id, i.title, i.scheme) for i in conclusion.items.all()] == [
        ("T-1b", "Pregabalin", "75 mg twice daily"),
        ("T-6", "Referral to a psychiatrist or clinical psychologist", ""),
    ]

    detail = reverse("clinic-web:conclusion-detail", kwargs={"conclusion_id": conclusion.pk})
    issued = client.post(detail, {"action": "issue"})

    assert issued.status_code == 302
    conclusion.refresh_from_db()
    assert conclusion.status == ConclusionStatus.ISSUED
    pdf = client.get(
        reverse("clinic-web:conclusion-pdf", kwargs={"conclusion_id": conclusion.pk, "number": 1})
    )
    text = pypdf.PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages[0].extract_text()
    assert "Pregabalin" in text
    assert "75 mg twice daily" in text
    history = client.get(reverse("clinic-web:conclusion-list", kwargs={"patient_id": patient.pk}))
    assert "Version 1" in history.content.decode()


def test_builder_with_an_unknown_option_shows_the_error_and_stores_nothing(team):
    _clinic, patient, doctor, evaluation = team
    builder = reverse("clinic-web:conclusion-new", kwargs={"patient_id": patient.pk})

    response = _client(doctor).post(
        builder, {"evaluation_id": str(evaluation.pk), "pick": ["T-9||nothing"]}
    )

    assert response.status_code == 400
    assert "Unknown catalogue code." in response.content.decode()
    assert Conclusion.objects.count() == 0


def test_draft_edit_keeps_only_ticked_items(team):
    _clinic, patient, doctor, evaluation = team
    conclusion = conclusion_create(
        actor=doctor,
        patient=patient,
        evaluation=evaluation,
        items=[
            ConclusionItemInput(catalogue_code="pregabalin", rule_id="T-1b"),
            ConclusionItemInput(title="Walking"),
        ],
        language="en",
    )
    detail = reverse("clinic-web:conclusion-detail", kwargs={"conclusion_id": conclusion.pk})

    response = _client(doctor).post(
        detail,
        {
            "action": "save",
            "item_count": "2",
            "keep-0": "1",
            "code-0": "pregabalin",
            "rule-0": "T-1b",
            "title-0": "Pregabalin",
            "scheme-0": "150 mg",
            "code-1": "",
            "rule-1": "",
            "title-1": "Walking",
            "free_text": "ok",
        },
    )

    assert response.status_code == 302
    assert [(i.title, i.scheme) for i in conclusion.items.all()] == [("Pregabalin", "150 mg")]


def test_pages_are_scoped_to_the_care_team(team):
    clinic, patient, doctor, _evaluation = team
    other = doctor_in(clinic)
    conclusion = conclusion_create(actor=doctor, patient=patient)
    urls = [
        reverse("clinic-web:conclusion-list", kwargs={"patient_id": patient.pk}),
        reverse("clinic-web:conclusion-new", kwargs={"patient_id": patient.pk}),
        reverse("clinic-web:conclusion-detail", kwargs={"conclusion_id": conclusion.pk}),
        reverse("clinic-web:patient-dynamics", kwargs={"patient_id": patient.pk}),
    ]

    assert [_client(doctor).get(url).status_code for url in urls] == [200, 200, 200, 200]
    assert [_client(other).get(url).status_code for url in urls] == [404, 404, 404, 404]
    # The patient: own list and dynamics; the builder is 404, an unissued draft is 404.
    assert [_client(patient.user).get(url).status_code for url in urls] == [200, 404, 404, 200]
