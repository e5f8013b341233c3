"""REST endpoints of the sos module (included by config/api_urls.py)."""

from django.urls import path  # noqa: F401

app_name = "sos"

urlpatterns: list = []
