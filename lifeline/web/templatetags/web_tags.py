"""Template helpers of the web shell: the header's unread badge."""

from __future__ import annotations

from typing import Any

from django import template

from lifeline.notifications.selectors import unread_count_for

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context: template.Context) -> int:
    """The signed-in user's unread inbox count (one indexed query), else 0."""
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count_for(actor=user)
