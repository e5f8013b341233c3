from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.apps import apps as django_apps
from django.contrib import admin
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_static import admin as otp_static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_simplejwt.token_blacklist import admin as token_admin
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from lifeline.accounts.models import LoginEvent, User, UserSession
from lifeline.core.admin_labels import column, titled

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "phone_number", "full_name", "status", "is_staff", "date_joined")
    list_filter = ("status", "is_staff", "is_demo")
    search_fields = ("email", "phone_number", "full_name", "last_name")
    ordering = ("-date_joined",)
    readonly_fields = ("id", "password", "last_login", "date_joined", "password_changed_at")
    exclude = ("groups", "user_permissions")


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "result", "channel", "ip_address", "device_type")
    list_filter = ("result", "channel")
    list_select_related = ("user",)
    readonly_fields = ("user", "created_at", "ip_address", "user_agent", "device_type", "channel")


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "created_at", "last_seen_at", "revoked_at", "ip_address")
    list_filter = ("kind",)
    list_select_related = ("user",)
    exclude = ("session_key", "refresh_jti")


# --- third-party models a platform administrator sees (issue 14) ---------------------------
# django-otp and Simple JWT label their models, fields and apps in English literals (django-otp
# ships no Russian at all), and Axes names its status column after a method. Their admins are
# registered again with our labels; the model and app names are set on the running models only
# (`_meta.original_attrs`, which migrations read, is untouched), so no migration changes.
# Axes' own translatable strings that its Russian catalogue leaves English are in ours:
THIRD_PARTY_MSGIDS = (gettext_noop("User Agent"), gettext_noop("Locked Out"))

THIRD_PARTY_NAMES: dict[type[Model], tuple[_StrPromise, _StrPromise]] = {
    TOTPDevice: (_("authenticator app"), _("authenticator apps")),
    StaticDevice: (_("backup code set"), _("backup code sets")),
    OutstandingToken: (_("issued API token"), _("issued API tokens")),
    BlacklistedToken: (_("revoked API token"), _("revoked API tokens")),
}
THIRD_PARTY_APPS = {
    "otp_totp": _("Two-step sign-in: authenticator apps"),
    "otp_static": _("Two-step sign-in: backup codes"),
    "token_blacklist": _("API tokens"),
    "axes": _("Sign-in attempts by address"),
}


def _name_third_party_models() -> None:
    for model, (singular, plural) in THIRD_PARTY_NAMES.items():
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
    for label, name in THIRD_PARTY_APPS.items():
        if django_apps.is_installed(django_apps.get_app_config(label).name):
            django_apps.get_app_config(label).verbose_name = name


_DEVICE_COLUMNS = (
    column("user", _("user"), ordering="user"),
    column("name", _("name")),
    column("created_at", _("created")),
    column("last_used_at", _("last used at")),
    column("confirmed", _("confirmed"), boolean=True),
)
_DEVICE_FILTERS = (
    ("created_at", titled(_("created"))),
    ("last_used_at", titled(_("last used at"))),
    ("confirmed", titled(_("confirmed"))),
)


class TOTPDeviceAdmin(otp_totp_admin.TOTPDeviceAdmin):
    list_display = _DEVICE_COLUMNS  # type: ignore[assignment]
    list_filter = _DEVICE_FILTERS  # type: ignore[assignment]
    list_select_related = ("user",)

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device: TOTPDevice) -> Any:
        return super().qrcode_link(device)


class StaticDeviceAdmin(otp_static_admin.StaticDeviceAdmin):
    list_display = _DEVICE_COLUMNS  # type: ignore[assignment]
    list_filter = _DEVICE_FILTERS  # type: ignore[assignment]
    list_select_related = ("user",)


class OutstandingTokenAdmin(token_admin.OutstandingTokenAdmin):
    list_display = (  # type: ignore[assignment]
        column("jti", _("token ID")),
        column("user", _("user"), ordering="user"),
        column("created_at", _("created")),
        column("expires_at", _("expires at")),
    )


class BlacklistedTokenAdmin(token_admin.BlacklistedTokenAdmin):
    list_display = (  # type: ignore[assignment]
        column("token.jti", _("token ID")),
        column("token.user", _("user")),
        column("token.created_at", _("created")),
        column("token.expires_at", _("expires at")),
        column("blacklisted_at", _("revoked at")),
    )


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.display(description=_("status"))
    def status(self, obj: Any) -> Any:
        return super().status(obj)


for _model, _admin_class in (
    (TOTPDevice, TOTPDeviceAdmin),
    (StaticDevice, StaticDeviceAdmin),
    (OutstandingToken, OutstandingTokenAdmin),
    (BlacklistedToken, BlacklistedTokenAdmin),
    (AccessAttempt, AccessAttemptAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, _admin_class)
_name_third_party_models()
