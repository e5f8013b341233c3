"""Web pages of the sos module (included by config/urls.py under /sos/)."""

from django.urls import path  # noqa: F401

app_name = "sos-web"

urlpatterns: list = []
