"""Factories for accounts tests; other apps' tests may import UserFactory."""

from __future__ import annotations

import factory
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifeline.accounts.models import LoginEvent, LoginResult, User, UserSession

DEFAULT_PASSWORD = "Lifeline-Test-2024!"


class UserFactory(factory.django.DjangoModelFactory):
    """An active user with a verified e-mail address and DEFAULT_PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    language = "en"  # tests assert the English source strings

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(DEFAULT_PASSWORD)
    email_verified_at = factory.LazyFunction(timezone.now)
    password_changed_at = factory.LazyFunction(timezone.now)


class PhoneUserFactory(UserFactory):
    """A phone-only user (the wearable app's kind of account)."""

    email = None
    email_verified_at = None
    phone_number = factory.Sequence(lambda n: f"+7900{n:07d}")


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "authenticator"
    confirmed = True


class LoginEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoginEvent

    user = factory.SubFactory(UserFactory)
    ip_address = "127.0.0.1"
    user_agent = "pytest"
    device_type = "unknown"
    result = LoginResult.SUCCESS


class UserSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserSession

    user = factory.SubFactory(UserFactory)
    kind = "api"


def totp_code(device: TOTPDevice) -> str:
    """The device's current TOTP code."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


class AccessAttemptFactory(factory.django.DjangoModelFactory):
    """An axes record of failed logins; `for_user` makes it the user's lockout key."""

    class Meta:
        model = AccessAttempt

    class Params:
        for_user = None

    username = factory.LazyAttribute(lambda o: f"user:{o.for_user.pk}" if o.for_user else "x")
    ip_address = "10.9.9.9"
    user_agent = ""
    http_accept = ""
    path_info = "/api/v1/auth/login/"
    get_data = ""
    post_data = ""
    failures_since_start = 5
