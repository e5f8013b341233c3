"""Web pages of the clinic module (included by config/urls.py under /clinic/)."""

from django.urls import path  # noqa: F401

app_name = "clinic-web"

urlpatterns: list = []
