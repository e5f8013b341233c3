from __future__ import annotations

from django.contrib import admin

from lifeline.accounts.models import LoginEvent, User, UserSession


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
