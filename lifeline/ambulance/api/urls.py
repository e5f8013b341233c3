"""REST endpoints of the ambulance module, mounted at /api/v1/ambulance/."""

from django.urls import path

from lifeline.ambulance.api import staff, views

app_name = "ambulance"

urlpatterns = [
    path("calls/", views.CallListApi.as_view(), name="call-list"),
    path("intake/calls/", views.IntakeCallApi.as_view(), name="intake-call"),
    path("calls/<uuid:call_id>/", views.CallDetailApi.as_view(), name="call-detail"),
    path(
        "calls/<uuid:call_id>/suggestions/",
        views.CallSuggestionsApi.as_view(),
        name="call-suggestions",
    ),
    path("calls/<uuid:call_id>/assign/", views.CallAssignApi.as_view(), name="call-assign"),
    path("calls/<uuid:call_id>/reject/", views.CallRejectApi.as_view(), name="call-reject"),
    path("calls/<uuid:call_id>/cancel/", views.CallCancelApi.as_view(), name="call-cancel"),
    path("calls/<uuid:call_id>/advance/", views.CallAdvanceApi.as_view(), name="call-advance"),
    path(
        "calls/<uuid:call_id>/at-patient/",
        views.CallAtPatientApi.as_view(),
        name="call-at-patient",
    ),
    path("calls/<uuid:call_id>/trouble/", views.CallTroubleApi.as_view(), name="call-trouble"),
    path("teams/", views.TeamListApi.as_view(), name="team-list"),
    path("teams/<uuid:team_id>/", views.TeamDetailApi.as_view(), name="team-detail"),
    path("teams/<uuid:team_id>/shift/", views.TeamShiftApi.as_view(), name="team-shift"),
    path("teams/<uuid:team_id>/dissolve/", views.TeamDissolveApi.as_view(), name="team-dissolve"),
    path("teams/<uuid:team_id>/position/", views.TeamPositionApi.as_view(), name="team-position"),
    path("cars/", views.CarListApi.as_view(), name="car-list"),
    path("cars/<uuid:car_id>/", views.CarDetailApi.as_view(), name="car-detail"),
    path(
        "cars/<uuid:car_id>/serviceable/", views.CarServiceableApi.as_view(), name="car-serviceable"
    ),
    path("staff/", staff.StaffListApi.as_view(), name="staff-list"),
    path("staff/<uuid:user_id>/", staff.StaffDetailApi.as_view(), name="staff-detail"),
    path(
        "staff/<uuid:user_id>/deactivate/",
        staff.StaffDeactivateApi.as_view(),
        name="staff-deactivate",
    ),
    path("reports/intervals/", views.ReportIntervalsApi.as_view(), name="report-intervals"),
    path("reports/calls.csv", views.ReportCallsCsvApi.as_view(), name="report-calls-csv"),
    path("reports/calls.xlsx", views.ReportCallsXlsxApi.as_view(), name="report-calls-xlsx"),
]
