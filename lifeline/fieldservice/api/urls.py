"""REST endpoints of the fieldservice module, mounted at /api/v1/fieldservice/."""

from django.urls import path

from lifeline.fieldservice.api import views, webhooks

app_name = "fieldservice"

urlpatterns = [
    path("requests/", views.RequestListApi.as_view(), name="request-list"),
    path("requests/<uuid:request_id>/", views.RequestDetailApi.as_view(), name="request-detail"),
    path(
        "requests/<uuid:request_id>/status/",
        views.RequestStatusApi.as_view(),
        name="request-status",
    ),
    path(
        "requests/<uuid:request_id>/files/",
        views.RequestFileListApi.as_view(),
        name="request-files",
    ),
    path("requests/<uuid:request_id>/call/", views.RequestCallApi.as_view(), name="request-call"),
    path("cities/", views.CityListApi.as_view(), name="city-list"),
    path("cities/<int:pk>/", views.CityDetailApi.as_view(), name="city-detail"),
    path("request-types/", views.RequestTypeListApi.as_view(), name="requesttype-list"),
    path(
        "request-types/<int:pk>/", views.RequestTypeDetailApi.as_view(), name="requesttype-detail"
    ),
    path("directions/", views.DirectionListApi.as_view(), name="direction-list"),
    path("directions/<int:pk>/", views.DirectionDetailApi.as_view(), name="direction-detail"),
    path("campaigns/", views.CampaignListApi.as_view(), name="campaign-list"),
    path("campaigns/<int:pk>/", views.CampaignDetailApi.as_view(), name="campaign-detail"),
    path("transaction-types/", views.TransactionTypeListApi.as_view(), name="transactiontype-list"),
    path(
        "transaction-types/<int:pk>/",
        views.TransactionTypeDetailApi.as_view(),
        name="transactiontype-detail",
    ),
    path("transactions/", views.TransactionListApi.as_view(), name="transaction-list"),
    path(
        "transactions/<uuid:transaction_id>/files/",
        views.TransactionFileListApi.as_view(),
        name="transaction-files",
    ),
    path("callbacks/", views.CallbackListApi.as_view(), name="callback-list"),
    path(
        "callbacks/<uuid:callback_id>/take/", views.CallbackTakeApi.as_view(), name="callback-take"
    ),
    path("calls/<uuid:call_id>/card/", views.CallerCardApi.as_view(), name="caller-card"),
    path("staff/", views.StaffListApi.as_view(), name="staff-list"),
    path("staff/<int:staff_id>/", views.StaffDetailApi.as_view(), name="staff-detail"),
    path("staff/<int:staff_id>/password/", views.StaffPasswordApi.as_view(), name="staff-password"),
    path("alert-rules/", views.AlertRuleListApi.as_view(), name="alertrule-list"),
    path("alert-rules/<int:pk>/", views.AlertRuleDetailApi.as_view(), name="alertrule-detail"),
    path("reports/callcentre/", views.CallCentreReportApi.as_view(), name="report-callcentre"),
    path("reports/masters/", views.MastersReportApi.as_view(), name="report-masters"),
    path("mango/ping", webhooks.MangoPingApi.as_view(), name="mango-ping"),
    path(
        "mango/events/call",
        webhooks.MangoWebhookApi.as_view(event_path="events/call"),
        name="mango-call",
    ),
    path(
        "mango/events/summary",
        webhooks.MangoWebhookApi.as_view(event_path="events/summary"),
        name="mango-summary",
    ),
    path(
        "mango/events/recording",
        webhooks.MangoWebhookApi.as_view(event_path="events/recording"),
        name="mango-recording",
    ),
    path(
        "mango/<path:event_path>",
        webhooks.MangoWebhookApi.as_view(),
        name="mango-other",
    ),
]
