"""Six-digit codes sent by e-mail (address verification, password reset).

Codes are stored as HMACs keyed by SECRET_KEY with a per-code nonce, expire after
LIFELINE_VERIFICATION_CODE_TTL seconds, die after LIFELINE_VERIFICATION_MAX_ATTEMPTS wrong
guesses, and a new one is issued at most once per LIFELINE_VERIFICATION_RESEND_SECONDS.
Only the newest code of a purpose is valid.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from lifeline.accounts import emails
from lifeline.accounts.exceptions import CodeInvalid
from lifeline.accounts.models import User, VerificationCode, VerificationPurpose
from lifeline.accounts.selectors import user_find_by_identifier
from lifeline.audit import services as audit

_KEY_SALT = "lifeline.accounts.verification-code"


def _digest(*, nonce: str, user: User, purpose: str, code: str) -> str:
    return salted_hmac(
        _KEY_SALT, f"{nonce}:{user.pk}:{purpose}:{code}", algorithm="sha256"
    ).hexdigest()


def _hash(*, user: User, purpose: str, code: str) -> str:
    nonce = secrets.token_hex(8)
    return f"{nonce}${_digest(nonce=nonce, user=user, purpose=purpose, code=code)}"


def _matches(*, stored: str, user: User, purpose: str, code: str) -> bool:
    nonce, _, digest = stored.partition("$")
    return constant_time_compare(
        digest, _digest(nonce=nonce, user=user, purpose=purpose, code=code)
    )


def code_issue(*, user: User, purpose: str) -> str | None:
    """Create a code and e-mail it (after commit); None when the last one is too recent.

    Returns the code for the caller's tests and logs-free flows; views must never echo it.
    """
    now = timezone.now()
    resend_after = timedelta(seconds=settings.LIFELINE_VERIFICATION_RESEND_SECONDS)
    latest = (
        VerificationCode.objects.filter(user=user, purpose=purpose).order_by("-created_at").first()
    )
    if latest is not None and now - latest.created_at < resend_after:
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    VerificationCode.objects.create(
        user=user,
        purpose=purpose,
        code_hash=_hash(user=user, purpose=purpose, code=code),
        expires_at=now + timedelta(seconds=settings.LIFELINE_VERIFICATION_CODE_TTL),
        created_at=now,
    )
    emails.send_code(user=user, code=code, purpose=purpose)
    return code


def code_check(*, user: User | None, purpose: str, code: str) -> VerificationCode:
    """Return the user's valid newest code equal to `code`, or raise CodeInvalid.

    A wrong guess is counted and committed before raising, so callers must not wrap this in
    their own transaction. The caller marks the returned row consumed on success.
    """
    code = code.strip()
    matched: VerificationCode | None = None
    with transaction.atomic():
        row = None
        if user is not None:
            row = (
                VerificationCode.objects.select_for_update()
                .filter(user=user, purpose=purpose)
                .order_by("-created_at")
                .first()
            )
        usable = (
            row is not None
            and row.consumed_at is None
            and row.expires_at > timezone.now()
            and row.attempts < settings.LIFELINE_VERIFICATION_MAX_ATTEMPTS
        )
        if row is not None and user is not None and usable:
            if _matches(stored=row.code_hash, user=user, purpose=purpose, code=code):
                matched = row
            else:
                row.attempts = F("attempts") + 1
                row.save(update_fields=["attempts"])
    if matched is None:
        raise CodeInvalid()
    return matched


def email_verification_send(*, user: User) -> bool:
    """Send a verification code if the user has an unverified e-mail; False if nothing sent."""
    if not user.email or user.email_verified_at is not None:
        return False
    return code_issue(user=user, purpose=VerificationPurpose.EMAIL) is not None


def email_verification_resend(*, user: User | None = None, email: str = "") -> None:
    """Resend for the signed-in user or for an address; silent when there is nothing to send."""
    if user is None and email:
        user = user_find_by_identifier(email) if "@" in email else None
    if user is not None:
        email_verification_send(user=user)


def email_verify(*, code: str, user: User | None = None, email: str = "") -> User:
    """Mark the e-mail verified when `code` is right; same CodeInvalid for any other case."""
    if user is None:
        user = user_find_by_identifier(email) if "@" in email else None
    row = code_check(user=user, purpose=VerificationPurpose.EMAIL, code=code)
    if user is None:  # code_check has raised already; this narrows the type
        raise CodeInvalid()
    with transaction.atomic():
        code_consume(row)
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at", "updated_at"])
        audit.record(actor=user, action="accounts.email_verified", target=user)
    return user


def code_consume(row: VerificationCode) -> None:
    """Mark a checked code used (call inside the caller's success transaction)."""
    row.consumed_at = timezone.now()
    row.save(update_fields=["consumed_at"])
