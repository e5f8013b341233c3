"""Clinic web pages: care part."""

from __future__ import annotations

from typing import Any

from django.urls import path

from lifeline.clinic.views import care_pages as pages
from lifeline.clinic.views import patient_pages

urlpatterns: list[Any] = [
    path("", pages.home, name="home"),
    path("patients/new/", pages.patient_new, name="patient-new"),
    path("patients/<uuid:patient_id>/", pages.patient_card, name="patient-card"),
    path("patients/<uuid:patient_id>/edit/", pages.patient_edit, name="patient-edit"),
    path(
        "patients/<uuid:patient_id>/care-team/",
        pages.care_team_change,
        name="patient-care-team",
    ),
    path("invitations/new/", pages.invitation_new, name="invitation-new"),
    path(
        "patients/<uuid:patient_id>/assessments/start/",
        pages.assessment_start,
        name="assessment-start",
    ),
    path("assessments/<uuid:assessment_id>/", pages.assessment_resume, name="assessment-resume"),
    path(
        "assessments/<uuid:assessment_id>/q/<int:n>/",
        pages.assessment_question,
        name="assessment-question",
    ),
    path(
        "assessments/<uuid:assessment_id>/review/",
        pages.assessment_review,
        name="assessment-review",
    ),
    path(
        "assessments/<uuid:assessment_id>/results/",
        pages.assessment_results,
        name="assessment-results",
    ),
    path(
        "evaluations/<uuid:evaluation_id>/",
        pages.evaluation_review,
        name="evaluation-review",
    ),
    path("invite/<str:token>/", pages.invitation_accept, name="invitation-accept"),
    path("register/doctor/", pages.doctor_register, name="doctor-register"),
    path("me/record/", patient_pages.my_record, name="my-record"),
]
