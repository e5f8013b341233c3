"""/api/v1/: one include per app's api/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("lifeline.accounts.api.urls")),
    path("access/", include("lifeline.access.api.urls")),
    path("audit/", include("lifeline.audit.api.urls")),
    path("notifications/", include("lifeline.notifications.api.urls")),
    path("files/", include("lifeline.files.api.urls")),
    path("clinic/", include("lifeline.clinic.api.urls")),
    path("chat/", include("lifeline.chat.api.urls")),
    path("ambulance/", include("lifeline.ambulance.api.urls")),
    path("freelance/", include("lifeline.freelance.api.urls")),
    path("fieldservice/", include("lifeline.fieldservice.api.urls")),
    path("market/", include("lifeline.market.api.urls")),
    path("content/", include("lifeline.content.api.urls")),
    # The SOS mobile contract owns top-level paths: devices/, sos/ (seed 001).
    path("", include("lifeline.sos.api.urls")),
]
