"""Signals `accounts` sends when sessions end, so the apps above it react (issue 15, finding 2).

* `session_ended(session_id, session_key, using)`: one session ended (logout, revocation, a
  replayed refresh token, password change or reset, an idle web session). `session_id` is
  the API session's id (None for a web session ended in bulk), `session_key` the web
  session's key ("" for an API session).
* `user_signed_out(user_id, using)`: every session of the user ended (deactivated, banned or
  deleted).

`realtime` connects both to close the WebSockets opened with them (`realtime.sockets`):
`accounts` sits below `realtime` in the import layers and does not know about sockets.
The receivers below turn model changes into these signals; connected in
`AccountsConfig.ready()`, beside the auth cache's invalidation and on the same model signals,
so every process and every path that ends a session sends them. `session_end_web`
bulk-updates web sessions (no model signal) and sends `session_ended` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from lifeline.accounts.models import User, UserSession

session_ended = Signal()
user_signed_out = Signal()


def _touches(update_fields: Any, *fields: str) -> bool:
    return update_fields is None or any(field in update_fields for field in fields)


def _on_session_saved(
    sender: Any, instance: UserSession, using: str | None = None, **kwargs: Any
) -> None:
    if kwargs.get("created") or instance.revoked_at is None:
        return
    if not _touches(kwargs.get("update_fields"), "revoked_at"):
        return
    session_ended.send(
        sender=UserSession,
        session_id=instance.pk,
        session_key=instance.session_key,
        using=using,
    )


def _on_session_deleted(
    sender: Any, instance: UserSession, using: str | None = None, **kwargs: Any
) -> None:
    session_ended.send(
        sender=UserSession,
        session_id=instance.pk,
        session_key=instance.session_key,
        using=using,
    )


def _on_user_saved(sender: Any, instance: User, using: str | None = None, **kwargs: Any) -> None:
    if kwargs.get("created") or instance.is_active:
        return
    if not _touches(kwargs.get("update_fields"), "status"):
        return
    user_signed_out.send(sender=User, user_id=instance.pk, using=using)


def _on_user_deleted(sender: Any, instance: User, using: str | None = None, **kwargs: Any) -> None:
    user_signed_out.send(sender=User, user_id=instance.pk, using=using)


def connect_signals() -> None:
    post_save.connect(_on_session_saved, sender=UserSession, dispatch_uid="sockets.session.save")
    post_delete.connect(
        _on_session_deleted, sender=UserSession, dispatch_uid="sockets.session.delete"
    )
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="sockets.user.save")
    post_delete.connect(_on_user_deleted, sender=User, dispatch_uid="sockets.user.delete")
