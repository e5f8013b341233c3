from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "lifeline.content"
    label = "content"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from lifeline.access.enums import Role
        from lifeline.content.demo import seed
        from lifeline.core.demo import register
        from lifeline.core.home import register_home_tile

        # Any signed-in user may read, join and create channels: the tile is shown for every
        # role.
        register_home_tile(
            "content-web:home",
            title=_("Channels"),
            description=_("Community channels: posts, threaded discussions, likes and moderation."),
            roles=list(Role),
        )
        register(seed)
        self._register_notifications()
        self._register_file_rules()

    def _register_notifications(self) -> None:
        from lifeline.content.services.notices import TOPIC_MENTION, TOPIC_POST, TOPIC_REPLY
        from lifeline.notifications.enums import Channel
        from lifeline.notifications.topics import register_topic

        normal = [Channel.IN_APP, Channel.PUSH]
        register_topic(
            TOPIC_POST,
            link=post_page,
            title=_("New post in a channel you watch"),
            default_channels=[Channel.IN_APP],
        )
        register_topic(
            TOPIC_REPLY, link=post_page, title=_("Replies in channels"), default_channels=normal
        )
        register_topic(
            TOPIC_MENTION,
            link=post_page,
            title=_("Mentions in channels"),
            default_channels=normal,
        )

    def _register_file_rules(self) -> None:
        from lifeline.content.permissions import can_read_channel
        from lifeline.files.permissions import register_access_rule

        # Pictures of a channel and its posts: whoever may read the channel.
        register_access_rule("content.channel", can_read_channel)
        register_access_rule(
            "content.postimage", lambda user, image: can_read_channel(user, image.post.channel)
        )


def post_page(data: Mapping[str, Any]) -> str:
    return reverse("content-web:post", kwargs={"post_id": data["post_id"]})
