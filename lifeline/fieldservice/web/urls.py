"""Pages of the fieldservice module (included by config/urls.py under /fieldservice/)."""

from django.urls import path

from lifeline.fieldservice.web import views

app_name = "fieldservice-web"

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/new/", views.request_new, name="request-new"),
    path("requests/<uuid:request_id>/", views.request_card, name="request"),
    path("requests/<uuid:request_id>/status/", views.request_status, name="request-status"),
    path("requests/<uuid:request_id>/files/", views.request_file_upload, name="request-files"),
    path("requests/<uuid:request_id>/call/", views.request_call, name="request-call"),
    path("callbacks/<uuid:callback_id>/take/", views.callback_take, name="callback-take"),
    path("staff/", views.staff_page, name="staff"),
    path("staff/<int:staff_id>/", views.staff_edit, name="staff-edit"),
    path("calls/<uuid:call_id>/card/", views.caller_card, name="caller-card"),
    path("report/", views.report_page, name="report"),
    path("transactions/", views.transactions_page, name="transactions"),
    path(
        "transactions/<uuid:transaction_id>/files/",
        views.transaction_file_upload,
        name="transaction-files",
    ),
    path("reference/<slug:kind>/", views.reference_page, name="reference"),
    path("alerts/", views.alert_rules_page, name="alert-rules"),
    path("alerts/<int:rule_id>/", views.alert_rule_edit, name="alert-rule"),
]
