"""Recordings mailed by the PBX (issue 17 §5), read from a real IMAP server on a local
socket (tests/imap_server.py) by the real imaplib client."""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lifeline.fieldservice import metrics
from lifeline.fieldservice.models import (
    MailboxPoll,
    MailMessage,
    MailRecording,
    RequestFile,
    ServiceRequest,
)
from lifeline.fieldservice.services import mail_recordings
from lifeline.fieldservice.services.mail_recordings import (
    mail_recordings_poll,
    parse_recording_name,
    safe_file_name,
)
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import ServiceRequestFactory
from lifeline.fieldservice.tests.imap_server import ImapTestServer, recording_mail
from lifeline.files.models import StoredFile

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
# 14:05:00 in Moscow is 11:05 UTC; the line +74950000001 is the world's campaign (Moscow).
NAME = "2026.12.07__14-05-00__79161234567__74950000001_1.wav"
CALL_AT = datetime(2026, 12, 7, 11, 5, tzinfo=UTC)
PHONE = "+79161234567"


def audio(frames: int = 800) -> bytes:
    """A small WAV file; different `frames` give different content."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"\x00\x00" * frames)
    return out.getvalue()


@pytest.fixture
def imap(settings: Any) -> Iterator[ImapTestServer]:
    with ImapTestServer("records@example.org", 'p"a ss') as server:
        settings.FIELDSERVICE_IMAP_HOST = "127.0.0.1"
        settings.FIELDSERVICE_IMAP_PORT = server.port
        settings.FIELDSERVICE_IMAP_SSL = False
        settings.FIELDSERVICE_IMAP_USER = "records@example.org"
        settings.FIELDSERVICE_IMAP_PASSWORD = 'p"a ss'
        settings.FIELDSERVICE_IMAP_TIMEZONE = "Europe/Moscow"
        yield server


def _mail(server: ImapTestServer, message_id: str | None, *files: tuple[str, bytes]) -> None:
    server.state.add(
        recording_mail(message_id=message_id, attachments=list(files), sent=NOW),
        received=NOW.date(),
    )


def _request(world: Any, *, created_at: datetime, phone: str = PHONE) -> ServiceRequest:
    request = ServiceRequestFactory(city=world.moscow, client_phone=phone, master=world.master)
    ServiceRequest.objects.filter(pk=request.pk).update(created_at=created_at)
    request.refresh_from_db()
    return request


def _counter(counter: Any, **labels: str) -> float:
    return float((counter.labels(**labels) if labels else counter)._value.get())


def test_file_names_parse_in_the_pbx_timezone_and_lose_any_path() -> None:
    parsed = parse_recording_name(NAME)
    assert parsed is not None
    assert (parsed.recorded_at, parsed.from_number, parsed.to_number) == (
        CALL_AT,
        PHONE,
        "+74950000001",
    )
    crafted = parse_recording_name("../../etc/" + NAME)
    assert crafted is not None
    assert crafted.file_name == NAME
    assert safe_file_name("..\\..\\C:\\x\r\n.mp3") == "x.mp3"
    assert safe_file_name("/var/lib/../../" + NAME) == NAME
    assert parse_recording_name(NAME.replace("__74950000001", "/../../74950000001")) is None
    assert parse_recording_name("2026.13.40__14-05-00__7916__7495.mp3") is None
    assert parse_recording_name("invoice.pdf") is None
    assert parse_recording_name(None) is None


def test_a_mailed_recording_is_stored_and_linked_to_the_request_of_its_phone(
    world: Any, imap: ImapTestServer
) -> None:
    # given a request from the phone created 2 minutes before the call (and one 40 min off)
    request = _request(world, created_at=CALL_AT - timedelta(minutes=2))
    _request(world, created_at=CALL_AT + timedelta(minutes=40))
    _mail(imap, "<m1@pbx.example.org>", (NAME, audio()))
    stored_before = _counter(metrics.MAIL_RECORDINGS, outcome="stored")
    # when the poll runs
    result = mail_recordings_poll(now=NOW)
    # then the recording is stored once, through the files service, on that request
    assert (result.polled, result.messages, result.failed) == (True, 1, False)
    row = MailRecording.objects.get()
    assert (row.outcome, row.request_id, row.recorded_at) == ("stored", request.pk, CALL_AT)
    assert (row.from_number, row.to_number, row.file_name) == (PHONE, "+74950000001", NAME)
    stored = StoredFile.objects.get()
    assert (stored.kind, stored.content_type, stored.organization_id) == (
        "call_recording",
        "audio/wav",
        world.company.pk,
    )
    assert stored.original_name == NAME
    assert re.fullmatch(r"[a-z_]+/\d{4}/\d{2}/[0-9a-f]{32}", stored.storage_name)
    attached = RequestFile.objects.get(request=request)
    assert (attached.purpose, attached.file_id) == ("recording", stored.pk)
    assert MailMessage.objects.get().message_id == "<m1@pbx.example.org>"
    assert _counter(metrics.MAIL_RECORDINGS, outcome="stored") == stored_before + 1
    # and the mailbox was only read: EXAMINE and BODY.PEEK, never a flag or an expunge
    sent = [c.split(" ", 1)[1].upper() for c in imap.state.commands]
    assert any(c.startswith("EXAMINE") for c in sent)
    assert not any(c.startswith(("SELECT", "STORE", "EXPUNGE", "UID STORE")) for c in sent)
    assert [c for c in sent if "BODY.PEEK[]" in c] == ["UID FETCH 1 (BODY.PEEK[])"]
    # and only those who may see the request download it
    url = f"/api/v1/files/{stored.pk}/download/"
    assert client_for(world.operator).get(url).status_code == 200
    assert client_for(world.master).get(url).status_code == 200
    assert client_for(world.master2).get(url).status_code == 404
    assert client_for(world.other_director).get(url).status_code == 404
    assert client_for(None).get(url).status_code in (401, 403)


def test_a_message_is_read_once_and_a_file_stored_once(world: Any, imap: ImapTestServer) -> None:
    _request(world, created_at=CALL_AT)
    _mail(imap, "<m1@pbx.example.org>", (NAME, audio()))
    mail_recordings_poll(now=NOW)
    imap.state.commands.clear()
    # the same file again in another message, and the first message on a second poll
    _mail(imap, "<m2@pbx.example.org>", (NAME, audio()))
    duplicates_before = _counter(metrics.MAIL_RECORDINGS, outcome="duplicate")
    result = mail_recordings_poll(now=NOW)
    assert result.messages == 1
    fetched = [c for c in imap.state.commands if "BODY.PEEK[]" in c.upper()]
    assert [c.split(" ", 1)[1] for c in fetched] == ["UID FETCH 2 (BODY.PEEK[])"]
    assert sorted(MailMessage.objects.values_list("message_id", flat=True)) == [
        "<m1@pbx.example.org>",
        "<m2@pbx.example.org>",
    ]
    assert (MailRecording.objects.count(), StoredFile.objects.count()) == (1, 1)
    assert _counter(metrics.MAIL_RECORDINGS, outcome="duplicate") == duplicates_before + 1
    # a third poll downloads nothing
    imap.state.commands.clear()
    assert mail_recordings_poll(now=NOW).messages == 0
    assert not [c for c in imap.state.commands if "BODY.PEEK[]" in c.upper()]


def test_a_crafted_attachment_name_never_reaches_the_filesystem(
    world: Any, imap: ImapTestServer
) -> None:
    _mail(
        imap,
        "<evil@pbx.example.org>",
        ("../../../../etc/" + NAME, audio(900)),
        ("2026.12.07__14-05-00__79161234567__74950000001/../../../evil.wav", audio(901)),
    )
    mail_recordings_poll(now=NOW)
    row = MailRecording.objects.get()
    assert row.file_name == NAME
    stored = StoredFile.objects.get()
    assert "/" not in stored.original_name
    assert ".." not in stored.original_name
    assert "etc" not in stored.storage_name
    assert NAME not in stored.storage_name


def test_a_recording_that_came_before_its_request_is_linked_when_the_request_appears(
    world: Any, imap: ImapTestServer
) -> None:
    _mail(imap, "<m1@pbx.example.org>", (NAME, audio()))
    mail_recordings_poll(now=NOW)
    row = MailRecording.objects.get()
    assert (row.outcome, row.request_id) == ("stored", None)
    # the operator creates the request 10 minutes after the call; the next poll links it
    request = _request(world, created_at=CALL_AT + timedelta(minutes=10))
    mail_recordings_poll(now=NOW + timedelta(minutes=5))
    row.refresh_from_db()
    assert row.request_id == request.pk
    assert RequestFile.objects.get(request=request).file_id == row.file_id
    assert client_for(world.master).get(f"/api/v1/files/{row.file_id}/download/").status_code == 200


def test_a_line_of_no_company_and_a_file_that_is_not_audio_are_not_kept(
    world: Any, imap: ImapTestServer
) -> None:
    _mail(
        imap,
        "<m1@pbx.example.org>",
        ("2026.12.07__14-05-00__79161234567__74959999999.wav", audio()),
        (NAME, b"MZ\x90\x00 not audio at all"),
        ("invoice.pdf", b"%PDF-1.4"),
    )
    mail_recordings_poll(now=NOW)
    assert sorted(MailRecording.objects.values_list("outcome", flat=True)) == [
        "no_line",
        "rejected",
    ]
    assert StoredFile.objects.count() == 0
    assert MailMessage.objects.get().attachments == 2


def test_a_mailbox_that_fails_mid_poll_loses_nothing(world: Any, imap: ImapTestServer) -> None:
    request = _request(world, created_at=CALL_AT)
    _mail(imap, "<m1@pbx.example.org>", (NAME, audio()))
    failures_before = _counter(metrics.MAILBOX_POLL_FAILURES)
    # the connection drops while the message is downloaded
    imap.state.drop_on = "BODY.PEEK[]"
    result = mail_recordings_poll(now=NOW)
    assert (result.polled, result.failed, result.messages) == (True, True, 0)
    assert (MailMessage.objects.count(), MailRecording.objects.count()) == (0, 0)
    poll = MailboxPoll.objects.get()
    assert poll.claimed_at is None
    assert poll.last_error == "abort"
    assert _counter(metrics.MAILBOX_POLL_FAILURES) == failures_before + 1
    # the next poll gets it
    imap.state.drop_on = ""
    assert mail_recordings_poll(now=NOW).messages == 1
    assert MailRecording.objects.get().request_id == request.pk


def test_a_refused_login_stores_nothing_and_never_logs_the_password(
    world: Any, imap: ImapTestServer, settings: Any, caplog: Any
) -> None:
    settings.FIELDSERVICE_IMAP_PASSWORD = "wrong-secret"
    _mail(imap, "<m1@pbx.example.org>", (NAME, audio()))
    result = mail_recordings_poll(now=NOW)
    assert (result.polled, result.failed) == (True, True)
    assert MailMessage.objects.count() == 0
    assert "wrong-secret" not in caplog.text
    assert MailboxPoll.objects.get().last_error == "error"


def test_a_message_whose_storage_fails_is_read_again(
    world: Any, imap: ImapTestServer, monkeypatch: Any
) -> None:
    _request(world, created_at=CALL_AT)
    _mail(imap, "<m1@pbx.example.org>", (NAME, audio(800)), (NAME, audio(801)))
    real_upload = mail_recordings.file_upload
    calls = {"n": 0}

    def flaky_upload(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:  # the second attachment: the storage is down
            raise OSError("disk full")
        return real_upload(**kwargs)

    monkeypatch.setattr(mail_recordings, "file_upload", flaky_upload)
    result = mail_recordings_poll(now=NOW)
    # nothing of the message is kept (not even the first attachment's blob)
    assert (result.messages, result.failed) == (0, True)
    assert (MailMessage.objects.count(), MailRecording.objects.count()) == (0, 0)
    assert StoredFile.objects.count() == 0
    # and the next poll stores both
    assert mail_recordings_poll(now=NOW).messages == 1
    assert MailRecording.objects.filter(outcome="stored").count() == 2


def test_one_poll_reads_the_mailbox_at_a_time(world: Any, imap: ImapTestServer) -> None:
    _mail(imap, "<m1@pbx.example.org>", (NAME, audio()))
    mail_recordings_poll(now=NOW)  # creates the mailbox's row
    connections = imap.state.connections
    # another worker holds the mailbox
    MailboxPoll.objects.update(claimed_at=NOW)
    assert mail_recordings_poll(now=NOW + timedelta(minutes=1)).polled is False
    assert imap.state.connections == connections
    # a poll that died frees it after the lease
    later = NOW + mail_recordings.POLL_LEASE + timedelta(seconds=1)
    assert mail_recordings_poll(now=later).polled is True
    assert imap.state.connections == connections + 1


def test_without_a_mailbox_configured_nothing_is_polled(world: Any) -> None:
    assert mail_recordings_poll(now=NOW).polled is False
    assert MailboxPoll.objects.count() == 0


def test_the_poll_runs_from_the_beat_schedule_on_a_worker() -> None:
    from config.celery import app

    entry = app.conf.beat_schedule["fieldservice.poll_mailbox"]
    assert (entry["task"], entry["schedule"]) == ("fieldservice.poll_mailbox", 300.0)
    from lifeline.fieldservice.tasks import poll_mailbox

    assert poll_mailbox.name == "fieldservice.poll_mailbox"
