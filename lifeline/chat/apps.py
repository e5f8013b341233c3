from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


def conversation_page(data: Mapping[str, Any]) -> str:
    """A message notification opens its conversation in the messenger."""
    return f"{reverse('chat-web:home')}?{urlencode({'c': data['conversation_id']})}"


class ChatConfig(AppConfig):
    name = "lifeline.chat"
    label = "chat"
    verbose_name = _("Messenger")

    def ready(self) -> None:
        from lifeline.access.enums import Role
        from lifeline.chat.demo import seed  # noqa: PLC0415
        from lifeline.chat.permissions import can_view_message  # noqa: PLC0415
        from lifeline.core.demo import register
        from lifeline.core.home import register_home_tile
        from lifeline.files.permissions import register_access_rule  # noqa: PLC0415
        from lifeline.notifications.enums import Channel  # noqa: PLC0415
        from lifeline.notifications.topics import register_topic  # noqa: PLC0415

        register_home_tile(
            "chat-web:home",
            title=_("Messages"),
            description=_("Conversations between patients and their care team."),
            roles=[Role.PATIENT, Role.DOCTOR, Role.CLINIC_ADMIN],
        )
        # Attachments and voice messages open for whoever may read the conversation.
        register_access_rule("chat.message", can_view_message, medical=True)
        # Push and e-mail never carry the text: sensitive topics get a generic wording there.
        register_topic(
            "chat.message_received",
            title=_("New message in the messenger"),
            default_channels=[Channel.IN_APP, Channel.PUSH, Channel.EMAIL],
            sensitive=True,
            link=conversation_page,
        )
        register(seed)
