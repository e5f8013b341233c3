"""Two-factor authentication: TOTP enrolment (django-otp) and single-use backup codes.

A user has 2FA when they own a confirmed TOTPDevice. Backup codes live in one confirmed
StaticDevice named "backup"; they are shown once, when generated.
"""

from __future__ import annotations

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifeline.accounts.exceptions import (
    OtpInvalid,
    PasswordIncorrect,
    TwoFactorAlreadyEnabled,
    TwoFactorEnrollmentNotStarted,
    TwoFactorNotEnabled,
    TwoFactorRequired,
)
from lifeline.accounts.models import User
from lifeline.accounts.selectors import user_two_factor_enabled, user_two_factor_required
from lifeline.accounts.totp import TotpEnrollment, totp_enrollment_of
from lifeline.audit import services as audit

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "backup"
TOTP_DEVICE_NAME = "authenticator"


def otp_verify(*, user: User, otp: str) -> Device | None:
    """Return the confirmed device that accepts `otp` (TOTP or a backup code), else None.

    django-otp throttles each device after failures and refuses replays of a TOTP step; a
    backup code is deleted when used. Failures are committed (no surrounding transaction
    should roll them back).
    """
    token = "".join(otp.split()).lower()
    if not token:
        return None
    with transaction.atomic():
        devices: list[Device]
        if token.isdigit():
            devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
        else:
            devices = list(
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
            )
        for device in devices:
            if device.verify_token(token):
                return device
    return None


@transaction.atomic
def totp_enroll_start(*, user: User) -> TotpEnrollment:
    """Create a fresh unconfirmed TOTP device (replacing an earlier unfinished one)."""
    if user_two_factor_enabled(user=user):
        raise TwoFactorAlreadyEnabled()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return totp_enrollment_of(device)


def _backup_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def totp_enroll_confirm(*, user: User, otp: str) -> list[str]:
    """Confirm the pending device with its first valid code; return 10 new backup codes."""
    if user_two_factor_enabled(user=user):
        raise TwoFactorAlreadyEnabled()
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        verified = device is not None and device.verify_token("".join(otp.split()))
    if device is None:
        raise TwoFactorEnrollmentNotStarted()
    if not verified:
        raise OtpInvalid()
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _backup_codes_replace(user=user)
        audit.record(actor=user, action="accounts.two_factor_enabled", target=user)
    return codes


def backup_codes_regenerate(*, user: User, otp: str) -> list[str]:
    """Replace the backup codes; needs a current code (TOTP or an old backup code)."""
    if not user_two_factor_enabled(user=user):
        raise TwoFactorNotEnabled()
    if otp_verify(user=user, otp=otp) is None:
        raise OtpInvalid()
    with transaction.atomic():
        codes = _backup_codes_replace(user=user)
        audit.record(actor=user, action="accounts.backup_codes_regenerated", target=user)
    return codes


def totp_disable(*, user: User, password: str, otp: str) -> None:
    """Remove 2FA; needs the password and a code, and is refused where a role requires 2FA."""
    if not user_two_factor_enabled(user=user):
        raise TwoFactorNotEnabled()
    if user_two_factor_required(user=user):
        raise TwoFactorRequired()
    if not user.check_password(password):
        raise PasswordIncorrect()
    if otp_verify(user=user, otp=otp) is None:
        raise OtpInvalid()
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(actor=user, action="accounts.two_factor_disabled", target=user)
