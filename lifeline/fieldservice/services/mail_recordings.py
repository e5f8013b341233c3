"""Call recordings a PBX mails to an IMAP mailbox (Rambler-style attachment names
`YYYY.MM.DD__HH-MM-SS__<from>__<to>…`).

`mail_recordings_poll` is run by the periodic task `fieldservice.poll_mailbox` (celery beat:
one schedule per deployment), never in a request thread. One poll at a time: the poll
claims the mailbox's `MailboxPoll` row (a conditional update with a lease), so several
workers or an overlapping tick never read the mailbox twice at once. The mailbox is read
only (EXAMINE, BODY.PEEK); which messages are done is in our database:

- a message whose Message-ID is in `MailMessage` is not downloaded again;
- a message is recorded there only after each of its recordings is stored, in the same
  transaction as their rows; a failure half-way (the mailbox, the storage, the database)
  leaves it unrecorded, and the next poll reads it again — nothing is lost;
- each file is stored once, by content hash (`MailRecording.sha256` is unique), through
  the files service (content-checked audio, random storage name: no name from the mail
  ever reaches the filesystem);
- the dialled line (`to`) finds the campaign, hence the company; the recording is linked to
  that company's request from `from` created within ±30 minutes of the call, or, if the
  request does not exist yet, by a later poll when it does (for `LINK_PENDING_FOR`).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lifeline.core.exceptions import DomainError
from lifeline.fieldservice import conf
from lifeline.fieldservice.integrations import imap
from lifeline.fieldservice.metrics import MAIL_RECORDINGS, MAILBOX_POLL_FAILURES
from lifeline.fieldservice.models import (
    Campaign,
    MailboxPoll,
    MailMessage,
    MailRecording,
    RequestFile,
    ServiceRequest,
)
from lifeline.fieldservice.phones import to_e164
from lifeline.fieldservice.services.recordings import company_file_owner
from lifeline.files.enums import FileKind
from lifeline.files.services import file_attach, file_upload

logger = logging.getLogger(__name__)

# A poll that died (a killed worker) frees the mailbox after this.
POLL_LEASE = timedelta(minutes=15)
# A stored recording without a request is linked by later polls for this long.
LINK_PENDING_FOR = timedelta(hours=2)

_RAMBLER_NAME = re.compile(
    r"^(?P<y>\d{4})\.(?P<mo>\d{2})\.(?P<d>\d{2})__(?P<h>\d{2})-(?P<mi>\d{2})-(?P<s>\d{2})"
    r"__(?P<from>\+?\d{3,16})__(?P<to>\+?\d{3,16})"
)


@dataclass(frozen=True)
class RecordingName:
    """What a Rambler-style attachment name says: when, from which phone, to which line."""

    file_name: str
    recorded_at: datetime
    from_number: str
    to_number: str


def safe_file_name(raw: str | None) -> str:
    """The last path part of an attachment's name, without control characters: whatever
    the mail says (`../../x`, `C:\\x`, CR/LF), no path survives. Only used to read the
    name and for display; the files service stores under a random name anyway."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    return name.strip().lstrip(".").strip()[:200]


def parse_recording_name(raw: str | None) -> RecordingName | None:
    """The call a Rambler-style file name describes, or None if it is not one."""
    name = safe_file_name(raw)
    match = _RAMBLER_NAME.match(name)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (
            int(match.group(k)) for k in ("y", "mo", "d", "h", "mi", "s")
        )
        local = datetime(
            year, month, day, hour, minute, second, tzinfo=ZoneInfo(conf.imap_timezone())
        )
    except ValueError:  # 2026.13.40: not a date
        return None
    return RecordingName(
        file_name=name,
        recorded_at=local.astimezone(ZoneInfo("UTC")),
        from_number=to_e164(match.group("from")),
        to_number=to_e164(match.group("to")),
    )


def _request_for(
    *, organization_id: Any, phone: str, recorded_at: datetime
) -> ServiceRequest | None:
    """The company's request from `phone` created closest to the call, within ±30 minutes."""
    window = timedelta(minutes=conf.MAIL_RECORDING_WINDOW_MINUTES)
    candidates = ServiceRequest.objects.filter(
        organization_id=organization_id,
        client_phone=phone,
        created_at__gte=recorded_at - window,
        created_at__lte=recorded_at + window,
    ).order_by("created_at", "id")[:20]
    return min(candidates, key=lambda r: abs(r.created_at - recorded_at), default=None)


def _store(
    *, message: MailMessage, name: RecordingName, content: bytes, sha256: str
) -> MailRecording:
    campaign = (
        Campaign.objects.filter(phone_number=name.to_number).select_related("organization").first()
    )
    row = MailRecording(
        message=message,
        sha256=sha256,
        file_name=name.file_name,
        from_number=name.from_number,
        to_number=name.to_number,
        recorded_at=name.recorded_at,
    )
    owner = company_file_owner(campaign.organization_id) if campaign else None
    if campaign is None or owner is None:
        # No company behind the line: nobody may ever see it, so it is not kept.
        row.outcome = MailRecording.Outcome.NO_LINE
        row.save()
        return row
    row.organization_id = campaign.organization_id
    request = _request_for(
        organization_id=campaign.organization_id,
        phone=name.from_number,
        recorded_at=name.recorded_at,
    )
    try:
        stored = file_upload(
            actor=owner,
            uploaded_file=ContentFile(content, name=name.file_name),
            kind=FileKind.CALL_RECORDING,
            organization=campaign.organization,
            attach_to=request,
        )
    except DomainError as exc:  # not audio, too large, empty: it never will be
        logger.warning("fieldservice.mail_recording_rejected", extra={"code": exc.code})
        row.outcome = MailRecording.Outcome.REJECTED
        row.save()
        return row
    row.outcome = MailRecording.Outcome.STORED
    row.file = stored
    row.request = request
    row.save()
    if request is not None:
        RequestFile.objects.create(
            request=request, file=stored, purpose=RequestFile.Purpose.RECORDING
        )
    return row


def _attachments(message: EmailMessage) -> list[tuple[RecordingName, bytes]]:
    found = []
    for part in message.walk():
        if part.is_multipart():
            continue
        name = parse_recording_name(part.get_filename())
        if name is None:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            found.append((name, payload))
    return found


def mail_message_process(*, message_id: str, raw: bytes) -> MailMessage:
    """Store the recordings of one e-mail and record it as done, all or nothing.

    A recording already stored (same content) is not stored again; the message is recorded
    with the number of recordings it had.
    """
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    found = _attachments(cast(EmailMessage, parsed))
    outcomes: list[str] = []
    stored: list[str] = []
    try:
        with transaction.atomic():
            message = MailMessage.objects.create(message_id=message_id, attachments=len(found))
            for name, content in found:
                sha256 = hashlib.sha256(content).hexdigest()
                if MailRecording.objects.filter(sha256=sha256).exists():
                    outcomes.append("duplicate")
                    continue
                row = _store(message=message, name=name, content=content, sha256=sha256)
                if row.file is not None:
                    stored.append(row.file.storage_name)
                outcomes.append(row.outcome)
    except BaseException:
        # The rows are rolled back; their blobs must go too (the next poll stores them again).
        for storage_name in stored:
            default_storage.delete(storage_name)
        raise
    for outcome in outcomes:
        MAIL_RECORDINGS.labels(outcome=outcome).inc()
    return message


def _claim(mailbox: str, now: datetime) -> bool:
    MailboxPoll.objects.get_or_create(mailbox=mailbox)
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - POLL_LEASE)
    return bool(MailboxPoll.objects.filter(free, mailbox=mailbox).update(claimed_at=now))


def _mailbox_key() -> str:
    identity = f"{conf.imap_user()}@{conf.imap_host()}:{conf.imap_port()}/{conf.imap_folder()}"
    return hashlib.sha256(identity.encode()).hexdigest()[:64]


@dataclass
class PollResult:
    polled: bool = False
    messages: int = 0
    failed: bool = False


def mail_recordings_poll(
    *,
    now: datetime | None = None,
    mailbox_factory: Callable[[], imap.Mailbox] | None = None,
) -> PollResult:
    """Read the new messages of the recordings mailbox once (if configured and no other
    poll holds it), then link stored recordings whose request has appeared since."""
    now = now or timezone.now()
    result = PollResult()
    if mailbox_factory is None:
        if not conf.imap_enabled():
            return result
        mailbox_factory = imap.mailbox
    key = _mailbox_key()
    if not _claim(key, now):
        return result  # another poll is reading this mailbox
    result.polled = True
    error = ""
    try:
        with mailbox_factory() as box:
            since = (now - timedelta(days=conf.imap_days_back())).date()
            ids = box.message_ids(box.uids_since(since))
            keys = {uid: mid or f"<uid-{uid}@mailbox>" for uid, mid in ids.items()}
            done = set(
                MailMessage.objects.filter(message_id__in=set(keys.values())).values_list(
                    "message_id", flat=True
                )
            )
            todo = [uid for uid in sorted(keys) if keys[uid] not in done]
            for uid in todo[: conf.IMAP_MESSAGES_PER_POLL]:
                raw = box.fetch(uid)
                if raw is None:
                    continue
                message_id = keys[uid]
                if not ids[uid]:  # no Message-ID: the content identifies the message
                    message_id = f"<sha256-{hashlib.sha256(raw).hexdigest()}@mailbox>"
                    if MailMessage.objects.filter(message_id=message_id).exists():
                        continue
                try:
                    mail_message_process(message_id=message_id, raw=raw)
                except imap.MailboxUnavailable:
                    raise
                except Exception as exc:  # this message stays unrecorded: read again next time
                    error = type(exc).__name__
                    logger.exception(
                        "fieldservice.mail_message_failed", extra={"message_id": message_id}
                    )
                    continue
                result.messages += 1
    except imap.MailboxUnavailable as exc:
        error = str(exc) or "MailboxUnavailable"
        logger.warning("fieldservice.mailbox_unavailable", extra={"error": error})
    finally:
        failed_at = timezone.now() if error else None
        MailboxPoll.objects.filter(mailbox=key).update(
            claimed_at=None,
            last_polled_at=timezone.now(),
            **({"last_failed_at": failed_at, "last_error": error[:100]} if error else {}),
        )
    if error:
        result.failed = True
        MAILBOX_POLL_FAILURES.inc()
    mail_recordings_link_pending(now=now)
    return result


def mail_recordings_link_pending(*, now: datetime | None = None) -> int:
    """Link stored recordings that had no request yet to the request from their phone,
    once it exists (an operator may create it after the mail arrived). Returns how many."""
    now = now or timezone.now()
    linked = 0
    pending = MailRecording.objects.filter(
        request__isnull=True, file__isnull=False, recorded_at__gte=now - LINK_PENDING_FOR
    ).select_related("file")
    for row in pending.order_by("recorded_at", "id")[:200]:
        request = _request_for(
            organization_id=row.organization_id, phone=row.from_number, recorded_at=row.recorded_at
        )
        if request is None or row.file is None:
            continue
        with transaction.atomic():
            file_attach(file=row.file, obj=request)
            RequestFile.objects.create(
                request=request, file=row.file, purpose=RequestFile.Purpose.RECORDING
            )
            row.request = request
            row.save(update_fields=["request"])
        linked += 1
    return linked
