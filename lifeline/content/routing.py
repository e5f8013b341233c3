from django.urls import path

from lifeline.content.consumers import PostThreadConsumer

websocket_urlpatterns = [
    path(
        "ws/content/posts/<uuid:post_id>/",
        PostThreadConsumer.as_asgi(),
        name="content-post-thread",
    ),
]
