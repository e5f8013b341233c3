"""Reads about users and their security records; always for the user themself unless stated."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifeline.accounts.models import LoginEvent, User, UserSession
from lifeline.accounts.phone_numbers import normalize_phone
from lifeline.accounts.roles import user_has_any_role, user_roles
from lifeline.accounts.totp import TotpEnrollment, totp_enrollment_of

LOGIN_HISTORY_SIZE = 20

RESTRICTION_PASSWORD_CHANGE = "password_change"
RESTRICTION_2FA_ENROLLMENT = "2fa_enrollment"


def user_find_by_identifier(identifier: str) -> User | None:
    """The user whose e-mail (case-insensitive) or E.164 phone number is `identifier`."""
    identifier = identifier.strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    phone = normalize_phone(identifier)
    if phone is None:
        return None
    return User.objects.filter(phone_number=phone).first()


def user_primary_role(*, user: User) -> str:
    """The mobile (seed) contract's `role`: ADMIN, HELPER or USER, derived from memberships.

    ADMIN: a superuser, platform or SOS administrator; HELPER: a volunteer helper; everyone
    else (a newly registered person included) is USER. `roles` lists the memberships."""
    if user.is_superuser:
        return "ADMIN"
    roles = set(user_roles(user=user))
    if roles & {"platform_admin", "sos_admin"}:
        return "ADMIN"
    if "helper" in roles:
        return "HELPER"
    return "USER"


def user_two_factor_enabled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_two_factor_required(*, user: User) -> bool:
    """Whether one of the user's roles is in settings.LIFELINE_2FA_REQUIRED_ROLES."""
    return user_has_any_role(user=user, roles=settings.LIFELINE_2FA_REQUIRED_ROLES)


def totp_enrollment_pending_for(*, user: User) -> TotpEnrollment | None:
    """The unfinished enrolment started by totp_enroll_start (to show its QR code again)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return None if device is None else totp_enrollment_of(device)


def user_backup_codes_remaining(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def user_password_expired(*, user: User) -> bool:
    max_age_days = settings.LIFELINE_PASSWORD_MAX_AGE_DAYS
    if not max_age_days:
        return False
    changed_at = user.password_changed_at or user.date_joined
    return timezone.now() - changed_at > timedelta(days=max_age_days)


def user_login_restrictions(*, user: User) -> list[str]:
    """What the user must fix before the API serves them anything else (empty: nothing).

    Carried in the JWT `restrict` claim; see `accounts.authentication`.
    """
    restrictions = []
    if user.must_change_password or user_password_expired(user=user):
        restrictions.append(RESTRICTION_PASSWORD_CHANGE)
    if user_two_factor_required(user=user) and not user_two_factor_enabled(user=user):
        restrictions.append(RESTRICTION_2FA_ENROLLMENT)
    return restrictions


def login_event_list_for(*, user: User) -> list[LoginEvent]:
    """The user's last 20 login attempts, newest first."""
    return list(
        LoginEvent.objects.filter(user=user).order_by("-created_at", "-pk")[:LOGIN_HISTORY_SIZE]
    )


def user_session_list_for(*, user: User) -> QuerySet[UserSession]:
    """Sessions not revoked and seen within their lifetime (refresh lifetime / cookie age)."""
    now = timezone.now()
    api_since = now - settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
    web_since = now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return (
        UserSession.objects.filter(user=user, revoked_at__isnull=True)
        .filter(
            Q(kind="api", last_seen_at__gte=api_since) | Q(kind="web", last_seen_at__gte=web_since)
        )
        .order_by("-last_seen_at", "-pk")
    )
