"""Clinic REST endpoints: engine part (stateless evaluation and instrument definitions)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from lifeline.clinic.api import engine_views as views

urlpatterns: list[Any] = [
    path("evaluate/", views.EvaluateApi.as_view(), name="evaluate"),
    path("instruments/", views.InstrumentListApi.as_view(), name="instrument-list"),
    path(
        "instruments/<slug:instrument>/",
        views.InstrumentDetailApi.as_view(),
        name="instrument-detail",
    ),
]
