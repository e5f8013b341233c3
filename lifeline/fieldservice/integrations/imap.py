"""A read-only IMAP client for the mailbox a PBX mails call recordings to (standard library
`imaplib`). The mailbox is opened with EXAMINE and bodies are read with BODY.PEEK, so
nothing in it changes (no \\Seen flag, no deletion): which messages are done is kept in our
database (`MailMessage`), so a failed poll loses nothing. Every socket operation has a
timeout; the poll runs on a worker, never in a request thread. The password is never
logged (imaplib's debug output is off)."""

from __future__ import annotations

import contextlib
import imaplib
import re
from datetime import date
from types import TracebackType

from lifeline.fieldservice import conf

_UID = re.compile(rb"UID (\d+)")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class MailboxUnavailable(Exception):
    """The server did not answer, refused the login or a command; try at the next poll."""


def imap_date(day: date) -> str:
    """RFC 3501 date (`07-Dec-2026`), independent of the process locale."""
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


class Mailbox:
    """`with Mailbox(...) as box:` logs in and EXAMINEs the folder; leaving logs out."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        user: str,
        password: str,
        folder: str = "INBOX",
        ssl: bool = True,
        timeout: float = conf.IMAP_TIMEOUT_SECONDS,
    ) -> None:
        self.host, self.port, self.ssl, self.timeout = host, port, ssl, timeout
        self.folder = folder
        self._user, self._password = user, password
        self._imap: imaplib.IMAP4 | None = None

    def __enter__(self) -> Mailbox:
        try:
            if self.ssl:
                self._imap = imaplib.IMAP4_SSL(self.host, self.port, timeout=self.timeout)
            else:
                self._imap = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
            self._imap.login(self._user, self._password)
            typ, _ = self._imap.select(self.folder, readonly=True)
        except (imaplib.IMAP4.error, OSError) as exc:
            self._close()
            raise MailboxUnavailable(type(exc).__name__) from None
        if typ != "OK":
            self._close()
            raise MailboxUnavailable("select")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()

    def _close(self) -> None:
        if self._imap is None:
            return
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self._imap.logout()
        self._imap = None

    def _uid(self, command: str, *args: str) -> list[object]:
        if self._imap is None:
            raise MailboxUnavailable("closed")
        try:
            typ, data = self._imap.uid(command, *args)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise MailboxUnavailable(type(exc).__name__) from None
        if typ != "OK":
            raise MailboxUnavailable(command)
        return list(data)

    def uids_since(self, day: date) -> list[int]:
        """UIDs of the messages received on or after `day`, oldest first."""
        data = self._uid("SEARCH", "SINCE", imap_date(day))
        raw = b" ".join(part for part in data if isinstance(part, bytes))
        return sorted(int(uid) for uid in raw.split())

    def message_ids(self, uids: list[int]) -> dict[int, str]:
        """The Message-ID header of each UID ('' when a message has none)."""
        if not uids:
            return {}
        data = self._uid(
            "FETCH", ",".join(map(str, uids)), "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
        )
        found: dict[int, str] = {}
        for index, part in enumerate(data):
            if not isinstance(part, tuple):
                continue
            # Servers put UID before the literal (`* 1 FETCH (UID 7 BODY[…] {n}`) or after it.
            after = data[index + 1] if index + 1 < len(data) else b""
            match = _UID.search(part[0]) or _UID.search(after if isinstance(after, bytes) else b"")
            if match is None:
                continue
            header = part[1].decode("ascii", "replace")
            value = header.partition(":")[2] if ":" in header else ""
            found[int(match.group(1))] = " ".join(value.split())[:255]
        return found

    def fetch(self, uid: int) -> bytes | None:
        """The whole message (RFC 822 bytes), or None if it is gone."""
        data = self._uid("FETCH", str(uid), "(BODY.PEEK[])")
        for part in data:
            if isinstance(part, tuple):
                return bytes(part[1])
        return None


def mailbox() -> Mailbox:
    return Mailbox(
        host=conf.imap_host(),
        port=conf.imap_port(),
        user=conf.imap_user(),
        password=conf.imap_password(),
        folder=conf.imap_folder(),
        ssl=conf.imap_ssl(),
    )
