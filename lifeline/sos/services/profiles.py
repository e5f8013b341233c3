"""The wearer profile: what a wearer wants an ambulance crew to know (birth date, notes).

Health data: the values are never logged and never put in an audit entry (only which fields
changed); reads are audited by the pages and the API (`audit.record_access`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.sos.models import EMERGENCY_NOTES_MAX_LENGTH, WearerProfile

if TYPE_CHECKING:
    from lifeline.accounts.models import User

# Nobody alive was born longer ago (the oldest documented person lived 122 years).
OLDEST_AGE_YEARS = 130


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def wearer_profile_update(
    *, user: User, birth_date: date | None, emergency_notes: str
) -> WearerProfile:
    """Set the wearer's own profile (both fields: a PUT). A birth date in the future or more
    than 130 years ago, or notes over 1,000 characters, raise `InvalidInput` naming the field
    and store nothing."""
    notes = emergency_notes.strip()
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if birth_date is not None and birth_date > today:
        errors["birth_date"] = [_("The birth date is in the future.")]
    elif birth_date is not None and birth_date < _years_before(today, OLDEST_AGE_YEARS):
        errors["birth_date"] = [
            _("The birth date is more than %(years)s years ago.") % {"years": OLDEST_AGE_YEARS}
        ]
    if len(notes) > EMERGENCY_NOTES_MAX_LENGTH:
        errors["emergency_notes"] = [
            _("The notes can be at most %(limit)s characters long.")
            % {"limit": EMERGENCY_NOTES_MAX_LENGTH}
        ]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        profile, _created = WearerProfile.objects.select_for_update().get_or_create(user=user)
        changed = [
            name
            for name, value in (("birth_date", birth_date), ("emergency_notes", notes))
            if getattr(profile, name) != value
        ]
        profile.birth_date, profile.emergency_notes = birth_date, notes
        profile.save(update_fields=["birth_date", "emergency_notes", "updated_at"])
        # Which fields changed, never their values (health data).
        record(
            actor=user,
            action="sos.wearer_profile_updated",
            target=profile,
            metadata={"fields": changed},
        )
    return profile
