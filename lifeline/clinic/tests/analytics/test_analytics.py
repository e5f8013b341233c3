from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory
from lifeline.audit.models import AuditEvent
from lifeline.clinic.selectors.analytics import change_flags, pain_change_flag
from lifeline.clinic.services.conclusions import (
    ConclusionItemInput,
    conclusion_create,
    conclusion_issue,
)
from lifeline.clinic.tests.factories import (
    AssessmentFactory,
    EvaluationFactory,
    LabelDecisionFactory,
    ScheduledAssessmentFactory,
    ScoreFactory,
    care_team,
    doctor_in,
)

pytestmark = pytest.mark.django_db


# --- change rules (spec §C.8; vectors 13 and 14 of §C.10) --------------------------------
@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (8, 5, "important_improvement"),  # vector 13: −37.5 %, −3 points
        (8, 4, "substantial_improvement"),
        (10, 8, "minimal_improvement"),  # −20 %, −2 points
        (10, 9, "minimal_improvement"),  # −10 %
        (10, 9.5, "no_change"),
        (3, 2, "moderate_improvement"),  # −33 % but only −1 point
        (5, 7, "worsening"),  # +2 points
        (3, 4, "worsening"),  # +33 %
        (5, 5, "no_change"),
        (0, 0, "no_change"),
        (0, 2, "worsening"),
    ],
)
def test_pain_change_flag(before, after, expected):
    assert pain_change_flag(before, after) == expected


def test_vas_change_is_judged_on_a_0_to_10_scale():
    assert pain_change_flag(80, 50, scale_max=100) == "important_improvement"
    assert pain_change_flag(50, 65, scale_max=100) == "worsening"


def test_csi_change_within_measurement_error_flags_the_band_change():
    # Vector 14: CSI 45 → 38: change 7 < 10, band moderate → mild.
    flags = change_flags("csi", {"value": 45, "band": "moderate"}, {"value": 38, "band": "mild"})

    assert flags == ["within_error", "band_changed"]


def test_hads_flags_important_change_and_threshold_crossing():
    flags = change_flags(
        "hads",
        {"subscores": {"anxiety": 7, "depression": 12}},
        {"subscores": {"anxiety": 9, "depression": 11.5}},
    )

    assert flags == ["anxiety_important_change", "anxiety_crossed_8"]


def test_dn4_status_change_prompts_reexamination():
    assert change_flags("dn4", {"value": 3}, {"value": 4}) == ["status_changed_reexamine"]
    assert change_flags("dn4", {"value": 4}, {"value": 6}) == []


# --- dynamics, chart, comparison ---------------------------------------------------------
def _history(patient, values, instrument="nrs", start=None):
    start = start or timezone.now() - timedelta(days=60)
    assessments = []
    for index, value in enumerate(values):
        assessment = AssessmentFactory(
            patient=patient, instruments=[instrument], status="submitted"
        )
        ScoreFactory(
            assessment=assessment,
            instrument=instrument,
            value=value,
            band="severe" if value >= 7 else "moderate",
            measured_at=start + timedelta(days=14 * index),
        )
        assessments.append(assessment)
    return assessments


@pytest.fixture
def team():
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient, doctor = care_team(organization=clinic)
    return clinic, patient, doctor


def test_dynamics_flags_changes_and_shows_treatment_events(team, client_for):
    _clinic, patient, doctor = team
    _history(patient, [8, 8, 5])
    conclusion = conclusion_create(
        actor=doctor,
        patient=patient,
        items=[ConclusionItemInput(catalogue_code="amitriptyline")],
        language="en",
    )
    conclusion_issue(actor=doctor, conclusion=conclusion)

    response = client_for(doctor).get(
        reverse("clinic:patient-dynamics", kwargs={"patient_id": patient.pk}), {"instrument": "nrs"}
    )

    assert response.status_code == 200
    body = response.json()
    assert [p["value"] for p in body["points"]] == [8.0, 8.0, 5.0]
    assert [p["flags"] for p in body["points"]] == [[], [], ["important_improvement"]]
    assert [p["change_from_baseline_percent"] for p in body["points"]] == [None, 0.0, -37.5]
    assert [e["label"] for e in body["events"]] == ["Amitriptyline"]
    assert AuditEvent.objects.filter(action="clinic.patient_dynamics_viewed").count() == 1


def test_dynamics_chart_is_an_svg_with_bands_and_events(team, client_for):
    _clinic, patient, doctor = team
    _history(patient, [8, 5])

    response = client_for(doctor).get(
        reverse("clinic:patient-dynamics-chart", kwargs={"patient_id": patient.pk}),
        {"instrument": "nrs"},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<?xml")
    for label in ("NRS (0–10)", "severe", "moderate", "mild"):
        assert label in svg


def test_comparison_of_two_assessments(team, client_for):
    _clinic, patient, doctor = team
    first, second = _history(patient, [8, 5])

    response = client_for(doctor).get(
        reverse("clinic:patient-compare", kwargs={"patient_id": patient.pk}),
        {"first": str(second.pk), "second": str(first.pk)},
    )

    assert response.status_code == 200
    assert response.json() == [
        {
            "instrument": "nrs",
            "first": {"value": 8.0, "band": "severe", "subscores": {}},
            "second": {"value": 5.0, "band": "moderate", "subscores": {}},
            "delta": -3.0,
            "flags": ["important_improvement"],
        }
    ]


def test_comparison_with_a_foreign_assessment_is_not_found(team, client_for):
    clinic, patient, doctor = team
    other, _ = care_team(organization=clinic)
    (mine,) = _history(patient, [8])
    (theirs,) = _history(other, [4])

    response = client_for(doctor).get(
        reverse("clinic:patient-compare", kwargs={"patient_id": patient.pk}),
        {"first": str(mine.pk), "second": str(theirs.pk)},
    )

    assert response.status_code == 404


# --- dashboard and cohort ----------------------------------------------------------------
def test_dashboard_lists_overdue_red_flags_and_worsening(team, client_for):
    clinic, patient, doctor = team
    worse = care_team(organization=clinic)[0]
    worse.care_team.create(doctor=doctor)
    _history(worse, [4, 7])
    _history(patient, [8, 5])
    EvaluationFactory(patient=patient, has_red_flags=True)
    overdue = ScheduledAssessmentFactory(patient=patient, due_at=timezone.now() - timedelta(days=2))
    ScheduledAssessmentFactory(patient=patient, due_at=timezone.now() + timedelta(days=2))
    stranger = care_team(organization=clinic)[0]
    EvaluationFactory(patient=stranger, has_red_flags=True)

    body = client_for(doctor).get(reverse("clinic:dashboard")).json()

    assert body["patient_count"] == 2
    assert [o["id"] for o in body["overdue"]] == [overdue.pk]
    assert [r["patient_id"] for r in body["red_flags"]] == [str(patient.pk)]
    assert [(w["patient_id"], w["before"], w["after"]) for w in body["worsening"]] == [
        (str(worse.pk), 4.0, 7.0)
    ]


def test_dashboard_query_count_does_not_grow_with_patients(
    team, client_for, django_assert_max_num_queries
):
    clinic, _patient, doctor = team
    for _ in range(8):
        patient = care_team(organization=clinic)[0]
        patient.care_team.create(doctor=doctor)
        _history(patient, [6, 8])
        EvaluationFactory(patient=patient, has_red_flags=True)
        ScheduledAssessmentFactory(patient=patient, due_at=timezone.now() - timedelta(days=1))

    with django_assert_max_num_queries(10):
        body = client_for(doctor).get(reverse("clinic:dashboard")).json()

    assert len(body["worsening"]) == 8
    assert len(body["overdue"]) == 8


def _cohort(clinic, doctor):
    rows = [
        ("Anna", [8, 4], "CPSP_PROBABLE"),  # −50 %
        ("Boris", [6, 4], "NOCICEPTIVE"),  # −33 %
        ("Vera", [5, 5], "CPSP_DEFINITE"),  # 0 %
        ("Gleb", [7], "MIXED"),  # no follow-up
    ]
    for name, values, label in rows:
        patient = care_team(organization=clinic)[0]
        patient.full_name = name
        patient.save(update_fields=["full_name"])
        patient.care_team.create(doctor=doctor)
        _history(patient, values)
        evaluation = EvaluationFactory(
            patient=patient, labels=[{"code": label, "status": "screening"}]
        )
        # The cohort counts the mechanism the clinician confirmed.
        LabelDecisionFactory(evaluation=evaluation, actor=doctor, code=label)


def test_cohort_summary(team, client_for):
    clinic, _patient, doctor = team
    _cohort(clinic, doctor)

    body = client_for(doctor).get(reverse("clinic:cohort")).json()

    assert body["patient_count"] == 5
    assert body["with_follow_up"] == 3
    assert body["mechanisms"] == {"CPSP": 2, "NOCICEPTIVE": 1, "MIXED": 1, "NOT_EVALUATED": 1}
    assert body["responders_30"] == 2
    assert body["responders_50"] == 1
    assert body["mean_change"] == -2.0
    assert body["mean_change_percent"] == -27.8


def test_cohort_excel_export_reads_back(team, client_for):
    clinic, _patient, doctor = team
    _cohort(clinic, doctor)

    response = client_for(doctor).get(reverse("clinic:cohort-export"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cohort-')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Patients"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Patients"] == 5
    assert summary["Responders ≥30 %"] == 2
    assert summary["Responders ≥50 %"] == 1
    assert summary["CPSP"] == 2
    patients = list(book["Patients"].iter_rows(values_only=True))
    assert patients[0][:5] == (
        "Patient",
        "Mechanism",
        "Baseline pain (0–10)",
        "Latest pain (0–10)",
        "Change, %",
    )
    assert ("Anna", "CPSP", 8, 4, -50, "yes", "yes") in patients
    assert AuditEvent.objects.filter(action="clinic.cohort_exported").count() == 1


def test_analytics_permission_matrix(team):
    clinic, patient, doctor = team
    admin = doctor_in(clinic)
    MembershipFactory(user=admin, organization=clinic, role=Role.CLINIC_ADMIN)
    other_doctor = doctor_in(clinic)
    dynamics = reverse("clinic:patient-dynamics", kwargs={"patient_id": patient.pk})
    actors = {
        "care_doctor": lambda: doctor,
        "other_doctor": lambda: other_doctor,
        "patient": lambda: patient.user,
        "clinic_admin": lambda: admin,
    }
    cases = [
        Case("anonymous", "get", dynamics, 401),
        Case("care_doctor", "get", dynamics, 200),
        Case("patient", "get", dynamics, 200),
        Case("clinic_admin", "get", dynamics, 200),
        Case("other_doctor", "get", dynamics, 404),
        Case("other:clinic_admin", "get", dynamics, 404),
        Case("care_doctor", "get", reverse("clinic:dashboard"), 200),
        Case("patient", "get", reverse("clinic:dashboard"), 403),
        Case("care_doctor", "get", reverse("clinic:cohort"), 200),
        Case("patient", "get", reverse("clinic:cohort"), 403),
        Case("patient", "get", reverse("clinic:cohort-export"), 403),
        Case("clinic_admin", "get", reverse("clinic:cohort-export"), 200),
    ]
    assert_permission_matrix(cases, organization=clinic, actors=actors)


def test_hads_chart_draws_both_subscales(team, client_for):
    _clinic, patient, doctor = team
    for days, (anxiety, depression) in ((30, (12, 9)), (0, (8, 6))):
        assessment = AssessmentFactory(patient=patient, instruments=["hads"], status="submitted")
        ScoreFactory(
            assessment=assessment,
            instrument="hads",
            value=None,
            band="",
            subscores={
                "hads_a": {"score": anxiety, "band": "abnormal"},
                "hads_d": {"score": depression, "band": "borderline"},
            },
            measured_at=timezone.now() - timedelta(days=days),
        )

    dynamics = client_for(doctor).get(
        reverse("clinic:patient-dynamics", kwargs={"patient_id": patient.pk}),
        {"instrument": "hads"},
    )
    chart = client_for(doctor).get(
        reverse("clinic:patient-dynamics-chart", kwargs={"patient_id": patient.pk}),
        {"instrument": "hads"},
    )

    assert [p["flags"] for p in dynamics.json()["points"]] == [
        [],
        [
            "anxiety_important_change",
            "anxiety_crossed_11",
            "depression_important_change",
            "depression_crossed_8",
        ],
    ]
    svg = chart.content.decode()
    assert "HADS anxiety" in svg
    assert "HADS depression" in svg
