"""REST endpoints of the clinic (included by config/api_urls.py under /api/v1/clinic/), one
views module per entity."""

from __future__ import annotations

from typing import Any

from django.urls import path

from lifeline.clinic.api import (
    analytics,
    assessments,
    catalogue,
    conclusions,
    engine,
    patients,
    protocols,
    registration,
)

app_name = "clinic"

urlpatterns: list[Any] = [
    path("evaluate/", engine.EvaluateApi.as_view(), name="evaluate"),
    path("instruments/", engine.InstrumentListApi.as_view(), name="instrument-list"),
    path(
        "instruments/<slug:instrument>/",
        engine.InstrumentDetailApi.as_view(),
        name="instrument-detail",
    ),
    path("me/record/", patients.MyRecordApi.as_view(), name="my-record"),
    path("patients/", patients.PatientListApi.as_view(), name="patient-list"),
    path("patients/<uuid:patient_id>/", patients.PatientDetailApi.as_view(), name="patient-detail"),
    path(
        "patients/<uuid:patient_id>/archive/",
        patients.PatientArchiveApi.as_view(),
        name="patient-archive",
    ),
    path(
        "patients/<uuid:patient_id>/restore/",
        patients.PatientRestoreApi.as_view(),
        name="patient-restore",
    ),
    path(
        "patients/<uuid:patient_id>/care-team/",
        patients.CareTeamApi.as_view(),
        name="patient-care-team",
    ),
    path(
        "patients/<uuid:patient_id>/care-team/<uuid:doctor_id>/",
        patients.CareTeamMemberApi.as_view(),
        name="patient-care-team-member",
    ),
    path(
        "patients/<uuid:patient_id>/assessments/",
        assessments.PatientAssessmentListApi.as_view(),
        name="patient-assessments",
    ),
    path(
        "assessments/<uuid:assessment_id>/",
        assessments.AssessmentDetailApi.as_view(),
        name="assessment-detail",
    ),
    path(
        "assessments/<uuid:assessment_id>/submit/",
        assessments.AssessmentSubmitApi.as_view(),
        name="assessment-submit",
    ),
    path(
        "evaluations/<uuid:evaluation_id>/",
        assessments.EvaluationDetailApi.as_view(),
        name="evaluation-detail",
    ),
    path(
        "evaluations/<uuid:evaluation_id>/decisions/",
        assessments.EvaluationDecisionApi.as_view(),
        name="evaluation-decisions",
    ),
    path(
        "evaluations/<uuid:evaluation_id>/labels/<str:code>/decision/",
        assessments.EvaluationLabelDecisionApi.as_view(),
        name="evaluation-label-decision",
    ),
    path("invitations/", registration.InvitationCreateApi.as_view(), name="invitation-create"),
    path(
        "invitations/<str:token>/",
        registration.InvitationPublicApi.as_view(),
        name="invitation-detail",
    ),
    path(
        "invitations/<str:token>/accept/",
        registration.InvitationAcceptApi.as_view(),
        name="invitation-accept",
    ),
    path("legal-documents/", registration.LegalDocumentListApi.as_view(), name="legal-documents"),
    path("clinics/", registration.ClinicOrganizationListApi.as_view(), name="clinic-list"),
    path("doctors/register/", registration.DoctorRegisterApi.as_view(), name="doctor-register"),
    path(
        "patients/<uuid:patient_id>/conclusions/",
        conclusions.PatientConclusionListApi.as_view(),
        name="conclusion-list",
    ),
    path(
        "conclusions/<uuid:conclusion_id>/",
        conclusions.ConclusionDetailApi.as_view(),
        name="conclusion-detail",
    ),
    path(
        "conclusions/<uuid:conclusion_id>/issue/",
        conclusions.ConclusionIssueApi.as_view(),
        name="conclusion-issue",
    ),
    path(
        "conclusions/<uuid:conclusion_id>/amend/",
        conclusions.ConclusionAmendApi.as_view(),
        name="conclusion-amend",
    ),
    path(
        "conclusions/<uuid:conclusion_id>/versions/<int:number>/pdf/",
        conclusions.ConclusionPdfApi.as_view(),
        name="conclusion-pdf",
    ),
    path("catalogue/", catalogue.CatalogueListApi.as_view(), name="catalogue-list"),
    path("catalogue/<slug:code>/", catalogue.CatalogueItemApi.as_view(), name="catalogue-detail"),
    path(
        "catalogue/<slug:code>/note/", catalogue.CatalogueNoteApi.as_view(), name="catalogue-note"
    ),
    path("articles/", catalogue.ArticleListApi.as_view(), name="article-list"),
    path(
        "articles/<uuid:article_id>/", catalogue.ArticleDetailApi.as_view(), name="article-detail"
    ),
    path(
        "articles/<uuid:article_id>/publish/",
        catalogue.ArticlePublishApi.as_view(),
        name="article-publish",
    ),
    path(
        "articles/<uuid:article_id>/unpublish/",
        catalogue.ArticleUnpublishApi.as_view(),
        name="article-unpublish",
    ),
    path("protocols/", protocols.ProtocolListApi.as_view(), name="protocol-list"),
    path("protocols/<slug:code>/", protocols.ProtocolDetailApi.as_view(), name="protocol-detail"),
    path(
        "protocols/<slug:code>/deactivate/",
        protocols.ProtocolDeactivateApi.as_view(),
        name="protocol-deactivate",
    ),
    path(
        "protocols/<slug:code>/activate/",
        protocols.ProtocolActivateApi.as_view(),
        name="protocol-activate",
    ),
    path("protocols/<slug:code>/copy/", protocols.ProtocolCopyApi.as_view(), name="protocol-copy"),
    path(
        "patients/<uuid:patient_id>/schedule/",
        protocols.PatientScheduleApi.as_view(),
        name="patient-schedule",
    ),
    path("follow-up-tasks/", protocols.FollowUpTaskListApi.as_view(), name="follow-up-task-list"),
    path(
        "follow-up-tasks/<int:task_id>/done/",
        protocols.FollowUpTaskDoneApi.as_view(),
        name="follow-up-task-done",
    ),
    path(
        "patients/<uuid:patient_id>/dynamics/",
        analytics.PatientDynamicsApi.as_view(),
        name="patient-dynamics",
    ),
    path(
        "patients/<uuid:patient_id>/dynamics/chart/",
        analytics.PatientDynamicsChartApi.as_view(),
        name="patient-dynamics-chart",
    ),
    path(
        "patients/<uuid:patient_id>/compare/",
        analytics.PatientCompareApi.as_view(),
        name="patient-compare",
    ),
    path("dashboard/", analytics.DashboardApi.as_view(), name="dashboard"),
    path("cohort/", analytics.CohortApi.as_view(), name="cohort"),
    path("cohort/export/", analytics.CohortExportApi.as_view(), name="cohort-export"),
    path(
        "patients/<uuid:patient_id>/fhir/",
        analytics.PatientFhirExportApi.as_view(),
        name="patient-fhir",
    ),
]
