from django.urls import path

from lifeline.ambulance.consumers import CrewConsumer, DispatchConsumer

websocket_urlpatterns = [
    path("ws/dispatch/", DispatchConsumer.as_asgi(), name="ambulance-dispatch"),
    path("ws/crew/", CrewConsumer.as_asgi(), name="ambulance-crew"),
]
