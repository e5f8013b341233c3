"""`access` sends `membership_ended` when a membership is revoked or deleted (issue 15, finding 2).

`membership_ended(user_id, using)`: the user's access changed. `realtime` connects it to close
the member's open WebSockets with 4000 after the commit (a socket joins the organization
groups its user could see at the handshake; the client's reconnect gets the groups the user
may join now): `access` sits below `realtime` in the import layers and does not know about
sockets. Connected in `AccessConfig.ready()`, so the admin and every service path alike send it.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from lifeline.access.models import Membership

membership_ended = Signal()


def _on_membership_saved(
    sender: Any, instance: Membership, using: str | None = None, **kwargs: Any
) -> None:
    if kwargs.get("created") or instance.is_active:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not {"is_active", "revoked_at"} & set(update_fields):
        return
    membership_ended.send(sender=Membership, user_id=instance.user_id, using=using)


def _on_membership_deleted(
    sender: Any, instance: Membership, using: str | None = None, **kwargs: Any
) -> None:
    membership_ended.send(sender=Membership, user_id=instance.user_id, using=using)


def connect_signals() -> None:
    post_save.connect(
        _on_membership_saved, sender=Membership, dispatch_uid="sockets.membership.save"
    )
    post_delete.connect(
        _on_membership_deleted, sender=Membership, dispatch_uid="sockets.membership.delete"
    )
