from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def crew_page(_data: Mapping[str, Any]) -> str:
    return reverse("ambulance-web:crew")


def console_page(_data: Mapping[str, Any]) -> str:
    return reverse("ambulance-web:console")


def fleet_page(_data: Mapping[str, Any]) -> str:
    return reverse("ambulance-web:fleet")


class AmbulanceConfig(AppConfig):
    name = "lifeline.ambulance"
    label = "ambulance"
    verbose_name = _("Ambulance dispatch")

    def ready(self) -> None:
        from lifeline.access.enums import Role
        from lifeline.ambulance import chat_policy
        from lifeline.ambulance.demo import seed
        from lifeline.core.demo import register
        from lifeline.core.home import register_home_tile
        from lifeline.notifications.enums import Channel
        from lifeline.notifications.topics import register_topic

        register_home_tile(
            "ambulance-web:home",
            title=_("Ambulance dispatch"),
            description=_("Calls by criticality, teams and cars, the crew's call card."),
            roles=[Role.DISPATCHER, Role.CREW, Role.AMBULANCE_ADMIN],
        )

        register_topic(
            "ambulance.call_assigned",
            link=crew_page,
            title=_("A call is assigned to your team"),
            default_channels=[Channel.IN_APP, Channel.PUSH],
            critical_allowed=True,
        )
        register_topic(
            "ambulance.call_returned",
            link=console_page,
            title=_("A crew gave a call back to the queue"),
            default_channels=[Channel.IN_APP, Channel.PUSH],
        )
        register_topic(
            "ambulance.car_broken",
            link=fleet_page,
            title=_("A car broke down during a call"),
            default_channels=[Channel.IN_APP, Channel.PUSH],
        )
        register(seed)
        chat_policy.register()  # the messenger's "ambulance.call" conversations
