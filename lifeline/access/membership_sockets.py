"""A revoked membership closes the member's open WebSockets (issue 15, finding 2).

A socket joins the organization groups its user could see at the handshake; once a
membership is revoked (or deleted) those sockets close with 4000 after the commit, and the
client's reconnect gets the groups the user may join now. Connected in
`AccessConfig.ready()`, so the admin and every service path alike trigger it.
"""

from __future__ import annotations

from typing import Any

from lifeline.access.models import Membership
from lifeline.realtime.sockets import close_user_sockets_on_commit


def _on_membership_saved(
    sender: Any, instance: Membership, using: str | None = None, **kwargs: Any
) -> None:
    if kwargs.get("created") or instance.is_active:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not {"is_active", "revoked_at"} & set(update_fields):
        return
    close_user_sockets_on_commit(instance.user_id, reconnect=True, using=using)


def _on_membership_deleted(
    sender: Any, instance: Membership, using: str | None = None, **kwargs: Any
) -> None:
    close_user_sockets_on_commit(instance.user_id, reconnect=True, using=using)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save  # noqa: PLC0415

    post_save.connect(
        _on_membership_saved, sender=Membership, dispatch_uid="sockets.membership.save"
    )
    post_delete.connect(
        _on_membership_deleted, sender=Membership, dispatch_uid="sockets.membership.delete"
    )
