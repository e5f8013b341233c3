"""REST endpoints of the chat module (included by config/api_urls.py)."""

from django.urls import path  # noqa: F401

app_name = "chat"

urlpatterns: list = []
