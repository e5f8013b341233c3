"""Forms of the web shell. They validate shape only; the accounts and notifications services
decide everything else (password policy, codes, lockout) and their errors are put back on
the form with `add_service_errors`."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lifeline.core.exceptions import DomainError

NEW_PASSWORD_HELP = _(
    "At least 12 characters with an upper-case letter, a lower-case letter, a digit and a "
    "special character. Not one of your last 5 passwords."
)


def _new_password_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def add_service_errors(form: forms.Form, exc: DomainError) -> None:
    """Show a service refusal on the form: field errors on their fields, the rest on top."""
    if exc.errors:
        for field, messages in exc.errors.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        form.add_error(None, exc.detail)


class _PasswordPairMixin(forms.Form):
    new_password_field = "new_password"
    new_password2_field = "new_password2"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first = cleaned.get(self.new_password_field)
        second = cleaned.get(self.new_password2_field)
        if first and second and first != second:
            self.add_error(self.new_password2_field, _("The two passwords do not match."))
        return cleaned


class RegisterForm(_PasswordPairMixin):
    new_password_field = "password"
    new_password2_field = "password2"

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = _new_password_field(_("Password"))
    password2 = _new_password_field(_("Repeat the password"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = NEW_PASSWORD_HELP


class VerifyEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    code = forms.CharField(
        label=_("6-digit code from the e-mail"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ResendCodeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class PasswordResetConfirmForm(_PasswordPairMixin):
    identifier = forms.CharField(
        label=_("E-mail or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    code = forms.CharField(
        label=_("6-digit code from the e-mail"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    new_password = _new_password_field(_("New password"))
    new_password2 = _new_password_field(_("Repeat the new password"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = NEW_PASSWORD_HELP


class PasswordChangeForm(_PasswordPairMixin):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password = _new_password_field(_("New password"))
    new_password2 = _new_password_field(_("Repeat the new password"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = NEW_PASSWORD_HELP


@cache
def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    middle_name = forms.CharField(
        label=_("Middle name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "additional-name"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f) for f in ("full_name", "first_name", "last_name")):
            self.add_error("full_name", _("Give your name."))
        return cleaned


class OtpCodeForm(forms.Form):
    otp = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class BackupCodesForm(forms.Form):
    otp = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class TwoFactorDisableForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class QuietHoursForm(forms.Form):
    quiet_enabled = forms.BooleanField(
        label=_("Hold push and SMS during quiet hours"), required=False
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours end"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
