"""Authenticate with an e-mail address or an E.164 phone number and a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from lifeline.accounts.models import User
from lifeline.accounts.phone_numbers import normalize_phone


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        identifier = username or kwargs.get("email") or kwargs.get("phone_number")
        if not identifier or not password:
            return None
        user = user_find_by_identifier(identifier)
        if user is None:
            # Spend the same time as a real check so timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def user_find_by_identifier(identifier: str) -> User | None:
    identifier = identifier.strip()
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    phone = normalize_phone(identifier)
    if phone is None:
        return None
    return User.objects.filter(phone_number=phone).first()
