"""Web pages of the chat module (included by config/urls.py under /chat/)."""

from django.urls import path

from lifeline.chat import views

app_name = "chat-web"

urlpatterns = [
    path("", views.home, name="home"),
    path("panel/<uuid:conversation_id>/", views.panel, name="panel"),
    path("open/", views.open_conversation, name="open"),
]
