"""Signing in: password, lockout (django-axes), second factor, login history, new-device alerts.

The same steps serve the API (`user_login`, which also issues tokens) and the web sign-in
(`user_authenticate` + `user_authenticate_second_factor`, then Django's session login).

Failure records (LoginEvent, axes attempts, OTP throttling, audit) must survive the refusal,
so nothing here wraps a failing path in a transaction that the raised error would roll back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device

from lifeline.accounts import emails
from lifeline.accounts.clients import ClientInfo, client_info
from lifeline.accounts.exceptions import (
    AccountLockedOut,
    EmailNotVerified,
    InvalidCredentials,
    NotAllowed,
    OtpInvalid,
    OtpRequired,
)
from lifeline.accounts.lockout import lockout_key_for_user, lockout_seconds
from lifeline.accounts.models import KnownDevice, LoginEvent, LoginResult, User
from lifeline.accounts.roles import can_unlock_accounts
from lifeline.accounts.selectors import (
    user_find_by_identifier,
    user_login_restrictions,
    user_two_factor_enabled,
)
from lifeline.accounts.services.codes import email_verification_send
from lifeline.accounts.services.sessions import TokenPair, session_start_api
from lifeline.accounts.services.two_factor import otp_verify
from lifeline.audit import services as audit
from lifeline.ops import metrics


@dataclass(frozen=True)
class LoginOutcome:
    user: User
    client: ClientInfo
    restrictions: list[str] = field(default_factory=list)
    otp_device: Device | None = None


def _record(*, user: User, client: ClientInfo, result: str, channel: str) -> None:
    metrics.login_attempt(result)
    LoginEvent.objects.create(
        user=user,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        device_type=client.device_type,
        channel=channel,
        result=result,
    )


def _audit_failure(*, request: HttpRequest, user: User | None, reason: str, channel: str) -> None:
    audit.record(
        actor=user,
        action="accounts.login_failed",
        target=user,
        target_type="accounts.user",
        result="denied",
        request=request,
        metadata={"reason": reason, "channel": channel},
    )


def _raise_if_locked(*, request: HttpRequest, identifier: str) -> None:
    if not AxesProxyHandler.is_allowed(request, {"username": identifier}):
        raise AccountLockedOut(retry_after_seconds=lockout_seconds())


def _raise_if_this_failure_locked(request: HttpRequest) -> None:
    # axes flags the request when the failure just recorded reached the limit. We answer it
    # ourselves (same body as the axes callable) and clear the flag so AxesMiddleware does
    # not replace our response a second time.
    if getattr(request, "axes_locked_out", False):
        request.axes_locked_out = False  # type: ignore[attr-defined]
        raise AccountLockedOut(retry_after_seconds=lockout_seconds())


def user_authenticate(
    *,
    request: HttpRequest,
    identifier: str,
    password: str,
    otp: str | None = None,
    channel: str = "api",
) -> LoginOutcome:
    """Check the identifier/password (and the second factor when the user has 2FA).

    Raises AccountLockedOut (locked account+IP, checked before the password), InvalidCredentials
    (the same for unknown identifiers, wrong passwords and inactive accounts), EmailNotVerified
    (correct password, e-mail-only account not verified yet: a code is e-mailed), OtpRequired
    (correct password, `otp` missing; nothing issued) or OtpInvalid (counted as a failure).
    """
    client = client_info(request)
    identifier = identifier.strip()
    known = user_find_by_identifier(identifier)
    try:
        _raise_if_locked(request=request, identifier=identifier)
    except AccountLockedOut:
        if known is not None:
            _record(user=known, client=client, result=LoginResult.LOCKED, channel=channel)
        _audit_failure(request=request, user=known, reason="locked_out", channel=channel)
        raise

    user = authenticate(request, username=identifier, password=password)
    if not isinstance(user, User):
        if known is not None:
            result = LoginResult.FAILED if known.is_active else LoginResult.INACTIVE
            _record(user=known, client=client, result=result, channel=channel)
        _audit_failure(request=request, user=known, reason="invalid_credentials", channel=channel)
        _raise_if_this_failure_locked(request)
        raise InvalidCredentials()

    if user.email and user.email_verified_at is None and not user.phone_number:
        _record(user=user, client=client, result=LoginResult.EMAIL_UNVERIFIED, channel=channel)
        email_verification_send(user=user)
        raise EmailNotVerified()

    return _second_factor(
        request=request, user=user, otp=otp, client=client, identifier=identifier, channel=channel
    )


def user_authenticate_second_factor(
    *, request: HttpRequest, user: User, otp: str, channel: str = "web"
) -> LoginOutcome:
    """The web's second step: `user` passed the password step earlier in this session."""
    identifier = user.get_username()
    _raise_if_locked(request=request, identifier=identifier)
    return _second_factor(
        request=request,
        user=user,
        otp=otp,
        client=client_info(request),
        identifier=identifier,
        channel=channel,
    )


def _second_factor(
    *,
    request: HttpRequest,
    user: User,
    otp: str | None,
    client: ClientInfo,
    identifier: str,
    channel: str,
) -> LoginOutcome:
    device = None
    if user_two_factor_enabled(user=user):
        if not otp:
            _record(user=user, client=client, result=LoginResult.OTP_REQUIRED, channel=channel)
            raise OtpRequired(user=user)
        device = otp_verify(user=user, otp=otp)
        if device is None:
            _record(user=user, client=client, result=LoginResult.OTP_FAILED, channel=channel)
            _audit_failure(request=request, user=user, reason="otp_invalid", channel=channel)
            user_login_failed.send(
                sender=__name__, credentials={"username": identifier}, request=request
            )
            _raise_if_this_failure_locked(request)
            raise OtpInvalid()
    return _succeeded(request=request, user=user, client=client, channel=channel, device=device)


@transaction.atomic
def _succeeded(
    *, request: HttpRequest, user: User, client: ClientInfo, channel: str, device: Device | None
) -> LoginOutcome:
    now = timezone.now()
    _record(user=user, client=client, result=LoginResult.SUCCESS, channel=channel)
    has_known_devices = KnownDevice.objects.filter(user=user).exists()
    known_device, created = KnownDevice.objects.get_or_create(
        user=user,
        fingerprint=client.fingerprint,
        defaults={"first_seen_at": now, "last_seen_at": now},
    )
    if created and has_known_devices:
        emails.send_new_device_alert(user=user, client=client, at=now)
    elif not created:
        known_device.last_seen_at = now
        known_device.save(update_fields=["last_seen_at"])
    audit.record(
        actor=user,
        action="accounts.login_succeeded",
        target=user,
        request=request,
        metadata={"channel": channel, "new_device": created and has_known_devices},
    )
    return LoginOutcome(
        user=user,
        client=client,
        restrictions=user_login_restrictions(user=user),
        otp_device=device,
    )


def user_login(
    *, request: HttpRequest, identifier: str, password: str, otp: str | None = None
) -> tuple[LoginOutcome, TokenPair]:
    """API sign-in: authenticate, then open a JWT session (restricted if something is due)."""
    outcome = user_authenticate(request=request, identifier=identifier, password=password, otp=otp)
    # What django.contrib.auth.login() would send: updates last_login, resets axes failures.
    user_logged_in.send(sender=User, request=request, user=outcome.user)
    pair = session_start_api(
        user=outcome.user, client=outcome.client, restrictions=outcome.restrictions
    )
    return outcome, pair


def user_unlock_check(*, actor: User) -> None:
    """Only platform administrators may unlock accounts (checked before loading the target)."""
    if not can_unlock_accounts(actor):
        raise NotAllowed()


def user_unlock(*, actor: User, user: User, request: HttpRequest | None = None) -> int:
    """Clear every axes lockout of `user` (all addresses). Platform administrators only."""
    user_unlock_check(actor=actor)
    count = axes_reset(username=lockout_key_for_user(user))
    audit.record(
        actor=actor,
        action="accounts.user_unlocked",
        target=user,
        request=request,
        metadata={"attempts_cleared": count},
    )
    return count
