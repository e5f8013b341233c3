"""Phone numbers as the module stores them: E.164 (`+74951234567`)."""

from __future__ import annotations

import phonenumbers


def to_e164(raw: str, *, region: str = "RU") -> str:
    """E.164 for a number as Mango or a person writes it (`74951234567`, `8 (495) 123-45-67`).
    A number phonenumbers cannot parse keeps its digits behind a `+`; empty stays empty."""
    digits = "".join(ch for ch in str(raw or "") if ch.isdigit())
    if not digits:
        return ""
    candidate = str(raw).strip()
    if not candidate.startswith("+") and len(digits) == 11 and digits[0] in "78":
        candidate = "+7" + digits[1:]
    elif not candidate.startswith("+") and len(digits) > 10:
        candidate = "+" + digits
    try:
        parsed = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return "+" + digits[:19]
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[:20]
