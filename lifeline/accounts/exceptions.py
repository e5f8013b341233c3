"""Refusals raised by accounts services; each has a stable `code` (see docs in the API views).

Titles are translated by the API error handler. Messages are deliberately generic where a
precise one would reveal whether an account exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lifeline.core.exceptions import DomainError, InvalidInput

if TYPE_CHECKING:
    from lifeline.accounts.models import User

# Any bad, expired, revoked or replayed JWT (access or refresh). The same string the API error
# handler produces for simplejwt's own InvalidToken, so clients handle one code.
TOKEN_NOT_VALID = "authentication_failed.token_not_valid"


class InvalidCredentials(DomainError):
    code = "auth.invalid_credentials"
    title = gettext_noop("Invalid credentials")
    http_status = 401


class AccountLockedOut(DomainError):
    code = "auth.locked_out"
    title = gettext_noop("Too many failed sign-in attempts")
    http_status = 429

    def __init__(self, *, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        minutes = max(retry_after_seconds // 60, 1)
        super().__init__(
            _("Sign-in is locked for %(minutes)d minutes after repeated failures.")
            % {"minutes": minutes}
        )


class OtpRequired(DomainError):
    """The password was right; a second factor is needed. `user` is for the web step only."""

    code = "auth.otp_required"
    title = gettext_noop("Second factor required")
    http_status = 401

    def __init__(self, *, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(_("Enter the code from your authenticator app."), **kwargs)


class OtpInvalid(DomainError):
    code = "auth.otp_invalid"
    title = gettext_noop("Invalid one-time code")
    http_status = 401


class EmailNotVerified(DomainError):
    code = "auth.email_unverified"
    title = gettext_noop("E-mail address not verified")
    http_status = 403


class CodeInvalid(DomainError):
    """A verification or reset code is wrong, expired, used up, or was never issued."""

    code = "auth.code_invalid"
    title = gettext_noop("Invalid or expired code")
    http_status = 400


class PasswordIncorrect(DomainError):
    code = "auth.password_incorrect"
    title = gettext_noop("Incorrect password")
    http_status = 400


class TokenNotValid(DomainError):
    code = TOKEN_NOT_VALID
    title = gettext_noop("Authentication failed")
    http_status = 401


class TwoFactorRequired(DomainError):
    code = "auth.2fa_required_for_role"
    title = gettext_noop("Two-factor authentication is required for your role")
    http_status = 403


class TwoFactorNotEnabled(DomainError):
    code = "auth.2fa_not_enabled"
    title = gettext_noop("Two-factor authentication is not enabled")
    http_status = 409


class TwoFactorAlreadyEnabled(DomainError):
    code = "auth.2fa_already_enabled"
    title = gettext_noop("Two-factor authentication is already enabled")
    http_status = 409


class TwoFactorEnrollmentNotStarted(DomainError):
    code = "auth.2fa_enrollment_not_started"
    title = gettext_noop("Start the enrolment first")
    http_status = 409


def field_errors(errors: dict[str, list[str]]) -> InvalidInput:
    """A 400 `invalid` with field errors, the same shape serializer validation produces."""
    return InvalidInput(_("The request has invalid fields."), errors=errors)


class NotAllowed(DomainError):
    code = "permission_denied"
    title = gettext_noop("Permission denied")
    http_status = 403
