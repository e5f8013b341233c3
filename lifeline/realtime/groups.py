"""Every channel-layer group name, built here and nowhere else (STYLE.md 2.7).

Channels accepts only `[A-Za-z0-9._-]` and fewer than 100 characters, so the parts are joined
with dots: `user.<uuid>`, `org.<uuid>`, `org.<uuid>.dispatchers`. A module that needs a new
kind of group adds a function here, so one grep finds every audience.
"""

from __future__ import annotations

import hashlib
import re
import uuid

GROUP_NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,99}$")
_PART_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class InvalidGroupName(ValueError):
    """A group name Channels would reject (or one not built by this module's rules)."""


def validate(name: str) -> str:
    """Return `name` when Channels accepts it as a group name, else raise InvalidGroupName."""
    if not isinstance(name, str) or not GROUP_NAME_RE.fullmatch(name):
        raise InvalidGroupName(f"invalid group name {name!r}")
    return name


def _part(value: object) -> str:
    text = str(value)
    if not _PART_RE.fullmatch(text):
        raise InvalidGroupName(f"invalid group name part {text!r}")
    return text


def _join(*parts: object) -> str:
    return validate(".".join(_part(p) for p in parts))


def user(user_id: uuid.UUID | str) -> str:
    """Everything addressed to one user, on every device and tab: `user.<uuid>`."""
    return _join("user", user_id)


def organization(org_id: uuid.UUID | str, role: str | None = None) -> str:
    """Members of an organization (`org.<uuid>`), or of one role in it (`org.<uuid>.<role>`)."""
    if role is None:
        return _join("org", org_id)
    return _join("org", org_id, role)


def subject(app_label: str, noun: str, object_id: uuid.UUID | str | int) -> str:
    """Watchers of one object, e.g. the participants of a chat: `chat.conversation.<uuid>`."""
    return _join(app_label, noun, object_id)


# --- Control groups: every socket joins them, no event is ever published to them ----------
# Ending a session (or a user's access) sends a close message to these groups
# (lifeline.realtime.sockets), which reaches the socket in whichever process holds it.


def socket_user(user_id: uuid.UUID | str) -> str:
    """Every socket of one user: `sockets.user.<uuid>`."""
    return _join("sockets", "user", user_id)


def socket_session(session_id: uuid.UUID | str) -> str:
    """The sockets opened with one API session's tokens (`sid`): `sockets.session.<uuid>`."""
    return _join("sockets", "session", session_id)


def socket_web_session(session_key: str) -> str:
    """The sockets of one web (cookie) session, by a digest of its key: `sockets.web.<hex>`."""
    return _join("sockets", "web", hashlib.sha256(session_key.encode()).hexdigest()[:40])
