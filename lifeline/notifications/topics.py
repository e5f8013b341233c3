"""The topic registry: what can be notified, on which channels by default, how it is worded.

A module registers its topics once, from its AppConfig.ready():

    register_topic(
        "sos.alert_assigned",
        title=_("SOS alert assigned to you"),
        default_channels=[Channel.IN_APP, Channel.PUSH, Channel.SMS],
        critical_allowed=True,
    )

Texts come from templates under `notifications/topics/<key>/` (see `rendering.py`), rendered in
the recipient's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lifeline.notifications.enums import Channel


@dataclass(frozen=True)
class Topic:
    """One kind of notification. `sensitive` topics never put their text in push, e-mail or SMS."""

    key: str
    title: str | Promise
    default_channels: frozenset[Channel]
    critical_allowed: bool = False
    sensitive: bool = False
    template_dir: str = ""
    # Asked just before an external delivery is sent, with the notification's data: False
    # when its subject is over (an SOS alert whose event was accepted or closed), and the
    # delivery is skipped. Registered by the owning module; None: always current.
    is_current: Callable[[Mapping[str, Any]], bool] | None = None
    # The page a notification of this topic opens, from its data (a path such as
    # "/sos/events/<uid>/"), or None when it has none. Registered by the owning module, a
    # module-level function (re-registering compares topics). The page still checks access.
    link: Callable[[Mapping[str, Any]], str | None] | None = None

    @property
    def templates(self) -> str:
        return self.template_dir or f"notifications/topics/{self.key}"


_REGISTRY: dict[str, Topic] = {}


class UnknownTopic(KeyError):
    """A caller used a topic nobody registered: a programming error, not user input."""


def register_topic(
    key: str,
    *,
    title: str | Promise,
    default_channels: Iterable[Channel | str],
    critical_allowed: bool = False,
    sensitive: bool = False,
    template_dir: str = "",
    is_current: Callable[[Mapping[str, Any]], bool] | None = None,
    link: Callable[[Mapping[str, Any]], str | None] | None = None,
) -> Topic:
    """Register a topic. Registering the same key twice with different settings is an error."""
    topic = Topic(
        key=key,
        title=title,
        default_channels=frozenset(Channel(c) for c in default_channels),
        critical_allowed=critical_allowed,
        sensitive=sensitive,
        template_dir=template_dir,
        is_current=is_current,
        link=link,
    )
    existing = _REGISTRY.get(key)
    if existing is not None and existing != topic:
        raise ValueError(f"Notification topic {key!r} is already registered differently.")
    _REGISTRY[key] = topic
    return topic


def unregister_topic(key: str) -> None:
    """Remove a topic (tests only)."""
    _REGISTRY.pop(key, None)


def get_topic(key: str) -> Topic:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownTopic(key) from None


def all_topics() -> list[Topic]:
    return sorted(_REGISTRY.values(), key=lambda t: t.key)


def topic_link(key: str, data: Mapping[str, Any] | None) -> str | None:
    """The page a notification opens (see `Topic.link`); None for a topic without one, a
    topic nobody registers any more, or data the link cannot be built from."""
    topic = _REGISTRY.get(key)
    if topic is None or topic.link is None:
        return None
    try:
        return topic.link(data or {})
    except (KeyError, TypeError, ValueError, NoReverseMatch):
        return None


def security_page(_data: Mapping[str, Any]) -> str:
    """Account notices open the security page (sessions, sign-in history, password)."""
    return reverse("web:security")


# --- Core topics ------------------------------------------------------------------------
register_topic(
    "accounts.new_device_login",
    title=_("Sign-in from a new device"),
    default_channels=[Channel.IN_APP, Channel.EMAIL, Channel.PUSH],
    link=security_page,
)
register_topic(
    "accounts.password_changed",
    title=_("Password changed"),
    default_channels=[Channel.IN_APP, Channel.EMAIL],
    link=security_page,
)
register_topic(
    "system.test",
    title=_("Test notification"),
    default_channels=[Channel.IN_APP, Channel.EMAIL, Channel.PUSH, Channel.SMS],
    critical_allowed=True,
)
