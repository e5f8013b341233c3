"""The tiles of the home page: each module registers its own, `web` renders them.

A module registers from its AppConfig.ready(), naming its start page and the roles that see
the tile (platform administrators see every tile):

    class SosConfig(AppConfig):
        def ready(self) -> None:
            from lifeline.core.home import register_home_tile

            register_home_tile(
                "sos-web:home",
                title=_("SOS"),
                description=_("Wearable alarms, helpers nearby and the dispatcher console."),
                roles=[Role.DEVICE_OWNER, Role.HELPER, Role.SOS_ADMIN],
            )

Tiles are shown in registration order, that is INSTALLED_APPS order. A tile whose page is not
mounted (NoReverseMatch) is not shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class HomeTile:
    url_name: str
    title: str | Promise
    description: str | Promise
    roles: frozenset[str]


_tiles: dict[str, HomeTile] = {}


def register_home_tile(
    url_name: str,
    *,
    title: str | Promise,
    description: str | Promise,
    roles: Iterable[str],
) -> HomeTile:
    """Add the tile linking to `url_name`; registering the same page again replaces it."""
    tile = HomeTile(url_name, title, description, frozenset(str(role) for role in roles))
    _tiles[url_name] = tile
    return tile


def unregister_home_tile(url_name: str) -> None:
    _tiles.pop(url_name, None)


def home_tiles() -> tuple[HomeTile, ...]:
    return tuple(_tiles.values())
