"""`/ws/content/posts/<uuid>/`: readers of a post hear of new, hidden, removed and restored
comments; `/ws/content/channels/<slug>/`: readers of a channel hear of new posts. Only those
who may read the post or channel join its group (4403 otherwise)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from lifeline.content import events
from lifeline.content.permissions import can_read_channel
from lifeline.content.selectors.channels import channel_get_for
from lifeline.content.selectors.posts import post_get_for
from lifeline.core.exceptions import NotFound
from lifeline.realtime.consumers import EventsConsumer


class PostThreadConsumer(EventsConsumer):
    def groups_for(self, user: Any) -> list[str]:
        post_id = self.scope["url_route"]["kwargs"]["post_id"]
        try:
            post = post_get_for(actor=user, post_id=post_id)
        except NotFound:
            raise PermissionDenied from None
        return [events.post_group(post)]


class ChannelPostsConsumer(EventsConsumer):
    def groups_for(self, user: Any) -> list[str]:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        try:
            channel = channel_get_for(actor=user, slug=slug)
        except NotFound:
            raise PermissionDenied from None
        if not can_read_channel(user, channel):
            raise PermissionDenied
        return [events.channel_group(channel.pk)]
