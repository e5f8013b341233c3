"""/api/v1/: one include per app's api/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("lifeline.accounts.api.urls")),
]
