from django.urls import path

from lifeline.sos.consumers import SosEventsConsumer

websocket_urlpatterns = [
    path("ws/sos_events/", SosEventsConsumer.as_asgi(), name="sos-events"),
]
