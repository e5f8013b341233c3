"""Password policy beyond Django's validators: character classes and reuse history."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require upper case, lower case, a digit and a special character."""

    def validate(self, password: str, user: Any = None) -> None:
        missing = []
        if not re.search(r"[A-ZА-ЯЁ]", password):
            missing.append(_("an upper-case letter"))
        if not re.search(r"[a-zа-яё]", password):
            missing.append(_("a lower-case letter"))
        if not re.search(r"\d", password):
            missing.append(_("a digit"))
        if not re.search(r"[^\w\s]|_", password):
            missing.append(_("a special character"))
        if missing:
            raise ValidationError(
                _("The password must contain %(missing)s.") % {"missing": ", ".join(missing)},
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must contain upper- and lower-case letters, a digit and a special "
            "character."
        )


class PasswordHistoryValidator:
    """Refuse any of the user's last N passwords (settings.LIFELINE_PASSWORD_HISTORY).

    The last N are the current password and the N - 1 before it (PasswordHistory rows hold
    the hashes a password change replaced).
    """

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None or user._state.adding:
            return
        from lifeline.accounts.models import PasswordHistory

        depth = max(settings.LIFELINE_PASSWORD_HISTORY - 1, 0)
        recent = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")[
            :depth
        ]
        hashes = [entry.password for entry in recent]
        if settings.LIFELINE_PASSWORD_HISTORY and user.password and user.has_usable_password():
            hashes.append(user.password)
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(
                _("You used this password recently. Choose one you have not used before."),
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be one of your last %(n)d passwords.") % {
            "n": settings.LIFELINE_PASSWORD_HISTORY
        }
