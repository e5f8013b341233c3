"""REST endpoints of the sos module, mounted at /api/v1/ (the seed owns devices/ and sos/)."""

from django.urls import path

from lifeline.sos.api import views

app_name = "sos"

urlpatterns = [
    path("devices/", views.DeviceListApi.as_view(), name="device-list"),
    path("devices/<str:device_uid>/", views.DeviceDetailApi.as_view(), name="device-detail"),
    path("devices/<str:device_uid>/status/", views.DeviceStatusApi.as_view(), name="device-status"),
    path(
        "devices/<str:device_uid>/location/",
        views.DeviceLocationApi.as_view(),
        name="device-location",
    ),
    path("devices/<str:device_uid>/token/", views.DeviceTokenApi.as_view(), name="device-token"),
    path("osmand/", views.OsmAndApi.as_view(), name="osmand"),
    path("sos/", views.EventListApi.as_view(), name="event-list"),
    path("sos/trigger/", views.TriggerApi.as_view(), name="trigger"),
    path("sos/helper/", views.HelperProfileApi.as_view(), name="helper-profile"),
    path("sos/alerts/", views.HelperAlertListApi.as_view(), name="helper-alerts"),
    path("sos/contacts/", views.ContactListApi.as_view(), name="contact-list"),
    path("sos/contacts/<int:contact_id>/", views.ContactDetailApi.as_view(), name="contact-detail"),
    path("sos/profile/", views.WearerProfileApi.as_view(), name="wearer-profile"),
    path("sos/<uuid:event_uid>/", views.EventDetailApi.as_view(), name="event-detail"),
    path("sos/<uuid:event_uid>/timeline/", views.EventTimelineApi.as_view(), name="event-timeline"),
    path("sos/<uuid:event_uid>/respond/", views.EventRespondApi.as_view(), name="event-respond"),
    path("sos/<uuid:event_uid>/accept/", views.EventAcceptApi.as_view(), name="event-accept"),
    path("sos/<uuid:event_uid>/decline/", views.EventDeclineApi.as_view(), name="event-decline"),
    path("sos/<uuid:event_uid>/withdraw/", views.EventWithdrawApi.as_view(), name="event-withdraw"),
    path("sos/<uuid:event_uid>/cancel/", views.EventCancelApi.as_view(), name="event-cancel"),
    path("sos/<uuid:event_uid>/resolve/", views.EventResolveApi.as_view(), name="event-resolve"),
    path("sos/<uuid:event_uid>/escalate/", views.EventEscalateApi.as_view(), name="event-escalate"),
]
