"""Users and the records that prove who they are."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from lifeline.accounts.enums import UserStatus


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(
        self, email: str | None, phone_number: str | None, password: str | None, **extra: Any
    ) -> User:
        if not email and not phone_number:
            raise ValueError("A user needs an e-mail address or a phone number.")
        user = self.model(
            email=self.normalize_email(email) if email else None,
            phone_number=phone_number or None,
            **extra,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(
        self,
        email: str | None = None,
        password: str | None = None,
        *,
        phone_number: str | None = None,
        **extra: Any,
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, phone_number, password, **extra)

    def create_superuser(
        self, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, extra.pop("phone_number", None), password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in by e-mail or by phone number (E.164); at least one is required.

    The primary key is a random UUID (the public id). Roles are memberships in
    organizations (`access.Membership`), not fields here.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail"), null=True, blank=True, unique=True)
    phone_number = PhoneNumberField(_("phone number"), null=True, blank=True, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    full_name = models.CharField(_("full name"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=UserStatus.choices, default=UserStatus.ACTIVE
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_demo = models.BooleanField(
        _("demo account"), default=False, help_text=_("Created by `lifeline serve --demo`.")
    )
    language = models.CharField(_("language"), max_length=8, default="ru")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    must_change_password = models.BooleanField(default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone_number__isnull=False),
                name="user_has_email_or_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.status == UserStatus.ACTIVE

    @property
    def display_name(self) -> str:
        return self.composed_full_name or str(self.email or self.phone_number or self.pk)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.first_name or self.display_name

    def get_username(self) -> str:
        # Phone-only accounts have no e-mail: the login identifier is then the phone number.
        return str(self.email or self.phone_number or "")

    @property
    def composed_full_name(self) -> str:
        """The full name as given, else "Last First Middle"; empty when no name is known."""
        if self.full_name:
            return self.full_name
        parts = [self.last_name, self.first_name, self.middle_name]
        return " ".join(p for p in parts if p)


class PasswordHistory(models.Model):
    """A previous password hash, kept so the last N passwords cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar[list[Any]] = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"password of {self.user_id} at {self.created_at:%Y-%m-%d}"


class VerificationPurpose(models.TextChoices):
    EMAIL = "email", _("E-mail verification")
    PASSWORD_RESET = "password_reset", _("Password reset")


class VerificationCode(models.Model):
    """A 6-digit code sent to the user, stored hashed, with expiry and an attempt budget."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    purpose = models.CharField(max_length=32, choices=VerificationPurpose.choices)
    code_hash = models.CharField(max_length=256)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar[list[Any]] = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} code for {self.user_id}"


class LoginResult(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILED = "failed", _("Wrong credentials")
    LOCKED = "locked", _("Locked out")
    OTP_REQUIRED = "otp_required", _("Second factor required")
    OTP_FAILED = "otp_failed", _("Wrong second factor")
    INACTIVE = "inactive", _("Account not active")
    EMAIL_UNVERIFIED = "unverified", _("E-mail not verified")


class LoginEvent(models.Model):
    """One login attempt on a known account (unknown identifiers are not stored)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="login_events", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    device_type = models.CharField(_("device type"), max_length=32, blank=True)
    channel = models.CharField(_("channel"), max_length=16, default="api")  # api | web
    result = models.CharField(_("result"), max_length=16, choices=LoginResult.choices)

    class Meta:
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        indexes: ClassVar[list[Any]] = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.result} login of {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """A signed-in session: a web session or a JWT refresh-token family. Revocable by the user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=8, default="api")  # api | web
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    refresh_jti = models.CharField(max_length=255, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    device_type = models.CharField(_("device type"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes: ClassVar[list[Any]] = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.kind} session {self.pk} of {self.user_id}"


class KnownDevice(models.Model):
    """A (user, device fingerprint) pair seen at a successful login; a new one triggers e-mail."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="known_devices")
    fingerprint = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["user", "fingerprint"], name="known_device_unique"),
        ]

    def __str__(self) -> str:
        return f"device {self.fingerprint[:8]} of {self.user_id}"
