"""Clinic web pages (included by config/urls.py under /clinic/, namespace "clinic-web")."""

from __future__ import annotations

from typing import Any

from django.urls import path

from lifeline.clinic.web import (
    analytics,
    assessments,
    catalogue,
    conclusions,
    evaluations,
    patients,
    protocols,
    registration,
)

app_name = "clinic-web"

urlpatterns: list[Any] = [
    # Patients and care team.
    path("", patients.home, name="home"),
    path("patients/new/", patients.patient_new, name="patient-new"),
    path("patients/<uuid:patient_id>/", patients.patient_card, name="patient-card"),
    path("patients/<uuid:patient_id>/edit/", patients.patient_edit, name="patient-edit"),
    path(
        "patients/<uuid:patient_id>/care-team/",
        patients.care_team_change,
        name="patient-care-team",
    ),
    path("me/record/", patients.my_record, name="my-record"),
    # Invitations and registration.
    path("invitations/new/", registration.invitation_new, name="invitation-new"),
    path("invite/<str:token>/", registration.invitation_accept, name="invitation-accept"),
    path("register/doctor/", registration.doctor_register, name="doctor-register"),
    # Assessments and evaluations.
    path(
        "patients/<uuid:patient_id>/assessments/start/",
        assessments.assessment_start,
        name="assessment-start",
    ),
    path(
        "assessments/<uuid:assessment_id>/",
        assessments.assessment_resume,
        name="assessment-resume",
    ),
    path(
        "assessments/<uuid:assessment_id>/q/<int:n>/",
        assessments.assessment_question,
        name="assessment-question",
    ),
    path(
        "assessments/<uuid:assessment_id>/review/",
        assessments.assessment_review,
        name="assessment-review",
    ),
    path(
        "assessments/<uuid:assessment_id>/results/",
        assessments.assessment_results,
        name="assessment-results",
    ),
    path(
        "evaluations/<uuid:evaluation_id>/",
        evaluations.evaluation_review,
        name="evaluation-review",
    ),
    # Conclusions.
    path(
        "patients/<uuid:patient_id>/conclusions/",
        conclusions.conclusion_list,
        name="conclusion-list",
    ),
    path(
        "patients/<uuid:patient_id>/conclusions/new/",
        conclusions.conclusion_new,
        name="conclusion-new",
    ),
    path(
        "conclusions/<uuid:conclusion_id>/",
        conclusions.conclusion_detail,
        name="conclusion-detail",
    ),
    path(
        "conclusions/<uuid:conclusion_id>/versions/<int:number>/pdf/",
        conclusions.conclusion_pdf,
        name="conclusion-pdf",
    ),
    # Catalogue and articles.
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("articles/", catalogue.article_list, name="article-list"),
    path("articles/new/", catalogue.article_edit, name="article-new"),
    path("articles/<uuid:article_id>/", catalogue.article_detail, name="article-detail"),
    path("articles/<uuid:article_id>/edit/", catalogue.article_edit, name="article-edit"),
    # Analytics.
    path("patients/<uuid:patient_id>/dynamics/", analytics.dynamics, name="patient-dynamics"),
    path("dashboard/", analytics.dashboard, name="dashboard"),
    path(
        "follow-up-tasks/<int:task_id>/done/",
        analytics.follow_up_task_done,
        name="follow-up-task-done",
    ),
    path("cohort/", analytics.cohort, name="cohort"),
    path("cohort/export/", analytics.cohort_export, name="cohort-export"),
    # Protocol templates.
    path("protocols/", protocols.protocol_list, name="protocol-list"),
    path("protocols/new/", protocols.protocol_edit, name="protocol-new"),
    path("protocols/<slug:code>/", protocols.protocol_edit, name="protocol-edit"),
]
