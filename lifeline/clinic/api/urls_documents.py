"""Clinic REST endpoints: documents part (conclusions, catalogue, articles, schedules,
analytics, FHIR export)."""

from __future__ import annotations

from django.urls import path

from lifeline.clinic.api import documents_views as views

urlpatterns = [
    path(
        "patients/<uuid:patient_id>/conclusions/",
        views.PatientConclusionListApi.as_view(),
        name="conclusion-list",
    ),
    path(
        "conclusions/<uuid:conclusion_id>/",
        views.ConclusionDetailApi.as_view(),
        name="conclusion-detail",
    ),
    path(
        "conclusions/<uuid:conclusion_id>/issue/",
        views.ConclusionIssueApi.as_view(),
        name="conclusion-issue",
    ),
    path(
        "conclusions/<uuid:conclusion_id>/amend/",
        views.ConclusionAmendApi.as_view(),
        name="conclusion-amend",
    ),
    path(
        "conclusions/<uuid:conclusion_id>/versions/<int:number>/pdf/",
        views.ConclusionPdfApi.as_view(),
        name="conclusion-pdf",
    ),
    path("catalogue/", views.CatalogueListApi.as_view(), name="catalogue-list"),
    path("catalogue/<slug:code>/", views.CatalogueItemApi.as_view(), name="catalogue-detail"),
    path("catalogue/<slug:code>/note/", views.CatalogueNoteApi.as_view(), name="catalogue-note"),
    path("articles/", views.ArticleListApi.as_view(), name="article-list"),
    path("articles/<uuid:article_id>/", views.ArticleDetailApi.as_view(), name="article-detail"),
    path(
        "articles/<uuid:article_id>/publish/",
        views.ArticlePublishApi.as_view(),
        name="article-publish",
    ),
    path(
        "articles/<uuid:article_id>/unpublish/",
        views.ArticleUnpublishApi.as_view(),
        name="article-unpublish",
    ),
    path("protocols/", views.ProtocolListApi.as_view(), name="protocol-list"),
    path("protocols/<slug:code>/", views.ProtocolDetailApi.as_view(), name="protocol-detail"),
    path(
        "protocols/<slug:code>/deactivate/",
        views.ProtocolDeactivateApi.as_view(),
        name="protocol-deactivate",
    ),
    path(
        "protocols/<slug:code>/activate/",
        views.ProtocolActivateApi.as_view(),
        name="protocol-activate",
    ),
    path("protocols/<slug:code>/copy/", views.ProtocolCopyApi.as_view(), name="protocol-copy"),
    path(
        "patients/<uuid:patient_id>/schedule/",
        views.PatientScheduleApi.as_view(),
        name="patient-schedule",
    ),
    path("follow-up-tasks/", views.FollowUpTaskListApi.as_view(), name="follow-up-task-list"),
    path(
        "follow-up-tasks/<int:task_id>/done/",
        views.FollowUpTaskDoneApi.as_view(),
        name="follow-up-task-done",
    ),
    path(
        "patients/<uuid:patient_id>/dynamics/",
        views.PatientDynamicsApi.as_view(),
        name="patient-dynamics",
    ),
    path(
        "patients/<uuid:patient_id>/dynamics/chart/",
        views.PatientDynamicsChartApi.as_view(),
        name="patient-dynamics-chart",
    ),
    path(
        "patients/<uuid:patient_id>/compare/",
        views.PatientCompareApi.as_view(),
        name="patient-compare",
    ),
    path("dashboard/", views.DashboardApi.as_view(), name="dashboard"),
    # The patient's own record (care part's territory; kept here until moved to urls_care).
    path("cohort/", views.CohortApi.as_view(), name="cohort"),
    path("cohort/export/", views.CohortExportApi.as_view(), name="cohort-export"),
    path(
        "patients/<uuid:patient_id>/fhir/",
        views.PatientFhirExportApi.as_view(),
        name="patient-fhir",
    ),
]
