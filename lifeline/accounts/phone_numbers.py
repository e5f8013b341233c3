"""Phone numbers are stored in E.164; this parses what people type."""

from __future__ import annotations

import phonenumbers
from django.conf import settings


def normalize_phone(raw: str) -> str | None:
    """Return the E.164 form of `raw`, or None when it is not a valid number."""
    try:
        parsed = phonenumbers.parse(raw, getattr(settings, "PHONENUMBER_DEFAULT_REGION", None))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
