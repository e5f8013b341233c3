"""REST endpoints of the chat module (included by config/api_urls.py under /api/v1/chat/)."""

from django.urls import path

from lifeline.chat.api import views

app_name = "chat"

urlpatterns = [
    path("conversations/", views.ConversationListApi.as_view(), name="conversation-list"),
    path(
        "conversations/<uuid:conversation_id>/",
        views.ConversationDetailApi.as_view(),
        name="conversation-detail",
    ),
    path(
        "conversations/<uuid:conversation_id>/messages/",
        views.MessageListApi.as_view(),
        name="message-list",
    ),
    path(
        "conversations/<uuid:conversation_id>/delivered/",
        views.ConversationDeliveredApi.as_view(),
        name="conversation-delivered",
    ),
    path(
        "conversations/<uuid:conversation_id>/read/",
        views.ConversationReadApi.as_view(),
        name="conversation-read",
    ),
    path("messages/<uuid:message_id>/", views.MessageDetailApi.as_view(), name="message-detail"),
    path("unread/", views.UnreadApi.as_view(), name="unread"),
    path("settings/", views.SettingsApi.as_view(), name="settings"),
    path("counterparts/", views.CounterpartListApi.as_view(), name="counterparts"),
]
