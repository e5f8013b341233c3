"""Call recordings from Mango: `events/recording` (or `record/added`) stores a row due a
minute later; the sweep downloads it through `queries/recording/post`, retrying with
backoff for up to 10 minutes, and stores it through the files service, attached to the
call's request (or the call)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.fieldservice import conf
from lifeline.fieldservice.exceptions import TelephonyNotConfigured, TelephonyUnavailable
from lifeline.fieldservice.integrations.base import TelephonyClient
from lifeline.fieldservice.metrics import RECORDING_FETCH_FAILURES
from lifeline.fieldservice.models import Call, CallRecording, RequestFile
from lifeline.files.enums import FileKind
from lifeline.files.services import file_upload

logger = logging.getLogger(__name__)

FIRST_ATTEMPT_AFTER = timedelta(seconds=60)
GIVE_UP_AFTER = timedelta(minutes=10)
MAX_BACKOFF = timedelta(minutes=3)


def recording_register(*, payload: dict[str, Any]) -> CallRecording | None:
    """Store the recording of a Mango event once; due in a minute (Mango needs the time)."""
    recording_id = str(payload.get("recording_id") or "")[:200]
    if not recording_id:
        return None
    entry_id = str(payload.get("entry_id") or "")[:100]
    recording, _ = CallRecording.objects.get_or_create(
        recording_id=recording_id,
        defaults={
            "entry_id": entry_id,
            "call": Call.objects.filter(entry_id=entry_id).first() if entry_id else None,
            "next_attempt_at": timezone.now() + FIRST_ATTEMPT_AFTER,
        },
    )
    return recording


def company_file_owner(organization_id: Any) -> Any:
    """Who owns a company's recordings in the files service: its first director (None
    when it has none: then nobody may see the file, and it is not kept)."""
    from lifeline.accounts.models import User

    return (
        User.objects.filter(
            memberships__organization_id=organization_id,
            memberships__role=Role.DIRECTOR,
            memberships__is_active=True,
        )
        .order_by("date_joined")
        .first()
    )


def _owner_of(call: Call | None) -> Any:
    """Whom the stored file belongs to: the operator who answered, else a director."""
    if call is None or call.organization_id is None:
        return None
    if call.operator_id:
        return call.operator
    return company_file_owner(call.organization_id)


def recordings_fetch_due(
    *, now: datetime | None = None, client: TelephonyClient | None = None, limit: int = 20
) -> int:
    """Try the due recordings once each; return how many were stored."""
    now = now or timezone.now()
    due = list(
        CallRecording.objects.filter(next_attempt_at__lte=now)
        .select_related("call", "call__request", "call__organization")
        .order_by("next_attempt_at", "id")[:limit]
    )
    if not due:
        return 0
    if client is None:
        if not conf.mango_enabled():
            raise TelephonyNotConfigured()
        from lifeline.fieldservice.integrations.mango import client as mango_client

        client = mango_client()
    stored = 0
    for recording in due:
        stored += int(_fetch_one(recording, client=client, now=now))
    return stored


def _fetch_one(recording: CallRecording, *, client: TelephonyClient, now: datetime) -> bool:
    if recording.call is None and recording.entry_id:
        recording.call = Call.objects.filter(entry_id=recording.entry_id).first()
    try:
        audio = client.recording_download(recording_id=recording.recording_id)
    except TelephonyUnavailable:
        recording.attempts += 1
        if now - recording.created_at >= GIVE_UP_AFTER:
            recording.next_attempt_at = None
            recording.gave_up_at = now
            RECORDING_FETCH_FAILURES.inc()
            logger.warning("fieldservice.recording_gave_up", extra={"recording": recording.pk})
        else:
            backoff = min(FIRST_ATTEMPT_AFTER * (2 ** (recording.attempts - 1)), MAX_BACKOFF)
            recording.next_attempt_at = now + backoff
        recording.save(
            update_fields=["call", "attempts", "next_attempt_at", "gave_up_at", "updated_at"]
        )
        return False
    call = recording.call
    owner = _owner_of(call)
    if (
        owner is None or call is None
    ):  # no company behind the line: nobody may ever see it; do not keep it
        recording.next_attempt_at = None
        recording.gave_up_at = now
        recording.save(update_fields=["call", "next_attempt_at", "gave_up_at", "updated_at"])
        return False
    target: Any = call.request or call
    stored = file_upload(
        actor=owner,
        uploaded_file=ContentFile(audio, name=f"recording-{recording.recording_id[:40]}"),
        kind=FileKind.CALL_RECORDING,
        organization=call.organization,
        attach_to=target,
    )
    with transaction.atomic():
        recording.file = stored
        recording.fetched_at = now
        recording.next_attempt_at = None
        recording.attempts += 1
        recording.save()
        if call.request_id:
            RequestFile.objects.create(
                request_id=call.request_id, file=stored, purpose=RequestFile.Purpose.RECORDING
            )
    return True
