"""Closing open WebSockets when what they were opened with ends.

A socket is authenticated once, at the handshake. So that it does not outlive the session
(or the access) it was opened with, every socket joins control groups (`groups.socket_*`):
its user's, and its session's (the API session `sid` of its token, or a digest of its web
session key). Ending a session, deactivating a user or revoking a membership sends a
`realtime.close` message to the matching group after the commit; the channel layer delivers
it to the socket in whichever process holds it, and the consumer closes with the code given:

* `CLOSE_SIGNED_OUT` (4401): the session or the account ended; the client signs in again;
* `CLOSE_RECONNECT` (4000): the user's access changed; a new connection gets the groups the
  user may join now.

`connect_signals()` (in `RealtimeConfig.ready()`) connects the signals the apps below send:
`accounts.signals.session_ended` and `user_signed_out`, and
`access.membership_signals.membership_ended`. A failure to reach the channel layer is logged;
the socket then closes when its token expires, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from lifeline.access.membership_signals import membership_ended
from lifeline.accounts.signals import session_ended, user_signed_out
from lifeline.realtime import groups

logger = logging.getLogger(__name__)

CLOSE_MESSAGE_TYPE = "realtime.close"
CLOSE_SIGNED_OUT = 4401
CLOSE_RECONNECT = 4000


async def aclose_groups(names: Iterable[str], *, code: int) -> None:
    """Close every socket in `names` now, from async code."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": CLOSE_MESSAGE_TYPE, "code": code}
    for name in dict.fromkeys(names):
        await layer.group_send(groups.validate(name), message)


def close_groups_now(names: list[str], *, code: int) -> None:
    """Close every socket in `names` now, from sync code; never raises."""
    try:
        async_to_sync(aclose_groups)(names, code=code)
    except Exception:
        logger.warning("realtime.close_failed", extra={"groups": names}, exc_info=True)


def close_groups_on_commit(names: Iterable[str], *, code: int, using: str | None = None) -> None:
    """Close every socket in `names` once the current transaction commits (at once outside)."""
    checked = [groups.validate(name) for name in dict.fromkeys(names)]
    if not checked:
        return

    def close_sockets_after_commit() -> None:
        close_groups_now(checked, code=code)

    transaction.on_commit(close_sockets_after_commit, using=using, robust=True)


def close_session_sockets_on_commit(
    *, session_id: Any = None, session_key: str = "", using: str | None = None
) -> None:
    """Close the sockets of one ended session: its API session id and/or web session key."""
    names = []
    if session_id:
        names.append(groups.socket_session(session_id))
    if session_key:
        names.append(groups.socket_web_session(session_key))
    close_groups_on_commit(names, code=CLOSE_SIGNED_OUT, using=using)


def close_user_sockets_on_commit(
    user_id: Any, *, reconnect: bool = False, using: str | None = None
) -> None:
    """Close every socket of a user: signed out (4401), or to reconnect (4000)."""
    code = CLOSE_RECONNECT if reconnect else CLOSE_SIGNED_OUT
    close_groups_on_commit([groups.socket_user(user_id)], code=code, using=using)


def _on_session_ended(
    sender: Any,
    *,
    session_id: Any = None,
    session_key: str = "",
    using: str | None = None,
    **kwargs: Any,
) -> None:
    close_session_sockets_on_commit(session_id=session_id, session_key=session_key, using=using)


def _on_user_signed_out(
    sender: Any, *, user_id: Any, using: str | None = None, **kwargs: Any
) -> None:
    close_user_sockets_on_commit(user_id, using=using)


def _on_membership_ended(
    sender: Any, *, user_id: Any, using: str | None = None, **kwargs: Any
) -> None:
    close_user_sockets_on_commit(user_id, reconnect=True, using=using)


def connect_signals() -> None:
    """Close sockets when `accounts` ends a session or a user, and when `access` a membership."""
    session_ended.connect(_on_session_ended, dispatch_uid="realtime.sockets.session_ended")
    user_signed_out.connect(_on_user_signed_out, dispatch_uid="realtime.sockets.user_signed_out")
    membership_ended.connect(_on_membership_ended, dispatch_uid="realtime.sockets.membership_ended")
