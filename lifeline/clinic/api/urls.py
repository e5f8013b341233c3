"""REST endpoints of the clinic module (included by config/api_urls.py)."""

from django.urls import path  # noqa: F401

app_name = "clinic"

urlpatterns: list = []
