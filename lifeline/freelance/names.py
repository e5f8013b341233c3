"""Names of people as the public sees them: never an e-mail address or a phone number.

`User.display_name` falls back to the e-mail or the phone when no name is known, which a public
page must not show, so public pages and public API fields use these instead.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def public_name(user: Any) -> str:
    """The seller's name as they gave it, else "Seller" and the first digits of their id."""
    name = (getattr(user, "composed_full_name", "") or "").strip()
    return name or _("Seller %(code)s") % {"code": str(user.pk)[:6]}


def reviewer_name(user: Any) -> str:
    """A buyer as reviews show them: the first word of the name and an initial ("Bea B.")."""
    words = (getattr(user, "composed_full_name", "") or "").split()
    if not words:
        return _("A buyer")
    if len(words) == 1:
        return words[0]
    return f"{words[0]} {words[1][0]}."
