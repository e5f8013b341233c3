"""Open WebSockets end with the session they were opened with (issue 15, finding 2).

Connected in `AccountsConfig.ready()`, beside the auth cache's invalidation and on the same
signals, so every process and every path that ends a session closes its sockets after the
commit: logout, session revocation, refresh-token replay, password change and reset (they
revoke sessions), ban or deactivation, deleting the user. `session_end_web` bulk-updates web
sessions (no signal) and calls `close_session_sockets_on_commit` itself.
"""

from __future__ import annotations

from typing import Any

from lifeline.accounts.models import User, UserSession
from lifeline.realtime.sockets import close_session_sockets_on_commit, close_user_sockets_on_commit


def _touches(update_fields: Any, *fields: str) -> bool:
    return update_fields is None or any(field in update_fields for field in fields)


def _on_session_saved(
    sender: Any, instance: UserSession, using: str | None = None, **kwargs: Any
) -> None:
    if kwargs.get("created") or instance.revoked_at is None:
        return
    if not _touches(kwargs.get("update_fields"), "revoked_at"):
        return
    close_session_sockets_on_commit(
        session_id=instance.pk, session_key=instance.session_key, using=using
    )


def _on_session_deleted(
    sender: Any, instance: UserSession, using: str | None = None, **kwargs: Any
) -> None:
    close_session_sockets_on_commit(
        session_id=instance.pk, session_key=instance.session_key, using=using
    )


def _on_user_saved(sender: Any, instance: User, using: str | None = None, **kwargs: Any) -> None:
    if kwargs.get("created") or instance.is_active:
        return
    if not _touches(kwargs.get("update_fields"), "status"):
        return
    close_user_sockets_on_commit(instance.pk, using=using)


def _on_user_deleted(sender: Any, instance: User, using: str | None = None, **kwargs: Any) -> None:
    close_user_sockets_on_commit(instance.pk, using=using)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save  # noqa: PLC0415

    post_save.connect(_on_session_saved, sender=UserSession, dispatch_uid="sockets.session.save")
    post_delete.connect(
        _on_session_deleted, sender=UserSession, dispatch_uid="sockets.session.delete"
    )
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="sockets.user.save")
    post_delete.connect(_on_user_deleted, sender=User, dispatch_uid="sockets.user.delete")
