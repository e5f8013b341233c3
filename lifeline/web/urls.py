from django.urls import path

from lifeline.web import account_views, notification_views, push_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", push_views.service_worker, name="service-worker"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", account_views.register, name="register"),
    path("verify/", account_views.verify_email, name="verify-email"),
    path("verify/resend/", account_views.verify_email_resend, name="verify-email-resend"),
    path("password/reset/", account_views.password_reset, name="password-reset"),
    path(
        "password/reset/confirm/",
        account_views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("account/password/", account_views.password_change, name="password-change"),
    path("account/profile/", account_views.profile_view, name="profile"),
    path("account/security/", account_views.security, name="security"),
    path("account/security/2fa/enrol/", account_views.two_factor_enrol, name="two-factor-enrol"),
    path(
        "account/security/2fa/confirm/",
        account_views.two_factor_confirm,
        name="two-factor-confirm",
    ),
    path(
        "account/security/2fa/backup-codes/",
        account_views.backup_codes_regenerate,
        name="backup-codes",
    ),
    path(
        "account/security/2fa/disable/", account_views.two_factor_disable, name="two-factor-disable"
    ),
    path(
        "account/sessions/<uuid:session_id>/revoke/",
        account_views.session_revoke_view,
        name="session-revoke",
    ),
    path("notifications/", notification_views.inbox, name="inbox"),
    path(
        "notifications/<uuid:notification_id>/read/",
        notification_views.notification_read,
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notification-read-all",
    ),
    path(
        "notifications/<uuid:notification_id>/archive/",
        notification_views.notification_archive,
        name="notification-archive",
    ),
    path("notifications/preferences/", notification_views.preferences, name="preferences"),
]
