"""Self-service registration by phone number (mobile contract) or by e-mail.

By phone: the account is created active and tokens are returned at once (the wearable SOS app
contract). A number that is already registered is refused with a field error: this reveals
that the number has an account, a trade-off the contract forces (it must answer with tokens);
the `auth` throttle (per IP) limits probing.

By e-mail: the answer is the same whether or not the address is taken, so it reveals nothing.
A new address gets an account that must verify the address with a 6-digit code before it
can sign in. An e-mail-only account that never verified its address nor signed in is taken
over by the new registration (new password and names; only the mailbox owner can verify it).
Any other account with that address gets an e-mail telling its owner that someone tried to
register.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.accounts import emails
from lifeline.accounts.exceptions import field_errors
from lifeline.accounts.models import User
from lifeline.accounts.services.codes import email_verification_send
from lifeline.accounts.services.passwords import password_validate
from lifeline.audit import services as audit


@dataclass(frozen=True)
class Names:
    full_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""


def _unsaved_user(*, email: str | None, phone_number: str | None, names: Names) -> User:
    return User(
        email=User.objects.normalize_email(email) if email else None,
        phone_number=phone_number or None,
        full_name=names.full_name,
        first_name=names.first_name,
        middle_name=names.middle_name,
        last_name=names.last_name,
    )


def user_register_by_phone(
    *, phone_number: str, password: str, names: Names, email: str | None = None, language: str = ""
) -> User:
    """Create an active account for an E.164 number (already normalized by the caller)."""
    candidate = _unsaved_user(email=email, phone_number=phone_number, names=names)
    password_validate(password=password, user=candidate)
    errors: dict[str, list[str]] = {}
    if User.objects.filter(phone_number=phone_number).exists():
        errors["phone_number"] = [_phone_taken()]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_email_taken()]
    if errors:
        raise field_errors(errors)
    now = timezone.now()
    candidate.set_password(password)
    candidate.password_changed_at = now
    if language:
        candidate.language = language
    try:
        with transaction.atomic():
            candidate.save()
            audit.record(
                actor=candidate,
                action="accounts.user_registered",
                target=candidate,
                metadata={"by": "phone"},
            )
    except IntegrityError as exc:  # a concurrent registration won the race
        raise field_errors({"phone_number": [_phone_taken()]}) from exc
    if candidate.email:
        email_verification_send(user=candidate)
    return candidate


def user_register_by_email(*, email: str, password: str, names: Names, language: str = "") -> None:
    """Register an e-mail account (or re-register an unverified one); see the module notes.

    Returns nothing on purpose: the caller must answer the same way in every case.
    """
    email = User.objects.normalize_email(email)
    candidate = _unsaved_user(email=email, phone_number=None, names=names)
    password_validate(password=password, user=candidate)
    existing = User.objects.filter(email__iexact=email).first()
    now = timezone.now()
    if existing is not None and not _abandoned(existing):
        make_password(password)  # same work as the other branches: no timing signal
        emails.send_registration_attempt_notice(user=existing)
        return
    if existing is None:
        user = candidate
    else:
        user = existing
        for name_field in ("full_name", "first_name", "middle_name", "last_name"):
            setattr(user, name_field, getattr(candidate, name_field))
    user.set_password(password)
    user.password_changed_at = now
    if language:
        user.language = language
    try:
        with transaction.atomic():
            user.save()
            audit.record(
                actor=user,
                action="accounts.user_registered",
                target=user,
                metadata={"by": "email", "again": existing is not None},
            )
            email_verification_send(user=user)
    except IntegrityError:
        return  # a concurrent registration of the same address won; answer the same way


def _abandoned(user: User) -> bool:
    """An e-mail-only account that never verified its address nor signed in."""
    return user.email_verified_at is None and not user.phone_number and user.last_login is None


def _phone_taken() -> str:
    return _("This phone number is already registered. Sign in or reset your password.")


def _email_taken() -> str:
    return _("This e-mail address is already registered.")
