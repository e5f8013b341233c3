"""Web pages of the content module (config/urls.py mounts them under /channels/,
namespace `content-web`)."""

from django.urls import path

from lifeline.content.web import views

app_name = "content-web"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.channel_new, name="channel-new"),
    path("read/", views.mark_all_read, name="read-all"),
    path("moderation/", views.moderation, name="moderation"),
    path("posts/<uuid:post_id>/", views.post, name="post"),
    path("posts/<uuid:post_id>/edit/", views.post_edit, name="post-edit"),
    path("posts/<uuid:post_id>/comments/", views.comment_new, name="comment-new"),
    path("posts/<uuid:post_id>/<slug:action>/", views.post_action, name="post-action"),
    path("comments/<int:comment_id>/<slug:action>/", views.comment_action, name="comment-action"),
    path("flag/<slug:kind>/<str:object_id>/", views.flag, name="flag"),
    path("images/<uuid:image_id>/", views.image, name="image"),
    path("c/<slug:slug>/", views.channel, name="channel"),
    path("c/<slug:slug>/avatar/", views.avatar, name="avatar"),
    path("c/<slug:slug>/avatar/edit/", views.avatar_edit, name="avatar-edit"),
    path("c/<slug:slug>/notifications/", views.notification_level, name="notifications"),
    path("c/<slug:slug>/join/", views.channel_join, name="join"),
    path("c/<slug:slug>/leave/", views.channel_leave, name="leave"),
    path("c/<slug:slug>/delete/", views.channel_delete, name="delete"),
    path("c/<slug:slug>/settings/", views.channel_settings, name="settings"),
    path("c/<slug:slug>/posts/new/", views.post_new, name="post-new"),
    path(
        "c/<slug:slug>/members/<uuid:user_id>/<slug:action>/",
        views.member_action,
        name="member-action",
    ),
]
