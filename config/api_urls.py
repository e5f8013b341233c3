"""/api/v1/: one include per app's api/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("lifeline.accounts.api.urls")),
    path("access/", include("lifeline.access.api.urls")),
    path("audit/", include("lifeline.audit.api.urls")),
    path("notifications/", include("lifeline.notifications.api.urls")),
    path("files/", include("lifeline.files.api.urls")),
]
