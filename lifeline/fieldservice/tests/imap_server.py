"""A small IMAP4rev1 server on a local socket, for the tests of the mailbox poll: the
real `imaplib` client talks to it over TCP, so the commands, the literals and the
parsing are exercised for real (no mock of imaplib).

It knows what the poll uses: CAPABILITY, LOGIN, SELECT/EXAMINE, UID SEARCH SINCE, UID FETCH
(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)] and BODY.PEEK[]), NOOP, LOGOUT. Anything else is
`BAD`. Every command line is kept in `commands` so tests can assert what was (not) sent.
"""

from __future__ import annotations

import email.utils
import re
import shlex
import socketserver
import threading
from dataclasses import dataclass, field
from datetime import date, datetime

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}


@dataclass
class StoredMail:
    uid: int
    raw: bytes
    received: date


@dataclass
class ImapState:
    user: str
    password: str
    mails: list[StoredMail] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    connections: int = 0
    # When set, the server closes the connection as soon as it sees this command.
    drop_on: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, raw: bytes, received: date) -> int:
        with self.lock:
            uid = len(self.mails) + 1
            self.mails.append(StoredMail(uid=uid, raw=raw, received=received))
            return uid


def _parse_date(text: str) -> date:
    day, month, year = text.split("-")
    return date(int(year), _MONTHS[month], int(day))


def _uid_set(text: str) -> set[int]:
    uids: set[int] = set()
    for part in text.split(","):
        if ":" in part:
            low, high = part.split(":")
            uids |= set(range(int(low), int(high) + 1))
        else:
            uids.add(int(part))
    return uids


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _send(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def handle(self) -> None:
        state = self.server.state
        with state.lock:
            state.connections += 1
        self._send(b"* OK [CAPABILITY IMAP4rev1] test server ready\r\n")
        selected = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            with state.lock:
                state.commands.append(text)
            tag, _, rest = text.partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if state.drop_on and state.drop_on in text.upper():
                return  # the connection drops mid-session
            if command == "CAPABILITY":
                self._send(b"* CAPABILITY IMAP4rev1\r\n" + tag.encode() + b" OK done\r\n")
            elif command == "NOOP":
                self._send(tag.encode() + b" OK done\r\n")
            elif command == "LOGIN":
                user, password = shlex.split(args)
                if (user, password) == (state.user, state.password):
                    self._send(tag.encode() + b" OK logged in\r\n")
                else:
                    self._send(tag.encode() + b" NO [AUTHENTICATIONFAILED] invalid\r\n")
            elif command in ("SELECT", "EXAMINE"):
                selected = True
                count = len(state.mails)
                mode = b"READ-ONLY" if command == "EXAMINE" else b"READ-WRITE"
                self._send(
                    f"* {count} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1] ok\r\n".encode()
                    + tag.encode()
                    + b" OK ["
                    + mode
                    + b"] done\r\n"
                )
            elif command == "UID" and selected:
                self._uid(tag, args)
            elif command == "LOGOUT":
                self._send(b"* BYE bye\r\n" + tag.encode() + b" OK done\r\n")
                return
            else:
                self._send(tag.encode() + b" BAD unknown command\r\n")

    def _uid(self, tag: str, args: str) -> None:
        state = self.server.state
        sub, _, rest = args.partition(" ")
        sub = sub.upper()
        if sub == "SEARCH":
            match = re.fullmatch(r"SINCE (\S+)", rest, flags=re.IGNORECASE)
            if match is None:
                self._send(tag.encode() + b" BAD search\r\n")
                return
            since = _parse_date(match.group(1))
            uids = [str(m.uid) for m in state.mails if m.received >= since]
            self._send(f"* SEARCH {' '.join(uids)}\r\n".encode() + tag.encode() + b" OK done\r\n")
            return
        if sub == "FETCH":
            uid_text, _, items = rest.partition(" ")
            wanted = _uid_set(uid_text)
            out = b""
            for seq, mail in enumerate(state.mails, 1):
                if mail.uid not in wanted:
                    continue
                if "HEADER.FIELDS (MESSAGE-ID)" in items.upper():
                    header_end = mail.raw.find(b"\r\n\r\n")
                    headers = mail.raw[: header_end if header_end >= 0 else len(mail.raw)]
                    lines = [
                        h for h in headers.split(b"\r\n") if h.lower().startswith(b"message-id:")
                    ]
                    body = b"".join(h + b"\r\n" for h in lines) + b"\r\n"
                    name = b"BODY[HEADER.FIELDS (MESSAGE-ID)]"
                elif "BODY.PEEK[]" in items.upper():
                    body, name = mail.raw, b"BODY[]"
                else:
                    self._send(tag.encode() + b" BAD fetch\r\n")
                    return
                out += (
                    f"* {seq} FETCH (UID {mail.uid} ".encode()
                    + name
                    + f" {{{len(body)}}}\r\n".encode()
                    + body
                    + b")\r\n"
                )
            self._send(out + tag.encode() + b" OK done\r\n")
            return
        self._send(tag.encode() + b" BAD uid command\r\n")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state: ImapState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class ImapTestServer:
    """`with ImapTestServer(user, password) as server:` serves on 127.0.0.1:`server.port`."""

    def __init__(self, user: str, password: str) -> None:
        self.state = ImapState(user=user, password=password)
        self._server = _Server(self.state)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ImapTestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def recording_mail(
    *,
    message_id: str | None,
    attachments: list[tuple[str, bytes]],
    sent: datetime,
) -> bytes:
    """An e-mail like a PBX sends: a text part and the recordings as attachments."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "pbx@example.org"
    message["To"] = "records@example.org"
    message["Subject"] = "Call recording"
    message["Date"] = email.utils.format_datetime(sent)
    if message_id is not None:
        message["Message-ID"] = message_id
    message.set_content("Recording attached.")
    for name, content in attachments:
        message.add_attachment(content, maintype="audio", subtype="mpeg", filename=name)
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
