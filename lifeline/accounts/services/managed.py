"""Accounts an organization opens and closes for its people (e.g. a station's dispatchers).

The caller has already authorized `actor` (an administrator of the person's organization:
the organization's module asks `access` before calling): these services know no
organizations. A new account signs in by e-mail or phone with a random one-time password
that the administrator hands over; `must_change_password` makes the first sign-in change it
(the forced page in `web/account_views.py`, the `password_change` restriction in the API).
Deactivation never deletes: the person keeps their history and cannot sign in; every session
ends at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.accounts.enums import UserStatus
from lifeline.accounts.exceptions import field_errors
from lifeline.accounts.models import User
from lifeline.accounts.services.passwords import password_generate
from lifeline.accounts.services.registration import Names
from lifeline.accounts.services.sessions import session_revoke_all
from lifeline.audit import services as audit

NAME_FIELDS = ("first_name", "middle_name", "last_name")
IDENTITY_FIELDS = (*NAME_FIELDS, "email", "phone_number")


def _state(user: User) -> dict[str, Any]:
    return {
        "email": user.email or "",
        "phone_number": str(user.phone_number or ""),
        **{f: getattr(user, f) for f in NAME_FIELDS},
        "status": user.status,
    }


def _check_identifiers(
    *, email: str | None, phone_number: str | None, exclude_pk: Any = None
) -> None:
    """Field errors for a missing login or one that another account already has."""
    if not email and not phone_number:
        raise field_errors(
            {"email": [_("Give an e-mail address or a phone number to sign in with.")]}
        )
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    errors: dict[str, list[str]] = {}
    if email and others.filter(email__iexact=email).exists():
        errors["email"] = [_("Another account already has this e-mail address.")]
    if phone_number and others.filter(phone_number=phone_number).exists():
        errors["phone_number"] = [_("Another account already has this phone number.")]
    if errors:
        raise field_errors(errors)


def user_create_with_initial_password(
    *,
    actor: Any,
    email: str | None,
    phone_number: str | None,
    names: Names,
    language: str = "",
    via: str,
) -> tuple[User, str]:
    """Create an active account with a one-time password; returns it with the password.

    `phone_number` is E.164 (normalized by the caller). The password is returned once and
    stored only as a hash; the account must change it at first sign-in. Field errors for a
    missing or taken login; nothing is stored then. Audited as `accounts.user_created`.
    """
    email = User.objects.normalize_email(email) if email else None
    phone_number = phone_number or None
    _check_identifiers(email=email, phone_number=phone_number)
    user = User(
        email=email,
        phone_number=phone_number,
        first_name=names.first_name.strip(),
        middle_name=names.middle_name.strip(),
        last_name=names.last_name.strip(),
        full_name=names.full_name.strip(),
        must_change_password=True,
    )
    if language:
        user.language = language
    password = password_generate(user=user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent request took the login
        raise field_errors({"email": [_("Another account already has this login.")]}) from exc
    audit.record(
        actor=actor,
        action="accounts.user_created",
        target=user,
        after=_state(user),
        metadata={"via": via},
    )
    return user, password


@transaction.atomic
def user_identity_update(*, actor: Any, user: User, data: Mapping[str, Any]) -> User:
    """Update the names and logins present in `data` (validated and normalized by the caller).

    Names given in parts replace a free-form `full_name` (the display name follows them).
    An account keeps at least one login; a login another account has is a field error.
    Audited as `accounts.user_updated` with before/after.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    values = {f: data[f] for f in IDENTITY_FIELDS if f in data}
    for field in ("email", "phone_number"):
        if field in values:
            values[field] = values[field] or None
    if values.get("email"):
        values["email"] = User.objects.normalize_email(values["email"])
    changed = [f for f in values if str(getattr(user, f) or "") != str(values[f] or "")]
    if not changed:
        return user
    email = values.get("email", user.email)
    phone = values.get("phone_number", user.phone_number)
    _check_identifiers(email=email, phone_number=str(phone) if phone else None, exclude_pk=user.pk)
    before = _state(user)
    for f in changed:
        setattr(user, f, values[f].strip() if f in NAME_FIELDS else values[f])
    if user.full_name and set(changed) & set(NAME_FIELDS):
        user.full_name = ""  # names given in parts replace a free-form full name
        changed.append("full_name")
    user.save(update_fields=[*changed, "updated_at"])
    audit.record(
        actor=actor, action="accounts.user_updated", target=user, before=before, after=_state(user)
    )
    return user


@transaction.atomic
def user_deactivate(*, actor: Any, user: User, via: str) -> User:
    """Close the account without deleting it: it cannot sign in and every session ends.

    Idempotent. Audited as `accounts.user_deactivated`.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.status != UserStatus.ACTIVE:
        return user  # already closed (or banned: that stays)
    before = _state(user)
    user.status = UserStatus.INACTIVE
    user.save(update_fields=["status", "updated_at"])
    ended = session_revoke_all(user=user)
    audit.record(
        actor=actor,
        action="accounts.user_deactivated",
        target=user,
        before=before,
        after=_state(user),
        metadata={"via": via, "sessions_ended": ended},
    )
    return user
