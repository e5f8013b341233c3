"""Russian registration plates of ordinary cars: letter, three digits, two letters, region."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Only the twelve Cyrillic letters that have a Latin look-alike are used on plates.
PLATE_LETTERS = "АВЕКМНОРСТУХ"
PLATE_RE = re.compile(rf"^[{PLATE_LETTERS}]\d{{3}}[{PLATE_LETTERS}]{{2}}(\d{{2,3}})?$")
# Typed with a Latin keyboard layout: the same shapes.
_LATIN_TO_CYRILLIC = str.maketrans("ABEKMHOPCTYX", "АВЕКМНОРСТУХ")


def normalize_plate(value: str) -> str:
    """Upper-case, without spaces or dashes, Latin look-alikes as Cyrillic; raise if invalid."""
    plate = re.sub(r"[\s-]", "", value or "").upper().translate(_LATIN_TO_CYRILLIC)
    if not PLATE_RE.fullmatch(plate):
        raise ValidationError(
            _("Enter a plate like А123ВС or А123ВС77 (letters А В Е К М Н О Р С Т У Х)."),
            code="invalid_plate",
        )
    match = PLATE_RE.fullmatch(plate)
    if match and match.group(1) and match.group(1) in {"00", "000"}:
        raise ValidationError(_("The region code cannot be zero."), code="invalid_plate")
    return plate
