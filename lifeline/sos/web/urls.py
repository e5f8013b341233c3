"""Web pages of the sos module (included by config/urls.py under /sos/, namespace `sos-web`)."""

from django.urls import path

from lifeline.sos.web import views

app_name = "sos-web"

urlpatterns = [
    path("", views.home, name="home"),
    path("devices/add/", views.device_add, name="device-add"),
    path("devices/<str:device_uid>/token/", views.device_token, name="device-token"),
    path("devices/<str:device_uid>/trigger/", views.trigger, name="trigger"),
    path("contacts/add/", views.contact_add, name="contact-add"),
    path("contacts/<int:contact_id>/delete/", views.contact_delete, name="contact-delete"),
    path("profile/", views.profile_update, name="profile-update"),
    path("helper/", views.helper, name="helper"),
    path("helper/update/", views.helper_update, name="helper-update"),
    path("events/<uuid:event_uid>/", views.event, name="event"),
    path("events/<uuid:event_uid>/<slug:action>/", views.event_action, name="event-action"),
    path("admin/map/", views.live_map, name="map"),
    path("admin/statistics/", views.statistics, name="statistics"),
]
