from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def callbacks_page(data: Mapping[str, Any]) -> str:
    return reverse("fieldservice-web:home")


class FieldServiceConfig(AppConfig):
    name = "lifeline.fieldservice"
    label = "fieldservice"
    verbose_name = _("Field service")

    def ready(self) -> None:
        from lifeline.access.enums import Role
        from lifeline.core.demo import register
        from lifeline.core.home import register_home_tile
        from lifeline.fieldservice.demo import seed
        from lifeline.fieldservice.selectors import (
            can_view_request_file,
            can_view_transaction_file,
        )
        from lifeline.files.permissions import register_access_rule
        from lifeline.notifications.enums import Channel
        from lifeline.notifications.topics import register_topic

        register_home_tile(
            "fieldservice-web:home",
            title=_("Field service"),
            description=_("Requests, masters, missed calls and the call-centre board."),
            roles=[Role.OPERATOR, Role.MASTER, Role.MANAGER, Role.DIRECTOR],
        )

        register_topic(
            "fieldservice.callback_overdue",
            link=callbacks_page,
            title=_("A missed call was not called back in time"),
            default_channels=[Channel.IN_APP, Channel.PUSH],
        )
        register_access_rule("fieldservice.servicerequest", can_view_request_file)
        register_access_rule("fieldservice.transaction", can_view_transaction_file)
        register(seed)
