"""Clinic REST endpoints: care part (patients, care teams, registration, assessments)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from lifeline.clinic.api import care_views as views
from lifeline.clinic.api.patient_record_views import MyRecordApi

urlpatterns: list[Any] = [
    path("me/record/", MyRecordApi.as_view(), name="my-record"),
    path("patients/", views.PatientListApi.as_view(), name="patient-list"),
    path("patients/<uuid:patient_id>/", views.PatientDetailApi.as_view(), name="patient-detail"),
    path(
        "patients/<uuid:patient_id>/archive/",
        views.PatientArchiveApi.as_view(),
        name="patient-archive",
    ),
    path(
        "patients/<uuid:patient_id>/restore/",
        views.PatientRestoreApi.as_view(),
        name="patient-restore",
    ),
    path(
        "patients/<uuid:patient_id>/care-team/",
        views.CareTeamApi.as_view(),
        name="patient-care-team",
    ),
    path(
        "patients/<uuid:patient_id>/care-team/<uuid:doctor_id>/",
        views.CareTeamMemberApi.as_view(),
        name="patient-care-team-member",
    ),
    path(
        "patients/<uuid:patient_id>/assessments/",
        views.PatientAssessmentListApi.as_view(),
        name="patient-assessments",
    ),
    path(
        "assessments/<uuid:assessment_id>/",
        views.AssessmentDetailApi.as_view(),
        name="assessment-detail",
    ),
    path(
        "assessments/<uuid:assessment_id>/submit/",
        views.AssessmentSubmitApi.as_view(),
        name="assessment-submit",
    ),
    path(
        "evaluations/<uuid:evaluation_id>/",
        views.EvaluationDetailApi.as_view(),
        name="evaluation-detail",
    ),
    path(
        "evaluations/<uuid:evaluation_id>/decisions/",
        views.EvaluationDecisionApi.as_view(),
        name="evaluation-decisions",
    ),
    path(
        "evaluations/<uuid:evaluation_id>/labels/<str:code>/decision/",
        views.EvaluationLabelDecisionApi.as_view(),
        name="evaluation-label-decision",
    ),
    path("invitations/", views.InvitationCreateApi.as_view(), name="invitation-create"),
    path(
        "invitations/<str:token>/",
        views.InvitationPublicApi.as_view(),
        name="invitation-detail",
    ),
    path(
        "invitations/<str:token>/accept/",
        views.InvitationAcceptApi.as_view(),
        name="invitation-accept",
    ),
    path("legal-documents/", views.LegalDocumentListApi.as_view(), name="legal-documents"),
    path("clinics/", views.ClinicOrganizationListApi.as_view(), name="clinic-list"),
    path("doctors/register/", views.DoctorRegisterApi.as_view(), name="doctor-register"),
]
