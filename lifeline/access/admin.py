"""Organizations and memberships in the Django admin; every change goes through the services.

Memberships are granted on the add form and approved or revoked with list actions; they are
never edited or deleted in place, so every change is audited like the API's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lifeline.access import services
from lifeline.access.models import Membership, Organization
from lifeline.access.permissions import can_grant_role, is_platform_admin
from lifeline.core.admin_labels import column
from lifeline.core.exceptions import DomainError


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "slug",
        "is_active",
        "is_demo",
        column("created_at", _("created")),
    )
    list_filter = ("kind", "is_active", "is_demo")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: memberships and audit refer to it

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        services.organization_save(actor=request.user, organization=obj, request=request)


class MembershipAddForm(forms.ModelForm):
    request: HttpRequest | None = None

    class Meta:
        model = Membership
        fields = ("user", "organization", "role")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organization, role = cleaned.get("organization"), cleaned.get("role")
        user = cleaned.get("user")
        if self.request is None or organization is None or not role or user is None:
            return cleaned
        if not can_grant_role(self.request.user, organization, role):
            raise forms.ValidationError(_("You may not grant this role in this organization."))
        try:
            services.membership_grant_check(
                actor=self.request.user,
                organization=organization,
                user=user,
                role=role,
            )
        except DomainError as exc:
            raise forms.ValidationError(
                [m for ms in (exc.errors or {}).values() for m in ms] or exc.detail
            ) from exc
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "is_active", "approved_at", "revoked_at")
    list_filter = ("role", "is_active", "organization__kind")
    search_fields = ("user__email", "user__full_name", "organization__name")
    list_select_related = ("user", "organization")
    raw_id_fields = ("user",)
    autocomplete_fields = ("organization",)
    actions = ("approve_selected", "revoke_selected")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        if obj is None:
            kwargs["form"] = MembershipAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["user", "organization", "role", "is_active", "approved_at", "revoked_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead, so the change is audited and the row kept

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            return  # nothing is editable on the change form
        granted = services.membership_grant(
            actor=request.user,
            organization=obj.organization,
            user=obj.user,
            role=obj.role,
            request=request,
        )
        obj.pk = granted.pk
        obj._state.adding = False

    def _apply(self, request: HttpRequest, queryset: QuerySet[Membership], service: Any) -> None:
        done = 0
        for membership in queryset.select_related("organization"):
            try:
                service(actor=request.user, membership=membership, request=request)
            except DomainError as exc:
                self.message_user(request, f"{membership}: {exc.detail}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, gettext("%(count)d membership(s) updated.") % {"count": done})

    @admin.action(description=_("Approve selected memberships"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._apply(request, queryset, services.membership_approve)

    @admin.action(description=_("Revoke selected memberships"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._apply(request, queryset, services.membership_revoke)
