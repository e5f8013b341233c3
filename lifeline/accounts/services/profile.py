"""The user's own profile fields (names, language, time zone)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from lifeline.accounts.models import User
from lifeline.audit import services as audit

EDITABLE_FIELDS = ("first_name", "middle_name", "last_name", "full_name", "language", "time_zone")


@transaction.atomic
def user_profile_update(*, user: User, data: Mapping[str, Any]) -> User:
    """Update the editable fields present in `data` (already validated by the caller)."""
    changed = [f for f in EDITABLE_FIELDS if f in data and getattr(user, f) != data[f]]
    if not changed:
        return user
    before = {f: getattr(user, f) for f in changed}
    for f in changed:
        setattr(user, f, data[f])
    user.save(update_fields=[*changed, "updated_at"])
    audit.record(
        actor=user,
        action="accounts.profile_updated",
        target=user,
        before=before,
        after={f: getattr(user, f) for f in changed},
    )
    return user
