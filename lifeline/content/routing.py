from django.urls import path

from lifeline.content.consumers import ChannelPostsConsumer, PostThreadConsumer

websocket_urlpatterns = [
    path(
        "ws/content/posts/<uuid:post_id>/",
        PostThreadConsumer.as_asgi(),
        name="content-post-thread",
    ),
    path(
        "ws/content/channels/<slug:slug>/",
        ChannelPostsConsumer.as_asgi(),
        name="content-channel-posts",
    ),
]
