"""Web pages of the chat module (included by config/urls.py under /chat/)."""

from django.urls import path  # noqa: F401

app_name = "chat-web"

urlpatterns: list = []
