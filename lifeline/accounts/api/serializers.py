"""Input and output shapes of /api/v1/auth/."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from lifeline.accounts.models import LoginEvent, User, UserSession
from lifeline.accounts.roles import user_roles
from lifeline.accounts.selectors import user_primary_role, user_two_factor_enabled
from lifeline.core.api.serializers import ModelOutput


class UserOutput(serializers.Serializer[User]):
    """The user as every client sees it (the wearable contract's fields come first)."""

    uuid = serializers.UUIDField(source="pk")
    full_name = serializers.CharField(source="composed_full_name")
    phone_number = serializers.SerializerMethodField()
    email = serializers.EmailField(allow_null=True)
    role = serializers.SerializerMethodField()
    status = serializers.CharField()
    id = serializers.UUIDField(source="pk")
    first_name = serializers.CharField()
    middle_name = serializers.CharField()
    last_name = serializers.CharField()
    roles = serializers.SerializerMethodField()
    email_verified = serializers.SerializerMethodField()
    two_factor_enabled = serializers.SerializerMethodField()
    language = serializers.CharField()
    time_zone = serializers.CharField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone_number(self, user: User) -> str | None:
        return str(user.phone_number) if user.phone_number else None

    @extend_schema_field(
        serializers.CharField(help_text="USER, HELPER or ADMIN (the seed's role).")
    )
    def get_role(self, user: User) -> str:
        return user_primary_role(user=user)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_roles(self, user: User) -> list[str]:
        return user_roles(user=user)

    def get_email_verified(self, user: User) -> bool:
        return user.email_verified_at is not None

    def get_two_factor_enabled(self, user: User) -> bool:
        return user_two_factor_enabled(user=user)


class TokenPairOutput(serializers.Serializer[Any]):
    access = serializers.CharField()
    refresh = serializers.CharField()


class AuthOutput(serializers.Serializer[Any]):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserOutput()
    restrictions = serializers.ListField(
        child=serializers.CharField(),
        help_text="What must be fixed before other endpoints answer: "
        "`password_change`, `2fa_enrollment`.",
    )


class DetailOutput(serializers.Serializer[Any]):
    detail = serializers.CharField()


class _NamesInput(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    middle_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)


class RegisterInput(_NamesInput):
    phone_number = PhoneNumberField(required=False)
    email = serializers.EmailField(required=False, max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=512)
    password2 = serializers.CharField(write_only=True, trim_whitespace=False, max_length=512)
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES], required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        if not attrs.get("phone_number") and not attrs.get("email"):
            errors["non_field_errors"] = [_("Give a phone number or an e-mail address.")]
        if attrs["password"] != attrs["password2"]:
            errors["password2"] = [_("The two passwords do not match.")]
        if not (attrs.get("full_name") or attrs.get("first_name") or attrs.get("last_name")):
            errors["full_name"] = [_("Give your name.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class RegisterAcceptedOutput(serializers.Serializer[Any]):
    detail = serializers.CharField()
    verification_required = serializers.BooleanField()


class LoginInput(serializers.Serializer[Any]):
    email = serializers.CharField(required=False, max_length=254)
    phone_number = serializers.CharField(required=False, max_length=32)
    password = serializers.CharField(trim_whitespace=False, max_length=512)
    otp = serializers.CharField(required=False, allow_blank=True, max_length=32)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        identifier = attrs.get("email") or attrs.get("phone_number")
        if not identifier:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give an e-mail address or a phone number.")]}
            )
        attrs["identifier"] = identifier
        return attrs


class RefreshInput(serializers.Serializer[Any]):
    refresh = serializers.CharField()


class LogoutInput(serializers.Serializer[Any]):
    refresh = serializers.CharField(required=False, allow_blank=True)


class MeUpdateInput(_NamesInput):
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES], required=False
    )
    time_zone = serializers.CharField(required=False, max_length=64)

    def validate_time_zone(self, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(_("Unknown time zone."))
        return value


class PasswordChangeInput(serializers.Serializer[Any]):
    current_password = serializers.CharField(trim_whitespace=False, max_length=512)
    new_password = serializers.CharField(trim_whitespace=False, max_length=512)
    new_password2 = serializers.CharField(trim_whitespace=False, max_length=512)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["new_password"] != attrs["new_password2"]:
            raise serializers.ValidationError(
                {"new_password2": [_("The two passwords do not match.")]}
            )
        return attrs


class PasswordChangeOutput(serializers.Serializer[Any]):
    detail = serializers.CharField()
    access = serializers.CharField(required=False)
    refresh = serializers.CharField(required=False)


class PasswordResetInput(serializers.Serializer[Any]):
    email = serializers.CharField(required=False, max_length=254)
    phone_number = serializers.CharField(required=False, max_length=32)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        identifier = attrs.get("email") or attrs.get("phone_number")
        if not identifier:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give an e-mail address or a phone number.")]}
            )
        attrs["identifier"] = identifier
        return attrs


class PasswordResetConfirmInput(PasswordResetInput):
    code = serializers.CharField(max_length=16)
    new_password = serializers.CharField(trim_whitespace=False, max_length=512)
    new_password2 = serializers.CharField(trim_whitespace=False, max_length=512)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs["new_password"] != attrs["new_password2"]:
            raise serializers.ValidationError(
                {"new_password2": [_("The two passwords do not match.")]}
            )
        return attrs


class VerifyInput(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=16)
    email = serializers.EmailField(required=False, help_text="Required when not signed in.")


class VerifyResendInput(serializers.Serializer[Any]):
    email = serializers.EmailField(required=False, help_text="Required when not signed in.")


class OtpInput(serializers.Serializer[Any]):
    otp = serializers.CharField(max_length=32)


class TwoFactorDisableInput(serializers.Serializer[Any]):
    password = serializers.CharField(trim_whitespace=False, max_length=512)
    otp = serializers.CharField(max_length=32)


class TwoFactorStatusOutput(serializers.Serializer[Any]):
    enabled = serializers.BooleanField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a field, not Field.required
    backup_codes_remaining = serializers.IntegerField()


class TotpEnrollmentOutput(serializers.Serializer[Any]):
    otpauth_url = serializers.CharField()
    secret = serializers.CharField()
    qr_svg_data_uri = serializers.CharField()


class BackupCodesOutput(serializers.Serializer[Any]):
    backup_codes = serializers.ListField(child=serializers.CharField())
    access = serializers.CharField(required=False)
    refresh = serializers.CharField(required=False)


class LoginEventOutput(ModelOutput[LoginEvent]):
    class Meta:
        model = LoginEvent
        fields = ("created_at", "ip_address", "user_agent", "device_type", "channel", "result")


class LoginEventListOutput(serializers.Serializer[Any]):
    results = LoginEventOutput(many=True)


class UserSessionOutput(ModelOutput[UserSession]):
    current = serializers.SerializerMethodField()

    class Meta:
        model = UserSession
        fields = (
            "id",
            "kind",
            "ip_address",
            "user_agent",
            "device_type",
            "created_at",
            "last_seen_at",
            "current",
        )

    def get_current(self, session: UserSession) -> bool:
        return str(session.pk) == str(self.context.get("current_session_id"))


class UserSessionListOutput(serializers.Serializer[Any]):
    results = UserSessionOutput(many=True)


class UnlockOutput(serializers.Serializer[Any]):
    attempts_cleared = serializers.IntegerField()
