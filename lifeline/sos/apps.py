from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def event_page(data: Mapping[str, Any]) -> str:
    """Every SOS notification opens its event's page (`register_topic(link=...)`)."""
    return reverse("sos-web:event", kwargs={"event_uid": data["event_uid"]})


class SosConfig(AppConfig):
    name = "lifeline.sos"
    label = "sos"
    verbose_name = _("Wearable SOS")

    def ready(self) -> None:
        from lifeline.access.enums import Role
        from lifeline.core.demo import register
        from lifeline.core.home import register_home_tile
        from lifeline.notifications.enums import Channel
        from lifeline.notifications.topics import register_topic
        from lifeline.sos.demo import seed
        from lifeline.sos.selectors import event_awaits_helper, event_escalated
        from lifeline.sos.services.flows import register_dispatch_hooks

        register_home_tile(
            "sos-web:home",
            title=_("SOS"),
            description=_("Wearable alarms, helpers nearby and the dispatcher console."),
            roles=[Role.DEVICE_OWNER, Role.HELPER, Role.SOS_ADMIN],
        )
        urgent = [Channel.IN_APP, Channel.PUSH, Channel.SMS]
        register_topic(
            "sos.helper_alert",
            link=event_page,
            title=_("Someone nearby needs help"),
            default_channels=urgent,
            critical_allowed=True,
            # A push retried after a dead worker is not sent once the SOS is taken or over.
            is_current=event_awaits_helper,
        )
        register_topic(
            "sos.help_on_way",
            link=event_page,
            title=_("Help is on the way"),
            default_channels=urgent,
            critical_allowed=True,
        )
        register_topic(
            "sos.alert_taken",
            link=event_page,
            title=_("Another helper has taken this SOS"),
            default_channels=[Channel.IN_APP, Channel.PUSH],
        )
        register_topic(
            "sos.event_reopened",
            link=event_page,
            title=_("Your helper withdrew; we are looking for another"),
            default_channels=urgent,
            critical_allowed=True,
            is_current=event_awaits_helper,
        )
        register_topic(
            "sos.event_closed",
            link=event_page,
            title=_("The SOS you were alerted about is closed"),
            default_channels=[Channel.IN_APP, Channel.PUSH],
        )
        register_topic(
            "sos.event_escalated",
            link=event_page,
            title=_("An SOS has not been accepted and was escalated"),
            default_channels=urgent,
            critical_allowed=True,
            is_current=event_escalated,
        )
        register(seed)
        register_dispatch_hooks()  # ambulance's questions about escalated events
