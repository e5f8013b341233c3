"""The home page's links to the modules the user has a role in.

Each module registers its tile in its own `apps.py` (`lifeline.core.home.register_home_tile`);
this page only renders the registry. A module's pages are registered by its own `urls.py`
(namespace `<app>-web`, page `home`); a module that is not mounted (NoReverseMatch) is simply
not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from lifeline.access.permissions import is_platform_admin
from lifeline.access.selectors import roles_of
from lifeline.accounts.models import User
from lifeline.core.home import home_tiles


@dataclass(frozen=True)
class ModuleLink:
    url: str
    title: str | Promise
    description: str | Promise


def module_links_for(*, user: User) -> list[ModuleLink]:
    """Links to the mounted modules the user has a role in (platform admins see them all)."""
    roles = roles_of(user=user)
    everything = is_platform_admin(user)
    links = []
    for tile in home_tiles():
        if not everything and not roles & tile.roles:
            continue
        try:
            url = reverse(tile.url_name)
        except NoReverseMatch:
            continue
        links.append(ModuleLink(url=url, title=tile.title, description=tile.description))
    return links
