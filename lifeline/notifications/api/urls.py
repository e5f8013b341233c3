from django.urls import path

from lifeline.notifications.api import views

app_name = "notifications"

# The inbox is the module's root resource: /api/v1/notifications/ (not .../notifications/
# notifications/, the doubled prefix of the reference platform).
urlpatterns = [
    path("", views.NotificationListApi.as_view(), name="notification-list"),
    path(
        "unread-count/",
        views.NotificationUnreadCountApi.as_view(),
        name="notification-unread-count",
    ),
    path(
        "read-all/",
        views.NotificationReadAllApi.as_view(),
        name="notification-read-all",
    ),
    path(
        "<uuid:notification_id>/read/",
        views.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    path(
        "<uuid:notification_id>/archive/",
        views.NotificationArchiveApi.as_view(),
        name="notification-archive",
    ),
    path("preferences/", views.PreferencesApi.as_view(), name="preference-detail"),
    path("devices/", views.DeviceListApi.as_view(), name="device-list"),
    path("devices/<uuid:device_id>/", views.DeviceDeleteApi.as_view(), name="device-delete"),
    path(
        "webpush/vapid-public-key/",
        views.WebPushVapidPublicKeyApi.as_view(),
        name="webpush-vapid-public-key",
    ),
]
