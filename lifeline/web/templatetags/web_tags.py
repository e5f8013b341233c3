"""Template helpers of the web shell: the header's unread badge, notification links."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from lifeline.notifications.selectors import unread_count_for
from lifeline.notifications.topics import topic_link

register = template.Library()

# `accounts.clients` stores the kind of device a session or sign-in came from as a code.
DEVICE_TYPE_NAMES: dict[str, Any] = {
    "mobile": _("Phone"),
    "tablet": _("Tablet"),
    "desktop": _("Computer"),
    "app": _("Mobile app"),
    "unknown": _("Unknown device"),
}


@register.simple_tag(takes_context=True)
def unread_count(context: template.Context) -> int:
    """The signed-in user's unread inbox count (one indexed query), else 0."""
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count_for(actor=user)


@register.simple_tag
def notification_link(notification: Any) -> str | None:
    """The page a notification opens (its topic's `link`), or None."""
    return topic_link(notification.topic, notification.data)


@register.filter
def device_type_label(code: Any) -> str:
    """`desktop` → "Компьютер"; empty stays empty (the template shows its default)."""
    return str(DEVICE_TYPE_NAMES.get(str(code), code)) if code else ""


@register.filter
def distance(metres: Any) -> str:
    """Metres as the reader says them: `800` → "800 м", `20000` → "20 км", `1500` → "1,5 км"."""
    try:
        value = float(metres)
    except (TypeError, ValueError):
        return ""
    if round(value) < 1000:
        return str(_("%(value)s m") % {"value": number_format(round(value))})
    km = round(value / 1000, 1)
    shown = number_format(km, decimal_pos=0 if km.is_integer() else 1)
    return str(_("%(value)s km") % {"value": shown})
