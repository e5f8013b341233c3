"""Changing and resetting passwords under the password policy (validators, history, expiry)."""

from __future__ import annotations

import secrets
import string

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lifeline.accounts.exceptions import PasswordIncorrect, field_errors
from lifeline.accounts.lockout import lockout_key_for_user
from lifeline.accounts.models import PasswordHistory, User, VerificationPurpose
from lifeline.accounts.selectors import user_find_by_identifier
from lifeline.accounts.services.codes import code_check, code_consume, code_issue
from lifeline.accounts.services.sessions import session_revoke_all
from lifeline.audit import services as audit


def password_validate(*, password: str, user: User | None, field: str = "password") -> None:
    """Run AUTH_PASSWORD_VALIDATORS; raise InvalidInput with `{field: [messages]}`."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise field_errors({field: list(exc.messages)}) from exc


def _password_set(*, user: User, password: str) -> None:
    """Store `password`, keep the old hash in the history, restart the expiry clock.

    Caller holds a transaction and has validated the password.
    """
    if user.password and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
        # The current password counts as one of the last N, so N - 1 old hashes are enough.
        keep = max(settings.LIFELINE_PASSWORD_HISTORY - 1, 0)
        stale = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk")[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(
        update_fields=["password", "password_changed_at", "must_change_password", "updated_at"]
    )


def password_change(
    *,
    user: User,
    current_password: str,
    new_password: str,
    current_session_id: str | None = None,
) -> None:
    """Change the password; every other session of the user is revoked."""
    if not user.check_password(current_password):
        raise PasswordIncorrect()
    password_validate(password=new_password, user=user, field="new_password")
    with transaction.atomic():
        _password_set(user=user, password=new_password)
        session_revoke_all(user=user, except_session_id=current_session_id)
        audit.record(actor=user, action="accounts.password_changed", target=user)


def password_reset_request(*, identifier: str) -> None:
    """E-mail a reset code if the identifier belongs to an account with an e-mail address.

    Silent in every other case (unknown, no e-mail, inactive, resend too soon): the caller
    answers the same way whatever happened.
    """
    user = user_find_by_identifier(identifier)
    if user is None or not user.email or not user.is_active:
        return
    code_issue(user=user, purpose=VerificationPurpose.PASSWORD_RESET)


def password_reset_confirm(*, identifier: str, code: str, new_password: str) -> User:
    """Set a new password with a reset code; all sessions end and lockouts are cleared.

    The generic validators run before the code is checked (so field errors reveal nothing),
    the history/similarity validators after it.
    """
    password_validate(password=new_password, user=None, field="new_password")
    user = user_find_by_identifier(identifier)
    if user is not None and not user.is_active:
        user = None
    row = code_check(user=user, purpose=VerificationPurpose.PASSWORD_RESET, code=code)
    if user is None:  # code_check has raised already; this narrows the type
        raise PasswordIncorrect()
    password_validate(password=new_password, user=user, field="new_password")
    with transaction.atomic():
        code_consume(row)
        _password_set(user=user, password=new_password)
        if user.email and user.email_verified_at is None:
            user.email_verified_at = timezone.now()  # the code proved the mailbox
            user.save(update_fields=["email_verified_at"])
        session_revoke_all(user=user)
        audit.record(actor=user, action="accounts.password_reset", target=user)
    axes_reset(username=lockout_key_for_user(user))
    return user


_GENERATED_SPECIALS = "!#%+-.=@"


def password_generate(*, user: User | None = None, length: int = 16) -> str:
    """A random password (upper, lower, digit and special characters) that passes the
    password policy for `user`: the one generator of one-time and demo passwords."""
    rng = secrets.SystemRandom()
    classes = [string.ascii_uppercase, string.ascii_lowercase, string.digits, _GENERATED_SPECIALS]
    alphabet = "".join(classes)
    for _attempt in range(20):
        chars = [rng.choice(c) for c in classes]
        chars += [rng.choice(alphabet) for _ in range(length - len(chars))]
        rng.shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, user=user)
        except ValidationError:
            continue
        return password
    raise RuntimeError("No generated password satisfies the password policy.")


def password_issue_initial(*, user: User, actor: object = None) -> str:
    """Give `user` a new random password that they must change at the next sign-in
    (`must_change_password`), end their sessions, and return it: the caller shows it once
    and never stores it. Used when staff create an account or reset one."""
    password = password_generate(user=user)
    with transaction.atomic():
        _password_set(user=user, password=password)
        user.must_change_password = True
        user.save(update_fields=["must_change_password", "updated_at"])
        session_revoke_all(user=user)
        audit.record(actor=actor or user, action="accounts.password_issued", target=user)
    return password
