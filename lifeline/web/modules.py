"""The modules the home page links to, and which roles see each one.

A module's pages are registered by its own `urls.py` (namespace `<app>-web`, page `home`);
a module that is not mounted (NoReverseMatch) is simply not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lifeline.access.enums import Role
from lifeline.access.permissions import is_platform_admin
from lifeline.accounts.models import User
from lifeline.accounts.selectors import user_roles


@dataclass(frozen=True)
class Module:
    url_name: str
    title: str | Promise
    description: str | Promise
    roles: frozenset[str]


MODULES: tuple[Module, ...] = (
    Module(
        "clinic-web:home",
        _("Pain clinic"),
        _("Assessments, care plans and documents."),
        frozenset({Role.PATIENT, Role.DOCTOR, Role.CLINIC_ADMIN}),
    ),
    Module(
        "chat-web:home",
        _("Messages"),
        _("Conversations between patients and their care team."),
        frozenset({Role.PATIENT, Role.DOCTOR, Role.CLINIC_ADMIN}),
    ),
    Module(
        "sos-web:home",
        _("SOS"),
        _("Wearable alarms, helpers nearby and the dispatcher console."),
        frozenset({Role.DEVICE_OWNER, Role.HELPER, Role.SOS_ADMIN, Role.DISPATCHER}),
    ),
    Module(
        "market-web:home",
        _("Marketplace"),
        _("Products of many sellers: cart, orders, reviews and moderation."),
        frozenset({Role.SELLER, Role.BUYER, Role.MODERATOR}),
    ),
)


@dataclass(frozen=True)
class ModuleLink:
    url: str
    title: str | Promise
    description: str | Promise


def module_links_for(*, user: User) -> list[ModuleLink]:
    """Links to the mounted modules the user has a role in (platform admins see them all)."""
    roles = set(user_roles(user=user))
    everything = is_platform_admin(user)
    links = []
    for module in MODULES:
        if not everything and not roles & module.roles:
            continue
        try:
            url = reverse(module.url_name)
        except NoReverseMatch:
            continue
        links.append(ModuleLink(url=url, title=module.title, description=module.description))
    return links
