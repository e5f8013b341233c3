from __future__ import annotations

import pytest
from django.urls import reverse

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.audit.models import AuditEvent
from lifeline.clinic.models.assessments import Assessment, Evaluation, SuggestionDecision
from lifeline.clinic.services.registration import invitation_create
from lifeline.clinic.tests.factories import care_team, doctor_in, legal_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    return clinic, patient, doctor


def _answer_all(client, assessment_id, answer_for):
    """Walk the screens, answering each; returns the number of screens answered."""
    response = client.get(
        reverse("clinic-web:assessment-resume", kwargs={"assessment_id": assessment_id})
    )
    count = 0
    while "/q/" in response.url:
        page = client.get(response.url)
        assert page.status_code == 200
        screen = page.context["screen"]
        response = client.post(response.url, answer_for(screen))
        assert response.status_code == 302, response.content[:500]
        count += 1
    return count, response


def test_patient_takes_vas_and_hads_one_question_per_screen(team, client):
    _clinic, patient, doctor = team
    client.force_login(patient.user)
    home = client.get(reverse("clinic-web:home"))
    assert home.status_code == 200
    assert b'data-testid="start-assessment"' in home.content
    started = client.post(
        reverse("clinic-web:assessment-start", kwargs={"patient_id": patient.pk}),
        {"mode": "patient", "instruments": ["vas", "hads"]},
    )
    assessment = Assessment.objects.get()
    assert started.url == reverse(
        "clinic-web:assessment-resume", kwargs={"assessment_id": assessment.pk}
    )

    first = client.get(
        reverse("clinic-web:assessment-question", kwargs={"assessment_id": assessment.pk, "n": 1})
    )
    assert first.context["screen"].is_vas
    assert first.context["total"] == 15
    assert b'data-vas-step="-1"' in first.content
    # a required question cannot be skipped
    empty = client.post(first.request["PATH_INFO"], {"action": "next"})
    assert empty.status_code == 400
    # an out-of-range VAS value is refused with the engine's message, nothing stored
    bad = client.post(first.request["PATH_INFO"], {"action": "next", "answer": "140"})
    assert bad.status_code == 400
    assessment.refresh_from_db()
    assert assessment.answers == {}

    count, last = _answer_all(
        client,
        assessment.pk,
        lambda screen: {"action": "next", "answer": "35" if screen.is_vas else "b"},
    )
    assert count == 15
    assert last.url == reverse(
        "clinic-web:assessment-review", kwargs={"assessment_id": assessment.pk}
    )
    submitted = client.post(last.url)
    assert submitted.url == reverse(
        "clinic-web:assessment-results", kwargs={"assessment_id": assessment.pk}
    )
    results = client.get(submitted.url)
    assert results.status_code == 200
    names = [row["name"] for row in results.context["rows"]]
    assert names == ["HADS", "VAS"]
    assert results.context["evaluation"] is None  # the patient sees no suggestions
    assert "Moderate pain" in results.content.decode()


def test_resume_goes_to_saved_position(team, client):
    _clinic, patient, _doctor = team
    client.force_login(patient.user)
    client.post(
        reverse("clinic-web:assessment-start", kwargs={"patient_id": patient.pk}),
        {"mode": "patient", "instruments": ["hads"]},
    )
    assessment = Assessment.objects.get()
    url = reverse("clinic-web:assessment-question", kwargs={"assessment_id": assessment.pk, "n": 1})
    client.post(url, {"action": "next", "answer": "a"})
    client.post(url.replace("/q/1/", "/q/2/"), {"action": "next", "answer": "c"})
    resumed = client.get(
        reverse("clinic-web:assessment-resume", kwargs={"assessment_id": assessment.pk})
    )
    assert resumed.url.endswith("/q/3/")
    back = client.get(url.replace("/q/1/", "/q/2/"))
    assert back.context["current"] == "c"


def test_other_patient_gets_404(team, client):
    clinic, patient, _doctor = team
    other, _ = care_team(organization=clinic)
    client.force_login(patient.user)
    client.post(
        reverse("clinic-web:assessment-start", kwargs={"patient_id": patient.pk}),
        {"mode": "patient", "instruments": ["vas"]},
    )
    assessment = Assessment.objects.get()
    client.force_login(other.user)
    response = client.get(
        reverse("clinic-web:assessment-question", kwargs={"assessment_id": assessment.pk, "n": 1})
    )
    assert response.status_code == 404
    assert (
        client.get(
            reverse("clinic-web:patient-card", kwargs={"patient_id": patient.pk})
        ).status_code
        == 404
    )


def test_doctor_list_card_clinic_assessment_and_decision(team, client):
    clinic, patient, doctor = team
    client.force_login(doctor)
    listing = client.get(reverse("clinic-web:home"), {"q": patient.full_name.split()[0]})
    assert listing.status_code == 200
    assert patient.full_name in listing.content.decode()
    card = client.get(reverse("clinic-web:patient-card", kwargs={"patient_id": patient.pk}))
    assert card.status_code == 200
    assert AuditEvent.objects.filter(
        action="clinic.patient_viewed", target_id=str(patient.pk)
    ).exists()

    client.post(
        reverse("clinic-web:assessment-start", kwargs={"patient_id": patient.pk}),
        {"mode": "clinician", "instruments": ["dn4"], "respondent": "patient"},
    )
    assessment = Assessment.objects.get()
    assert assessment.mode == "clinician"
    count, last = _answer_all(
        client, assessment.pk, lambda screen: {"action": "next", "answer": "yes"}
    )
    assert count == 10  # DN4 interview + examination items in clinician mode
    client.post(last.url)
    evaluation = Evaluation.objects.get(assessment=assessment)
    review_url = reverse("clinic-web:evaluation-review", kwargs={"evaluation_id": evaluation.pk})
    review = client.get(review_url)
    assert review.status_code == 200
    rule_ids = [s["rule_id"] for s in review.context["suggestions"]]
    assert "T-0" in rule_ids
    rejected = client.post(review_url, {"rule_id": "T-0", "action": "rejected"})
    assert rejected.status_code == 400
    assert SuggestionDecision.objects.count() == 0
    accepted = client.post(review_url, {"rule_id": "T-0", "action": "accepted"})
    assert accepted.status_code == 302
    assert SuggestionDecision.objects.get().action == "accepted"


def test_unassigned_doctor_cannot_open_card(team, client):
    clinic, patient, _doctor = team
    client.force_login(doctor_in(clinic))
    assert (
        client.get(
            reverse("clinic-web:patient-card", kwargs={"patient_id": patient.pk})
        ).status_code
        == 404
    )


def test_invitation_page_registers_patient(client):
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    legal_documents()
    _invitation, token = invitation_create(actor=doctor, patient_email="inv@example.org")
    url = reverse("clinic-web:invitation-accept", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "full_name": "Invited Patient",
            "password": "Correct-Horse-Battery-9",
            "password_confirm": "Correct-Horse-Battery-9",
            "accept_user_agreement": "1",
            "accept_personal_data_policy": "1",
        },
    )
    assert response.status_code == 302
    assert client.get(url).status_code == 410


def test_doctor_edits_record_with_clinical_inputs(team, client):
    _clinic, patient, doctor = team
    client.force_login(doctor)
    url = reverse("clinic-web:patient-edit", kwargs={"patient_id": patient.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "full_name": "Renamed Patient",
            "date_of_birth": "1950-05-01",
            "sex": "female",
            "stroke_type": "ischemic",
            "lesion_side": "left",
            "pain_onset_date": "2026-01-01",
            "pain_locations": ["shoulder_right", "hand_right", "nowhere"],
            "c_onset_after_stroke": "true",
            "c_hsp": "false",
            "c_crcl_cockcroft_gault": "48,5",
            "c_current_meds": "clopidogrel, N06AA09",
        },
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.full_name == "Renamed Patient"
    assert patient.pain_locations == ["shoulder_right", "hand_right"]
    assert patient.clinical == {
        "onset_after_stroke": True,
        "hsp": False,
        "crcl_cockcroft_gault": 48.5,
        "current_meds": ["clopidogrel", "N06AA09"],
    }
    bad = client.post(url, {"full_name": "X", "c_qtc_ms": "9999"})
    assert bad.status_code == 400
    patient.refresh_from_db()
    assert patient.full_name == "Renamed Patient"
    # the patient cannot edit their own record
    client.force_login(patient.user)
    assert client.get(url).status_code == 403


def test_doctor_sends_invitation_from_list(
    team, client, mailoutbox, django_capture_on_commit_callbacks
):
    _clinic, _patient, doctor = team
    client.force_login(doctor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("clinic-web:invitation-new"), {"email": "new@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@example.org"]


def test_patient_list_keyset_paging(client):
    from lifeline.clinic.models.patients import CareTeamMember, Patient

    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    doctor = doctor_in(clinic)
    for i in range(30):
        patient = Patient.objects.create(organization=clinic, full_name=f"P {i:02d}")
        CareTeamMember.objects.create(patient=patient, doctor=doctor)
    client.force_login(doctor)
    first = client.get(reverse("clinic-web:home"))
    names = [p.full_name for p in first.context["patients"]]
    assert names == [f"P {i:02d}" for i in range(25)]
    second = client.get(reverse("clinic-web:home") + first.context["next_url"])
    assert [p.full_name for p in second.context["patients"]] == [
        f"P {i:02d}" for i in range(25, 30)
    ]
    assert second.context["next_url"] == ""


def test_question_page_in_russian(team, client):
    _clinic, patient, _doctor = team
    patient.user.language = "ru"
    patient.user.save()
    client.force_login(patient.user)
    client.cookies["django_language"] = "ru"
    client.post(
        reverse("clinic-web:assessment-start", kwargs={"patient_id": patient.pk}),
        {"mode": "patient", "instruments": ["vas"]},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assessment = Assessment.objects.get()
    page = client.get(
        reverse("clinic-web:assessment-question", kwargs={"assessment_id": assessment.pk, "n": 1}),
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    text = page.content.decode()
    assert "Вопрос 1 из 1" in text
    assert "Нет боли" in text
    assert "Прочитать вслух" in text


def test_clinic_admin_manages_care_team_from_card(team, client):
    from lifeline.access.enums import Role
    from lifeline.access.tests.factories import user_with_role
    from lifeline.clinic.selectors.patients import is_care_team_pair

    clinic, patient, doctor = team
    admin = user_with_role(Role.CLINIC_ADMIN, clinic)
    second = doctor_in(clinic)
    client.force_login(admin)
    card = client.get(reverse("clinic-web:patient-card", kwargs={"patient_id": patient.pk}))
    assert [d.pk for d in card.context["clinic_doctors"]] == [second.pk]
    url = reverse("clinic-web:patient-care-team", kwargs={"patient_id": patient.pk})
    assert client.post(url, {"doctor": str(second.pk), "action": "assign"}).status_code == 302
    assert is_care_team_pair(doctor=second, patient=patient)
    assert client.post(url, {"doctor": str(doctor.pk), "action": "unassign"}).status_code == 302
    assert not is_care_team_pair(doctor=doctor, patient=patient)
    # a doctor may not change the care team
    client.force_login(second)
    assert client.post(url, {"doctor": str(doctor.pk), "action": "assign"}).status_code == 403
    assert not is_care_team_pair(doctor=doctor, patient=patient)


def test_doctor_registration_page(client, mailoutbox, django_capture_on_commit_callbacks):
    from lifeline.access.models import Membership
    from lifeline.accounts.models import User

    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    versions = legal_documents()
    url = reverse("clinic-web:doctor-register")
    assert client.get(url).status_code == 200
    body = {
        "email": "doc@example.org",
        "password": "Correct-Horse-Battery-9",
        "password_confirm": "Correct-Horse-Battery-9",
        "first_name": "Anna",
        "last_name": "Petrova",
        "specialty": "Neurologist",
        "organization": str(clinic.pk),
    }
    missing = client.post(url, body)
    assert missing.status_code == 400  # agreements not accepted
    assert not User.objects.filter(email="doc@example.org").exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**body, **{f"accept_{k}": "1" for k in versions}})
    assert done.status_code == 302
    assert "/verify/" in done.url
    user = User.objects.get(email="doc@example.org")
    assert Membership.objects.get(user=user).is_active is False
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "CSI 45, DN4 4, HADS-A 12, HADS-D 9, VAS 72,5"),
        ("en", "CSI 45, DN4 4, HADS-A 12, HADS-D 9, VAS 72.5"),
    ],
)
def test_the_card_lists_an_assessments_scores_with_no_gap_before_a_comma(
    team, client, language, expected
):
    from lifeline.clinic.services import assessments
    from lifeline.clinic.tests.engine.helpers import csi, dn4_total, hads

    _clinic, patient, doctor = team
    assessment, _created = assessments.assessment_start(actor=patient.user, patient=patient)
    answers = {"vas": {"vas": 72}, "dn4": dn4_total(4, None), "csi": csi(45), "hads": hads(12, 9)}
    assessments.assessment_autosave(actor=patient.user, assessment=assessment, answers=answers)
    assessments.assessment_submit(actor=patient.user, assessment=assessment)
    # HADS has no total of its own (its two subscales are its scores); VAS with a fraction.
    assert assessment.scores.get(instrument="hads").value is None
    assessment.scores.filter(instrument="vas").update(value=72.5)
    client.force_login(doctor)
    client.cookies["django_language"] = language

    card = client.get(reverse("clinic-web:patient-card", kwargs={"patient_id": patient.pk}))

    text = " ".join(card.content.decode().split())
    assert f"<td>{expected}</td>" in text
    assert " ," not in text
