"""Clinic web pages: documents part."""

from __future__ import annotations

from typing import Any

from django.urls import path

from lifeline.clinic.views import documents_pages as pages

urlpatterns: list[Any] = [
    path(
        "patients/<uuid:patient_id>/conclusions/",
        pages.conclusion_list,
        name="conclusion-list",
    ),
    path(
        "patients/<uuid:patient_id>/conclusions/new/",
        pages.conclusion_new,
        name="conclusion-new",
    ),
    path("conclusions/<uuid:conclusion_id>/", pages.conclusion_detail, name="conclusion-detail"),
    path(
        "conclusions/<uuid:conclusion_id>/versions/<int:number>/pdf/",
        pages.conclusion_pdf,
        name="conclusion-pdf",
    ),
    path("catalogue/", pages.catalogue, name="catalogue"),
    path("articles/", pages.article_list, name="article-list"),
    path("articles/new/", pages.article_edit, name="article-new"),
    path("articles/<uuid:article_id>/", pages.article_detail, name="article-detail"),
    path("articles/<uuid:article_id>/edit/", pages.article_edit, name="article-edit"),
    path("patients/<uuid:patient_id>/dynamics/", pages.dynamics, name="patient-dynamics"),
    path("dashboard/", pages.dashboard, name="dashboard"),
    path(
        "follow-up-tasks/<int:task_id>/done/",
        pages.follow_up_task_done,
        name="follow-up-task-done",
    ),
    path("protocols/", pages.protocol_list, name="protocol-list"),
    path("protocols/new/", pages.protocol_edit, name="protocol-new"),
    path("protocols/<slug:code>/", pages.protocol_edit, name="protocol-edit"),
    path("cohort/", pages.cohort, name="cohort"),
    path("cohort/export/", pages.cohort_export, name="cohort-export"),
]
