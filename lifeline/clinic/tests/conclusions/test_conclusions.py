from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory
from lifeline.audit.models import AuditEvent
from lifeline.clinic.enums import ConclusionStatus
from lifeline.clinic.exceptions import ConclusionNotIssued
from lifeline.clinic.models.conclusions import Conclusion, ConclusionItem, ConclusionVersion
from lifeline.clinic.services.conclusions import (
    ConclusionItemInput,
    conclusion_amend,
    conclusion_create,
    conclusion_issue,
)
from lifeline.clinic.tests.factories import (
    AssessmentFactory,
    EvaluationFactory,
    ScoreFactory,
    care_team,
    doctor_in,
)
from lifeline.files.models import StoredFile
from lifeline.notifications.models import Notification

pytestmark = pytest.mark.django_db

SUGGESTIONS = [
    {"rule_id": "T-1a", "option": "amitriptyline", "evidence_tag": "E2"},
    {"rule_id": "T-1b", "option": "pregabalin", "evidence_tag": "E2"},
    {"rule_id": "T-7", "option": "physiotherapy", "evidence_tag": "E3"},
]
LABELS = [
    {"code": "CPSP_PROBABLE", "status": "clinician_confirmed", "rule_id": "M-2"},
    {"code": "ANXIETY_POSSIBLE", "status": "screening", "rule_id": "M-7"},
]


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC, name="Pain clinic No. 1")
    patient, doctor = care_team(organization=clinic)
    patient.full_name = "Иванова Мария Петровна"
    patient.save(update_fields=["full_name"])
    doctor.full_name = "Петров Пётр Петрович"
    doctor.save(update_fields=["full_name"])
    assessment = AssessmentFactory(patient=patient, instruments=["nrs", "dn4"], status="submitted")
    ScoreFactory(assessment=assessment, instrument="nrs", value=7.0, band="severe")
    ScoreFactory(assessment=assessment, instrument="dn4", value=6.0, band="positive")
    evaluation = EvaluationFactory(
        patient=patient, assessment=assessment, suggestions=SUGGESTIONS, labels=LABELS
    )
    return clinic, patient, doctor, evaluation


def _create_body(evaluation):
    return {
        "evaluation_id": str(evaluation.pk),
        "items": [
            {"rule_id": "T-1a", "catalogue_code": "amitriptyline", "scheme": "5 мг на ночь"},
            {"rule_id": "T-7", "catalogue_code": "physiotherapy-exercise"},
            {"title": "Консультация психолога", "scheme": ""},
        ],
        "free_text": "Контроль через 4 недели",
        "language": "en",
    }


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_doctor_builds_a_draft_from_the_evaluation(team, client_for):
    clinic, patient, doctor, evaluation = team
    url = reverse("clinic:conclusion-list", kwargs={"patient_id": patient.pk})

    response = client_for(doctor).post(url, _create_body(evaluation), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["version"] == 1
    assert body["evaluation_id"] == str(evaluation.pk)
    assert [i["title"] for i in body["items"]] == [
        "Amitriptyline",
        "Physiotherapy and graded exercise",
        "Консультация психолога",
    ]
    assert [i["scheme"] for i in body["items"]] == [
        "5 мг на ночь",
        "",
        "",
    ]
    assert [s["instrument"] for s in body["scores"]] == ["dn4", "nrs"]
    assert body["labels"] == LABELS[:1]  # the confirmed label only
    assert body["versions"] == []
    assert AuditEvent.objects.filter(action="clinic.conclusion_created").count() == 1


def test_catalogue_default_scheme_fills_an_empty_scheme(team):
    _clinic, patient, doctor, evaluation = team

    conclusion = conclusion_create(
        actor=doctor,
        patient=patient,
        evaluation=evaluation,
        items=[ConclusionItemInput(catalogue_code="pregabalin", rule_id="T-1b")],
        language="ru",
    )

    item = conclusion.items.get()
    assert item.title == "Прегабалин"
    assert item.scheme.startswith("75 мг 2 раза в день")


@pytest.mark.parametrize(
    ("item", "error_key"),
    [
        ({"catalogue_code": "no-such-drug"}, "items[0]"),
        ({"rule_id": "T-5", "title": "Not suggested"}, "items[0]"),
        ({"title": "", "scheme": "x"}, "items[0]"),
    ],
)
def test_invalid_items_are_rejected_and_nothing_is_stored(team, client_for, item, error_key):
    _clinic, patient, doctor, evaluation = team
    url = reverse("clinic:conclusion-list", kwargs={"patient_id": patient.pk})

    response = client_for(doctor).post(
        url, {"evaluation_id": str(evaluation.pk), "items": [item]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "clinic.conclusion_invalid"
    assert list(response.json()["errors"]) == [error_key]
    assert Conclusion.objects.count() == 0
    assert ConclusionItem.objects.count() == 0


def test_evaluation_of_another_patient_is_not_found(team, client_for):
    clinic, patient, doctor, _evaluation = team
    other_patient, _other_doctor = care_team(organization=clinic)
    foreign = EvaluationFactory(patient=other_patient)
    url = reverse("clinic:conclusion-list", kwargs={"patient_id": patient.pk})

    response = client_for(doctor).post(url, {"evaluation_id": str(foreign.pk)}, format="json")

    assert response.status_code == 404
    assert Conclusion.objects.count() == 0


def test_issue_stores_the_pdf_and_the_patient_can_download_it(team, client_for):
    _clinic, patient, doctor, evaluation = team
    conclusion = conclusion_create(
        actor=doctor,
        patient=patient,
        evaluation=evaluation,
        items=[
            ConclusionItemInput(
                catalogue_code="amitriptyline", rule_id="T-1a", scheme="10 мг на ночь"
            )
        ],
        free_text="Повторить DN4 через 4 недели",
        language="en",
    )

    response = client_for(doctor).post(
        reverse("clinic:conclusion-issue", kwargs={"conclusion_id": conclusion.pk})
    )

    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 1
    conclusion.refresh_from_db()
    assert conclusion.status == ConclusionStatus.ISSUED
    assert conclusion.issued_at is not None
    version = ConclusionVersion.objects.get(conclusion=conclusion)
    assert version.pdf is not None
    assert version.pdf.content_type == "application/pdf"
    assert version.pdf.attached_to == conclusion
    assert version.content["items"][0]["scheme"] == "10 мг на ночь"
    assert (
        Notification.objects.filter(
            recipient=patient.user, topic="clinic.conclusion_issued"
        ).count()
        == 1
    )

    pdf_url = reverse("clinic:conclusion-pdf", kwargs={"conclusion_id": conclusion.pk, "number": 1})
    download = client_for(patient.user).get(pdf_url)

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    text = _pdf_text(b"".join(download.streaming_content))
    for expected in (
        "CONSULTATIVE CONCLUSION",
        "Patient: Иванова Мария Петровна",
        "NRS (0–10)",
        "severe",
        "DN4",
        "positive (neuropathic component likely)",
        "Central post-stroke pain, probable (confirmed by the clinician)",
        "Amitriptyline",
        "10 мг на ночь",
        "Повторить DN4 через 4 недели",
        "Doctor: Петров Пётр Петрович",
        "Decision support for the physician. Not a prescription",
    ):
        assert expected in text, expected
    assert "Anxiety" not in text  # a screening result, never confirmed
    assert (
        AuditEvent.objects.filter(
            action="files.file_downloaded", actor_id=str(patient.user.pk)
        ).count()
        == 1
    )


def test_issued_conclusion_cannot_be_edited_until_amended(team, client_for):
    _clinic, patient, doctor, evaluation = team
    conclusion = conclusion_create(
        actor=doctor, patient=patient, evaluation=evaluation, language="en"
    )
    conclusion_issue(actor=doctor, conclusion=conclusion)
    detail = reverse("clinic:conclusion-detail", kwargs={"conclusion_id": conclusion.pk})
    client = client_for(doctor)

    refused = client.patch(detail, {"free_text": "changed"}, format="json")
    issued_again = client.post(
        reverse("clinic:conclusion-issue", kwargs={"conclusion_id": conclusion.pk})
    )

    assert refused.status_code == 409
    assert refused.json()["code"] == "clinic.conclusion_not_draft"
    assert issued_again.status_code == 409
    conclusion.refresh_from_db()
    assert conclusion.free_text == ""

    amended = client.post(
        reverse("clinic:conclusion-amend", kwargs={"conclusion_id": conclusion.pk})
    )
    assert amended.status_code == 200
    assert amended.json()["status"] == "draft"
    assert amended.json()["version"] == 2
    edited = client.patch(
        detail,
        {"free_text": "changed", "items": [{"catalogue_code": "duloxetine"}]},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["items"][0]["title"] == "Duloxetine"
    conclusion_issue(actor=doctor, conclusion=Conclusion.objects.get(pk=conclusion.pk))

    history = client.get(detail).json()["versions"]
    assert [v["number"] for v in history] == [2, 1]
    assert StoredFile.objects.filter(attached_id=str(conclusion.pk)).count() == 2


def test_amending_a_draft_is_a_conflict(team):
    _clinic, patient, doctor, _evaluation = team
    conclusion = conclusion_create(actor=doctor, patient=patient)

    with pytest.raises(ConclusionNotIssued):
        conclusion_amend(actor=doctor, conclusion=conclusion)


def test_patient_sees_only_issued_conclusions(team, client_for):
    _clinic, patient, doctor, evaluation = team
    draft = conclusion_create(actor=doctor, patient=patient, evaluation=evaluation)
    issued = conclusion_create(actor=doctor, patient=patient, evaluation=evaluation)
    conclusion_issue(actor=doctor, conclusion=issued)
    client = client_for(patient.user)

    listing = client.get(reverse("clinic:conclusion-list", kwargs={"patient_id": patient.pk}))
    draft_detail = client.get(
        reverse("clinic:conclusion-detail", kwargs={"conclusion_id": draft.pk})
    )

    assert listing.status_code == 200
    assert [c["id"] for c in listing.json()["results"]] == [str(issued.pk)]
    assert draft_detail.status_code == 404


def test_conclusion_list_query_count_is_constant(team, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _clinic, patient, doctor, evaluation = team
    client = client_for(doctor)
    url = reverse("clinic:conclusion-list", kwargs={"patient_id": patient.pk})

    def issue(count):
        for _ in range(count):
            conclusion = conclusion_create(
                actor=doctor,
                patient=patient,
                evaluation=evaluation,
                items=[ConclusionItemInput(catalogue_code="gabapentin")],
            )
            conclusion_issue(actor=doctor, conclusion=conclusion)

    issue(1)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    issue(5)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)

    assert len(response.json()["results"]) == 6
    assert len(six.captured_queries) == len(one.captured_queries)
    assert len(one.captured_queries) <= 14


def test_conclusion_permission_matrix(team):
    clinic, patient, doctor, evaluation = team
    other_doctor = doctor_in(clinic)
    conclusion = conclusion_create(actor=doctor, patient=patient, evaluation=evaluation)
    conclusion_issue(actor=doctor, conclusion=conclusion)
    admin = doctor_in(clinic)
    MembershipFactory(user=admin, organization=clinic, role=Role.CLINIC_ADMIN)
    list_url = reverse("clinic:conclusion-list", kwargs={"patient_id": patient.pk})
    detail_url = reverse("clinic:conclusion-detail", kwargs={"conclusion_id": conclusion.pk})
    pdf_url = reverse("clinic:conclusion-pdf", kwargs={"conclusion_id": conclusion.pk, "number": 1})
    amend_url = reverse("clinic:conclusion-amend", kwargs={"conclusion_id": conclusion.pk})
    actors = {
        "care_doctor": lambda: doctor,
        "other_doctor": lambda: other_doctor,
        "patient": lambda: patient.user,
        "clinic_admin": lambda: admin,
    }
    cases = [
        Case("anonymous", "get", list_url, 401),
        Case("care_doctor", "get", list_url, 200),
        Case("patient", "get", list_url, 200),
        Case("clinic_admin", "get", list_url, 200),
        Case("other_doctor", "get", list_url, 404),
        Case("other:clinic_admin", "get", list_url, 404),
        Case("care_doctor", "get", detail_url, 200),
        Case("other_doctor", "get", detail_url, 404),
        Case("other:doctor", "get", detail_url, 404),
        Case("care_doctor", "get", pdf_url, 200),
        Case("patient", "get", pdf_url, 200),
        Case("clinic_admin", "get", pdf_url, 200),
        Case("other_doctor", "get", pdf_url, 404),
        Case("care_doctor", "post", list_url, 201, {}),
        Case("patient", "post", list_url, 403, {}),
        Case("clinic_admin", "post", list_url, 403, {}),
        Case("other_doctor", "post", list_url, 404, {}),
        Case("care_doctor", "post", amend_url, 200),
        Case("patient", "post", amend_url, 403),
        Case("other_doctor", "post", amend_url, 404),
    ]
    assert_permission_matrix(cases, organization=clinic, actors=actors)
    conclusion.refresh_from_db()
    assert conclusion.status == ConclusionStatus.ISSUED
