"""Only labels the clinician confirmed enter the conclusion, its PDF and the cohort counts
(spec §C.0.3: the questionnaires only flag; unconfirmed labels are screening results)."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.clinic.models.conclusions import Conclusion
from lifeline.clinic.selectors.analytics import cohort_summary
from lifeline.clinic.tests.factories import EvaluationFactory, LabelDecisionFactory, care_team

pytestmark = pytest.mark.django_db

LABELS = [
    {"code": "CPSP_PROBABLE", "status": "screening", "rule_id": "M-2"},
    {"code": "NOCIPLASTIC_POSSIBLE", "status": "screening", "rule_id": "M-4"},
    {"code": "ANXIETY_PROBABLE", "status": "screening", "rule_id": "M-7"},
]


def _decided(patient, doctor, labels=LABELS):
    """CPSP confirmed, anxiety rejected, nociplastic left as the engine's screening result."""
    evaluation = EvaluationFactory(patient=patient, evaluated_by=doctor, labels=labels)
    LabelDecisionFactory(evaluation=evaluation, actor=doctor, code="CPSP_PROBABLE")
    LabelDecisionFactory(
        evaluation=evaluation,
        actor=doctor,
        code="ANXIETY_PROBABLE",
        action="rejected",
        reason="Not on interview",
    )
    return evaluation


def _pdf_text(response) -> str:
    reader = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_issued_pdf_holds_only_the_confirmed_label():
    patient, doctor = care_team()
    evaluation = _decided(patient, doctor)
    client = Client()
    client.force_login(doctor)
    builder = reverse("clinic-web:conclusion-new", kwargs={"patient_id": patient.pk})

    page = client.get(builder)
    created = client.post(
        builder,
        {"evaluation_id": str(evaluation.pk), "extra_title": "Walking", "free_text": ""},
    )

    assert page.context["labels"] == [
        "Central post-stroke pain, probable (confirmed by the clinician)"
    ]
    assert created.status_code == 302
    conclusion = Conclusion.objects.get()
    assert [label["code"] for label in conclusion.snapshot["labels"]] == ["CPSP_PROBABLE"]
    detail = reverse("clinic-web:conclusion-detail", kwargs={"conclusion_id": conclusion.pk})
    assert client.post(detail, {"action": "issue"}).status_code == 302
    text = _pdf_text(
        client.get(
            reverse(
                "clinic-web:conclusion-pdf", kwargs={"conclusion_id": conclusion.pk, "number": 1}
            )
        )
    )
    assert "Central post-stroke pain, probable (confirmed by the clinician)" in text
    assert "Nociplastic" not in text
    assert "Anxiety" not in text
    assert "screening result" not in text


def test_conclusion_api_lists_only_confirmed_labels(client_for):
    patient, doctor = care_team()
    evaluation = _decided(patient, doctor)

    response = client_for(doctor).post(
        reverse("clinic:conclusion-list", kwargs={"patient_id": patient.pk}),
        {"evaluation_id": str(evaluation.pk), "items": [], "language": "en"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert [(lab["code"], lab["status"]) for lab in response.json()["labels"]] == [
        ("CPSP_PROBABLE", "clinician_confirmed")
    ]


def test_unconfirmed_labels_leave_the_pdf_unclassified():
    patient, doctor = care_team()
    evaluation = EvaluationFactory(patient=patient, evaluated_by=doctor, labels=LABELS)
    client = Client()
    client.force_login(doctor)
    builder = reverse("clinic-web:conclusion-new", kwargs={"patient_id": patient.pk})
    client.post(builder, {"evaluation_id": str(evaluation.pk), "extra_title": "Walking"})
    conclusion = Conclusion.objects.get()
    detail = reverse("clinic-web:conclusion-detail", kwargs={"conclusion_id": conclusion.pk})
    client.post(detail, {"action": "issue"})

    text = _pdf_text(
        client.get(
            reverse(
                "clinic-web:conclusion-pdf", kwargs={"conclusion_id": conclusion.pk, "number": 1}
            )
        )
    )

    assert "Not classified." in text
    assert "Central post-stroke pain" not in text


def test_cohort_counts_the_mechanism_the_clinician_confirmed():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    confirmed, doctor = care_team(organization=clinic)
    screening_only = care_team(organization=clinic)[0]
    rejected = care_team(organization=clinic)[0]
    for patient in (screening_only, rejected):
        patient.care_team.create(doctor=doctor)
    _decided(confirmed, doctor)
    EvaluationFactory(patient=screening_only, labels=LABELS)
    rejected_evaluation = EvaluationFactory(patient=rejected, labels=LABELS[:1])
    LabelDecisionFactory(evaluation=rejected_evaluation, actor=doctor, code="CPSP_PROBABLE")
    LabelDecisionFactory(
        evaluation=rejected_evaluation,
        actor=doctor,
        code="CPSP_PROBABLE",
        action="rejected",
        reason="Thalamic lesion ruled out",
    )

    summary = cohort_summary(actor=doctor)

    mechanisms = {row.patient_id: row.mechanism for row in summary["rows"]}
    assert mechanisms == {
        confirmed.pk: "CPSP",
        screening_only.pk: "UNCONFIRMED",
        rejected.pk: "UNCONFIRMED",
    }
    assert summary["mechanisms"] == {"UNCONFIRMED": 2, "CPSP": 1}
