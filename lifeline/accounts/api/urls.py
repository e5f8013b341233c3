from django.urls import path

from lifeline.accounts.api import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.RegisterApi.as_view(), name="register"),
    path("login/", views.LoginApi.as_view(), name="login"),
    path("refresh/", views.RefreshApi.as_view(), name="token-refresh"),
    path("logout/", views.LogoutApi.as_view(), name="logout"),
    path("me/", views.MeApi.as_view(), name="me"),
    path("password/change/", views.PasswordChangeApi.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetApi.as_view(), name="password-reset"),
    path(
        "password/reset/confirm/",
        views.PasswordResetConfirmApi.as_view(),
        name="password-reset-confirm",
    ),
    path("verify/", views.VerifyApi.as_view(), name="verify"),
    path("verify/resend/", views.VerifyResendApi.as_view(), name="verify-resend"),
    path("2fa/", views.TwoFactorStatusApi.as_view(), name="2fa-status"),
    path("2fa/totp/", views.TotpEnrollStartApi.as_view(), name="2fa-totp-start"),
    path("2fa/totp/confirm/", views.TotpEnrollConfirmApi.as_view(), name="2fa-totp-confirm"),
    path("2fa/disable/", views.TwoFactorDisableApi.as_view(), name="2fa-disable"),
    path(
        "2fa/backup-codes/",
        views.BackupCodesRegenerateApi.as_view(),
        name="2fa-backup-codes-regenerate",
    ),
    path("logins/", views.LoginHistoryApi.as_view(), name="login-list"),
    path("sessions/", views.SessionListApi.as_view(), name="session-list"),
    path(
        "sessions/<uuid:session_id>/revoke/",
        views.SessionRevokeApi.as_view(),
        name="session-revoke",
    ),
    path("users/<uuid:user_id>/unlock/", views.UserUnlockApi.as_view(), name="user-unlock"),
]
