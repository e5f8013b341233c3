from __future__ import annotations

import io
from datetime import timedelta

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.clinic.enums import ArticleStatus, ConclusionStatus
from lifeline.clinic.models.catalogue import Article, DoctorNote
from lifeline.clinic.models.conclusions import Conclusion
from lifeline.clinic.services.conclusions import ConclusionItemInput, conclusion_create
from lifeline.clinic.tests.factories import (
    ArticleFactory,
    AssessmentFactory,
    EvaluationFactory,
    ScoreFactory,
    care_team,
    doctor_in,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    assessment = AssessmentFactory(patient=patient, instruments=["nrs"], status="submitted")
    ScoreFactory(
        assessment=assessment,
        instrument="nrs",
        value=7,
        band="severe",
        measured_at=timezone.now() - timedelta(days=30),
    )
    later = AssessmentFactory(patient=patient, instruments=["nrs"], status="submitted")
    ScoreFactory(assessment=later, instrument="nrs", value=4, band="moderate")
    evaluation = EvaluationFactory(
        patient=patient,
        assessment=later,
        suggestions=[
            {
                "rule_id": "T-1b",
                "option": "pregabalin",
                "title": {"en": "Gabapentinoid", "ru": "Габапентиноид"},
            },
            {
                "rule_id": "T-6",
                "title": {"en": "Psychological support", "ru": "Психологическая поддержка"},
            },
        ],
        labels=[{"code": "CPSP_PROBABLE", "status": "screening"}],
    )
    return clinic, patient, doctor, evaluation


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


def test_dynamics_page_has_the_chart_and_comparison(team):
    _clinic, patient, doctor, _evaluation = team
    first, second = [s.assessment_id for s in patient.scores.order_by("measured_at")]
    url = reverse("clinic-web:patient-dynamics", kwargs={"patient_id": patient.pk})

    response = _client(doctor).get(url, {"instrument": "nrs", "first": first, "second": second})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in content
    # The change flag and band are shown by their labels, never as codes.
    assert "clinically important improvement" in content
    assert "important_improvement" not in content
    assert "moderate" in content
    assert "Comparison" in content


def test_dynamics_page_opens_on_the_instrument_the_patient_has_scores_of(team):
    _clinic, patient, doctor, _evaluation = team
    url = reverse("clinic-web:patient-dynamics", kwargs={"patient_id": patient.pk})
    assert _client(doctor).get(url).context["instrument"] == "nrs"  # NRS first when it has any
    patient.scores.update(instrument="vas")

    response = _client(doctor).get(url)  # the links to the page name no instrument

    assert response.context["instrument"] == "vas"
    assert [p.value for p in response.context["points"]] == [4, 7]
    assert "No scores for this instrument yet." not in response.content.decode()
    assert _client(doctor).get(url, {"instrument": "nrs"}).context["points"] == []


def test_catalogue_page_saves_a_private_note(team):
    _clinic, _patient, doctor, _evaluation = team
    client = _client(doctor)

    response = client.post(
        reverse("clinic-web:catalogue"), {"code": "lamotrigine", "text": "rash!"}
    )

    assert response.status_code == 302
    assert DoctorNote.objects.get().text == "rash!"
    page = client.get(reverse("clinic-web:catalogue"), {"q": "lamo"})
    assert "rash!" in page.content.decode()
    patient_user = user_with_role(Role.PATIENT)
    assert _client(patient_user).get(reverse("clinic-web:catalogue")).status_code == 403


def test_dashboard_and_cohort_pages(team):
    _clinic, patient, doctor, _evaluation = team
    client = _client(doctor)

    dashboard = client.get(reverse("clinic-web:dashboard"))
    cohort = client.get(reverse("clinic-web:cohort"))
    export = client.get(reverse("clinic-web:cohort-export"))

    assert dashboard.status_code == 200
    assert cohort.status_code == 200
    assert patient.full_name in cohort.content.decode()
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _client(patient.user).get(reverse("clinic-web:dashboard")).status_code == 403


def test_cohort_page_names_mechanisms_in_the_readers_language(team):
    _clinic, patient, doctor, _evaluation = team
    client = _client(doctor)
    client.cookies["django_language"] = "ru"

    page = client.get(reverse("clinic-web:cohort"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    # The patient's evaluation has no label the clinician confirmed.
    assert "<td>Механизм не подтверждён врачом</td>" in page
    for code in ("UNCONFIRMED", "NOT_EVALUATED", "CPSP", "NEUROPATHIC_SCREEN"):
        assert f"<td>{code}</td>" not in page


def test_editor_publishes_an_article_and_a_patient_reads_it():
    editor = user_with_role(Role.CLINIC_ADMIN)
    reader = user_with_role(Role.PATIENT)
    draft = ArticleFactory(title="Hidden draft")

    response = _client(editor).post(
        reverse("clinic-web:article-new"),
        {
            "title": "Sleep and pain",
            "summary": "",
            "body": "Text",
            "language": "en",
            "publish": "1",
        },
    )

    article = Article.objects.get(title="Sleep and pain")
    assert response.status_code == 302
    assert article.status == ArticleStatus.PUBLISHED
    listing = _client(reader).get(reverse("clinic-web:article-list")).content.decode()
    assert "Sleep and pain" in listing
    assert "Hidden draft" not in listing
    assert (
        _client(reader)
        .get(reverse("clinic-web:article-detail", kwargs={"article_id": draft.pk}))
        .status_code
        == 404
    )
    assert _client(reader).get(reverse("clinic-web:article-new")).status_code == 403
