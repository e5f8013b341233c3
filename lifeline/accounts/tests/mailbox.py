"""Reading what the locmem e-mail backend captured."""

from __future__ import annotations

import re

from django.core import mail


def last_code() -> str:
    """The 6-digit code in the newest e-mail."""
    match = re.search(r"^(\d{6})$", mail.outbox[-1].body, re.MULTILINE)
    assert match is not None
    return match.group(1)
