"""Web pages of the ambulance module (included by config/urls.py under /ambulance/)."""

from django.urls import path

from lifeline.ambulance.web import area, reports, staff, views

app_name = "ambulance-web"

urlpatterns = [
    path("", views.home, name="home"),
    path("console/", views.console, name="console"),
    path("calls/new/", views.call_create, name="call-create"),
    path("calls/<uuid:call_id>/", views.call_card, name="call"),
    path("calls/<uuid:call_id>/<slug:action>/", views.call_action, name="call-action"),
    path("crew/", views.crew, name="crew"),
    path("crew/position/", views.crew_position, name="crew-position"),
    path("fleet/", views.fleet, name="fleet"),
    path("fleet/cars/", views.car_add, name="car-add"),
    path("fleet/cars/<uuid:car_id>/<slug:action>/", views.car_action, name="car-action"),
    path("fleet/teams/", views.team_add, name="team-add"),
    path("fleet/teams/<uuid:team_id>/<slug:action>/", views.team_action, name="team-action"),
    path("fleet/area/", area.service_area, name="service-area"),
    path("staff/", staff.staff_list, name="staff"),
    path("staff/new/", staff.staff_add, name="staff-add"),
    path("staff/<uuid:user_id>/", staff.staff_edit, name="staff-edit"),
    path("staff/<uuid:user_id>/deactivate/", staff.staff_deactivate, name="staff-deactivate"),
    path("fleet/intake-keys/", views.intake_key_add, name="intake-key-add"),
    path(
        "fleet/intake-keys/<int:key_id>/revoke/",
        views.intake_key_revoke,
        name="intake-key-revoke",
    ),
]

urlpatterns += [
    path("reports/", reports.report, name="reports"),
]
