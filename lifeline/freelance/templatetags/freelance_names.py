"""`{{ user|public_name }}` and `{{ user|reviewer_name }}` for the freelance pages."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django import template
from django.utils.translation import gettext, ngettext

from lifeline.freelance import names

register = template.Library()


@register.filter
def public_name(user: Any) -> str:
    return names.public_name(user)


@register.filter
def reviewer_name(user: Any) -> str:
    return names.reviewer_name(user)


@register.filter
def response_time(value: timedelta | None) -> str:
    """A median response time in words: "within an hour", "5 hours", "3 days"."""
    if value is None:
        return gettext("no orders answered yet")
    hours = math.ceil(value.total_seconds() / 3600)
    if hours <= 1:
        return gettext("within an hour")
    if hours < 48:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    days = math.ceil(hours / 24)
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
