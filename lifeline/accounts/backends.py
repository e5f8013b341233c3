"""Authenticate with an e-mail address or an E.164 phone number and a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from lifeline.accounts.models import User
from lifeline.accounts.selectors import user_find_by_identifier


class EmailOrPhoneBackend(ModelBackend):
    """`username` may be an e-mail address or a phone number in any format people type.

    A correct password also upgrades a legacy hash (bcrypt) to the first hasher (Argon2id):
    `User.check_password` re-hashes and saves when the stored algorithm is not the preferred one.
    """

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
        user = user_find_by_identifier(str(identifier))
        if user is None:
            # Spend the time of a real check so response time does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
