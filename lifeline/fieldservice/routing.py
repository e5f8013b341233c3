from django.urls import path

from lifeline.fieldservice.consumers import CallCentreConsumer

websocket_urlpatterns = [
    path("ws/callcentre/", CallCentreConsumer.as_asgi(), name="fieldservice-callcentre"),
]
