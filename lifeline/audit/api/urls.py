from django.urls import path

from lifeline.audit.api import views

app_name = "audit"

urlpatterns = [
    path("events/", views.AuditEventListApi.as_view(), name="event-list"),
]
