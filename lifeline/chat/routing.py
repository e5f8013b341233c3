from django.urls import path

from lifeline.chat.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/chat/", ChatConsumer.as_asgi(), name="chat-ws"),
]
