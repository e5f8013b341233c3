"""Slugs that work for Cyrillic text: transliterated (ISO 9-style, Russian and Uzbek letters),
then Django's `slugify`. Django's own `slugify` drops Cyrillic letters and leaves an empty
slug for a Russian title. `unique_slug` adds a short random suffix, for slugs made once at
creation (market products) so titles need not be unique and URLs stay stable."""

from __future__ import annotations

import secrets

from django.utils.text import slugify

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ў": "o", "қ": "q", "ғ": "g", "ҳ": "h", "і": "i", "ї": "yi", "є": "ye",
    "ґ": "g",
}  # fmt: skip


def transliterate(text: str) -> str:
    out = []
    for char in text:
        lower = char.lower()
        if lower in _CYRILLIC:
            latin = _CYRILLIC[lower]
            out.append(latin.capitalize() if char != lower else latin)
        else:
            out.append(char)
    return "".join(out)


def slug_base(text: str, *, max_length: int = 60, fallback: str = "item") -> str:
    """The readable part of a slug: ASCII, lower case; `fallback` when nothing is left."""
    base = slugify(transliterate(text))[:max_length].strip("-")
    return base or fallback


def unique_slug(text: str) -> str:
    """`slug_base(text)` plus a random 6-character suffix (unique in practice; the column's
    unique constraint is the guarantee)."""
    return f"{slug_base(text)}-{secrets.token_hex(3)}"
