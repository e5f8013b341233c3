"""`/ws/content/posts/<uuid>/`: readers of a post hear of new, hidden, removed and restored
comments. Only those who may read the post join its group (4403 otherwise)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from lifeline.content import events
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
