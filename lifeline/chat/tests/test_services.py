from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lifeline.audit.models import AuditEvent
from lifeline.chat import services
from lifeline.chat.enums import MessageKind, ReceiptState
from lifeline.chat.exceptions import (
    AttachmentTooLarge,
    ConversationReadOnly,
    EditWindowClosed,
    EmptyMessage,
    InvalidReference,
    InvalidReply,
    MessageDeleted,
    MessageNotEditable,
    MessageTooLong,
    NotMessageAuthor,
    VoiceTooLong,
)
from lifeline.chat.models import Conversation, Message, MessageReceipt, MessageRevision
from lifeline.clinic.tests.factories import (
    AssessmentFactory,
    ConclusionFactory,
    ConclusionVersionFactory,
    PatientFactory,
)
from lifeline.core.exceptions import InvalidInput, NotFound
from lifeline.files.exceptions import FileTypeNotAllowed
from lifeline.files.models import StoredFile
from lifeline.files.tests import samples
from lifeline.notifications.models import Notification
from lifeline.realtime import presence

pytestmark = pytest.mark.django_db


def _upload(content: bytes, name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- opening -------------------------------------------------------------------------------
def test_doctor_opens_with_assigned_patient_and_reopening_returns_it(team: SimpleNamespace) -> None:
    conversation, created = services.conversation_open(
        actor=team.doctor, patient_id=team.patient.pk, topic="medication"
    )
    assert created is True
    assert (conversation.patient_user_id, conversation.doctor_id) == (
        team.patient_user.pk,
        team.doctor.pk,
    )
    assert conversation.organization_id == team.clinic.pk
    assert conversation.reply_target_minutes == 24 * 60
    again, created_again = services.conversation_open(
        actor=team.patient_user, doctor_id=team.doctor.pk, topic="medication"
    )
    assert (again.pk, created_again) == (conversation.pk, False)
    assert AuditEvent.objects.filter(action="chat.conversation_opened").count() == 1


def test_patient_opens_with_care_team_doctor_and_reference(team: SimpleNamespace) -> None:
    ref = AssessmentFactory(patient=team.patient).pk
    conversation, created = services.conversation_open(
        actor=team.patient_user,
        doctor_id=team.doctor.pk,
        topic="test_results",
        reference_kind="assessment",
        reference_id=ref,
    )
    assert created is True
    assert (conversation.reference_kind, conversation.reference_id) == ("assessment", ref)


@pytest.mark.parametrize("who", ["other_doctor", "admin", "other_admin"])
def test_nobody_else_may_open(team: SimpleNamespace, who: str) -> None:
    with pytest.raises(NotFound):
        services.conversation_open(actor=getattr(team, who), patient_id=team.patient.pk)
    with pytest.raises(NotFound):
        services.conversation_open(actor=getattr(team, who), doctor_id=team.doctor.pk)
    assert Conversation.objects.count() == 0


def test_patient_may_not_open_with_unassigned_doctor(team: SimpleNamespace) -> None:
    with pytest.raises(NotFound):
        services.conversation_open(actor=team.patient_user, doctor_id=team.other_doctor.pk)
    assert Conversation.objects.count() == 0


def test_half_a_reference_is_refused(team: SimpleNamespace) -> None:
    with pytest.raises(InvalidReference):
        services.conversation_open(
            actor=team.doctor, patient_id=team.patient.pk, reference_kind="assessment"
        )
    assert Conversation.objects.count() == 0


# --- sending -------------------------------------------------------------------------------
def test_patient_text_creates_receipt_event_and_awaiting(
    team: SimpleNamespace,
    conversation: Conversation,
    published: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message, created = services.message_send(
            actor=team.patient_user, conversation=conversation, text="  Pain is worse at night  "
        )
    assert created is True
    assert (message.kind, message.text) == (MessageKind.TEXT, "Pain is worse at night")
    receipt = MessageReceipt.objects.get(message=message)
    assert (receipt.recipient_id, receipt.state) == (team.doctor.pk, ReceiptState.SENT)
    conversation.refresh_from_db()
    assert conversation.awaiting_reply_since == message.created_at
    assert conversation.last_message_at == message.created_at
    assert [(t, g) for t, _d, g in published] == [
        ("chat.message_created", [f"chat.conversation.{conversation.pk}"])
    ]
    data = published[0][1]
    assert data["text"] == "Pain is worse at night"
    assert data["receipt"] == {"state": "sent", "delivered_at": None, "read_at": None}
    # The doctor is offline: one notification, without the text.
    notification = Notification.objects.get(recipient=team.doctor)
    assert notification.topic == "chat.message_received"
    assert notification.title == "New message from Anna Petrova"
    assert "Pain" not in notification.body + notification.title
    # The doctor's reply clears the wait.
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=team.doctor, conversation=conversation, text="Noted")
    conversation.refresh_from_db()
    assert conversation.awaiting_reply_since is None
    assert Notification.objects.get(recipient=team.patient_user).title == (
        "New message from Dr Ivan Sokolov"
    )


def test_online_recipient_and_unread_run_are_not_notified_again(
    team: SimpleNamespace,
    conversation: Conversation,
    published: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=team.patient_user, conversation=conversation, text="one")
        services.message_send(actor=team.patient_user, conversation=conversation, text="two")
    assert Notification.objects.filter(recipient=team.doctor).count() == 1
    presence.mark_online(team.patient_user.pk, "socket-1")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(actor=team.doctor, conversation=conversation, text="hi")
    assert Notification.objects.filter(recipient=team.patient_user).count() == 0


def test_client_id_makes_send_idempotent(team: SimpleNamespace, conversation: Conversation) -> None:
    import uuid

    key = uuid.uuid4()
    first, created = services.message_send(
        actor=team.doctor, conversation=conversation, text="Take 1 tablet", client_id=key
    )
    second, created_again = services.message_send(
        actor=team.doctor, conversation=conversation, text="Take 1 tablet", client_id=key
    )
    assert (created, created_again, second.pk) == (True, False, first.pk)
    assert Message.objects.count() == 1
    other, _ = services.conversation_open(
        actor=team.doctor, patient_id=team.patient.pk, topic="other"
    )
    with pytest.raises(InvalidInput):
        services.message_send(actor=team.doctor, conversation=other, text="x", client_id=key)
    assert Message.objects.count() == 1


def test_attachment_and_voice_are_stored_through_files(
    team: SimpleNamespace, conversation: Conversation, stored_blobs: Any
) -> None:
    image, _ = services.message_send(
        actor=team.patient_user, conversation=conversation, upload=_upload(samples.png())
    )
    voice, _ = services.message_send(
        actor=team.patient_user,
        conversation=conversation,
        upload=_upload(samples.ogg_opus(), "voice.ogg"),
        voice=True,
        duration_ms=4200,
    )
    assert (image.kind, image.file.content_type, image.file.kind) == (
        MessageKind.ATTACHMENT,
        "image/png",
        "attachment",
    )
    assert (voice.kind, voice.file.content_type, voice.duration_ms) == (
        MessageKind.VOICE,
        "audio/ogg",
        4200,
    )
    assert voice.file.attached_to == voice
    assert len(stored_blobs()) == 2


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": ""}, EmptyMessage),
        ({"text": "   \n "}, EmptyMessage),
        ({"text": "x" * 4001}, MessageTooLong),
        ({"upload": "exe"}, FileTypeNotAllowed),
        ({"upload": "big"}, AttachmentTooLarge),
        ({"upload": "voice", "voice": True, "duration_ms": 181_000}, VoiceTooLong),
        ({"upload": "png", "voice": True}, FileTypeNotAllowed),
        ({"voice": True, "text": "hi"}, EmptyMessage),
    ],
)
def test_bad_input_stores_and_broadcasts_nothing(
    team: SimpleNamespace,
    conversation: Conversation,
    published: list,
    stored_blobs: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    kwargs: dict[str, Any],
    error: type[Exception],
) -> None:
    settings.LIFELINE_CHAT_MAX_ATTACHMENT_BYTES = 1000
    uploads = {
        "exe": lambda: _upload(samples.EXE, "x.exe"),
        "big": lambda: _upload(b"%PDF-1.4" + b"0" * 2000, "x.pdf"),
        "voice": lambda: _upload(samples.ogg_opus(), "v.ogg"),
        "png": lambda: _upload(samples.png()),
    }
    if "upload" in kwargs:
        kwargs = {**kwargs, "upload": uploads[kwargs["upload"]]()}
    audit_before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(error):
        services.message_send(actor=team.patient_user, conversation=conversation, **kwargs)
    assert Message.objects.count() == 0
    assert MessageReceipt.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []
    assert published == []
    assert AuditEvent.objects.count() == audit_before
    conversation.refresh_from_db()
    assert conversation.last_message_at is None


def test_reply_must_be_in_the_same_conversation(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    other, _ = services.conversation_open(
        actor=team.doctor, patient_id=team.patient.pk, topic="other"
    )
    elsewhere, _ = services.message_send(actor=team.doctor, conversation=other, text="x")
    with pytest.raises(InvalidReply):
        services.message_send(
            actor=team.patient_user, conversation=conversation, text="y", reply_to_id=elsewhere.pk
        )
    here, _ = services.message_send(actor=team.doctor, conversation=conversation, text="q")
    reply, _ = services.message_send(
        actor=team.patient_user, conversation=conversation, text="a", reply_to_id=here.pk
    )
    assert reply.reply_to_id == here.pk
    assert Message.objects.count() == 3


def test_admin_may_not_write(team: SimpleNamespace, conversation: Conversation) -> None:
    with pytest.raises(ConversationReadOnly):
        services.message_send(actor=team.admin, conversation=conversation, text="hello")
    with pytest.raises(ConversationReadOnly):
        services.conversation_mark_read(actor=team.admin, conversation=conversation)
    assert Message.objects.count() == 0


# --- edit / delete -------------------------------------------------------------------------
def test_edit_keeps_history_and_publishes(
    team: SimpleNamespace,
    conversation: Conversation,
    published: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    message, _ = services.message_send(actor=team.doctor, conversation=conversation, text="1 mg")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_edit(actor=team.doctor, message=message, text="2 mg")
    message.refresh_from_db()
    assert message.text == "2 mg"
    assert message.edited_at is not None
    assert list(MessageRevision.objects.values_list("text", flat=True)) == ["1 mg"]
    assert [t for t, _d, _g in published] == ["chat.message_updated"]
    assert published[0][1]["text"] == "2 mg"


def _age(message: Message, minutes: int) -> None:
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )
    message.refresh_from_db()


@pytest.mark.parametrize("operation", ["edit", "delete"])
def test_edit_and_delete_refusals_change_nothing(
    team: SimpleNamespace,
    conversation: Conversation,
    published: list,
    django_capture_on_commit_callbacks: Any,
    operation: str,
) -> None:
    message, _ = services.message_send(actor=team.doctor, conversation=conversation, text="1 mg")

    def attempt(actor: Any) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            if operation == "edit":
                services.message_edit(actor=actor, message=message, text="other")
            else:
                services.message_delete(actor=actor, message=message)

    with pytest.raises(NotMessageAuthor):
        attempt(team.patient_user)
    with pytest.raises(ConversationReadOnly):
        attempt(team.admin)
    _age(message, 16)
    with pytest.raises(EditWindowClosed):
        attempt(team.doctor)
    message.refresh_from_db()
    assert (message.text, message.edited_at, message.deleted_at) == ("1 mg", None, None)
    assert MessageRevision.objects.count() == 0
    assert published == []


def test_delete_within_window_hides_text_and_file(
    team: SimpleNamespace,
    conversation: Conversation,
    published: list,
    django_capture_on_commit_callbacks: Any,
    stored_blobs: Any,
) -> None:
    message, _ = services.message_send(
        actor=team.patient_user,
        conversation=conversation,
        upload=_upload(samples.png()),
        text="see",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.message_delete(actor=team.patient_user, message=message)
    message.refresh_from_db()
    assert message.deleted_at is not None
    assert message.file.deleted_at is not None
    assert stored_blobs() == []
    assert MessageReceipt.objects.filter(message=message).count() == 0
    conversation.refresh_from_db()
    assert conversation.awaiting_reply_since is None
    assert published[-1][0] == "chat.message_deleted"
    assert published[-1][1]["text"] == ""
    assert published[-1][1]["file"] is None
    with pytest.raises(MessageDeleted):
        services.message_edit(actor=team.patient_user, message=message, text="x")


def test_voice_is_not_editable(team: SimpleNamespace, conversation: Conversation) -> None:
    voice, _ = services.message_send(
        actor=team.patient_user,
        conversation=conversation,
        upload=_upload(samples.ogg_opus(), "v.ogg"),
        voice=True,
    )
    with pytest.raises(MessageNotEditable):
        services.message_edit(actor=team.patient_user, message=voice, text="x")


# --- receipts ------------------------------------------------------------------------------
def test_delivered_then_read(
    team: SimpleNamespace,
    conversation: Conversation,
    published: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, _ = services.message_send(actor=team.doctor, conversation=conversation, text="a")
    second, _ = services.message_send(actor=team.doctor, conversation=conversation, text="b")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.conversation_mark_delivered(actor=team.patient_user, conversation=conversation)
            == 2
        )
        assert (
            services.conversation_mark_delivered(actor=team.patient_user, conversation=conversation)
            == 0
        )
        assert (
            services.conversation_mark_read(
                actor=team.patient_user, conversation=conversation, up_to=first
            )
            == 1
        )
        assert (
            services.conversation_mark_read(actor=team.patient_user, conversation=conversation) == 1
        )
    states = dict(MessageReceipt.objects.values_list("message_id", "read_at"))
    assert all(states.values())
    assert [(d["state"], sorted(d["message_ids"])) for t, d, _g in published] == [
        ("delivered", sorted([str(first.pk), str(second.pk)])),
        ("read", [str(first.pk)]),
        ("read", [str(second.pk)]),
    ]


def test_read_receipts_off_shows_delivered(
    team: SimpleNamespace,
    conversation: Conversation,
    published: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.settings_update(user=team.patient_user, read_receipts=False)
    services.message_send(actor=team.doctor, conversation=conversation, text="a")
    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_mark_read(actor=team.patient_user, conversation=conversation)
    assert published[0][1]["state"] == "delivered"
    assert MessageReceipt.objects.get().read_at is not None  # still counts as read for unread


# --- retention -----------------------------------------------------------------------------
def test_purge_expired_respects_retention(
    team: SimpleNamespace,
    conversation: Conversation,
    settings: Any,
    stored_blobs: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old, _ = services.message_send(
        actor=team.doctor, conversation=conversation, upload=_upload(samples.png())
    )
    new, _ = services.message_send(actor=team.doctor, conversation=conversation, text="new")
    Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    assert services.purge_expired() == 0  # retention off by default
    settings.LIFELINE_CHAT_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_expired() == 1
    assert list(Message.objects.values_list("pk", flat=True)) == [new.pk]
    assert stored_blobs() == []


def test_patient_chat_erase(team: SimpleNamespace, conversation: Conversation) -> None:
    services.message_send(actor=team.doctor, conversation=conversation, text="x")
    assert services.patient_chat_erase(patient=team.patient) == 1
    assert (Conversation.objects.count(), Message.objects.count()) == (0, 0)
    assert AuditEvent.objects.filter(action="chat.patient_chat_erased").count() == 1


# --- references ----------------------------------------------------------------------------
def _records(patient: Any) -> dict[str, Any]:
    issued = ConclusionFactory(patient=patient)
    ConclusionVersionFactory(conclusion=issued)
    return {
        "assessment": AssessmentFactory(patient=patient).pk,
        "conclusion": issued.pk,
        "draft_conclusion": ConclusionFactory(patient=patient).pk,
    }


@pytest.mark.parametrize("kind", ["assessment", "conclusion"])
@pytest.mark.parametrize("actor", ["doctor", "patient_user"])
def test_a_record_of_the_patient_may_be_the_reference(
    team: SimpleNamespace, kind: str, actor: str
) -> None:
    record_id = _records(team.patient)[kind]
    counterpart = (
        {"patient_id": team.patient.pk} if actor == "doctor" else {"doctor_id": team.doctor.pk}
    )

    conversation, created = services.conversation_open(
        actor=getattr(team, actor), reference_kind=kind, reference_id=record_id, **counterpart
    )

    assert created is True
    assert (conversation.reference_kind, conversation.reference_id) == (kind, record_id)


@pytest.mark.parametrize(
    ("kind", "whose"),
    [
        ("conclusion", "other_patient"),
        ("assessment", "other_patient"),
        ("conclusion", "draft"),  # the patient cannot read a draft conclusion
        ("assessment", "conclusion_id"),  # the right id under the wrong kind
        ("conclusion", "unknown"),
    ],
)
@pytest.mark.parametrize("actor", ["doctor", "patient_user"])
def test_a_reference_the_patient_may_not_read_is_refused(
    team: SimpleNamespace, kind: str, whose: str, actor: str
) -> None:
    other = _records(PatientFactory(organization=team.clinic))
    own = _records(team.patient)
    record_id = {
        "other_patient": other[kind],
        "draft": own["draft_conclusion"],
        "conclusion_id": own["conclusion"],
        "unknown": uuid.uuid4(),
    }[whose]
    counterpart = (
        {"patient_id": team.patient.pk} if actor == "doctor" else {"doctor_id": team.doctor.pk}
    )

    with pytest.raises(InvalidInput) as excinfo:
        services.conversation_open(
            actor=getattr(team, actor), reference_kind=kind, reference_id=record_id, **counterpart
        )

    assert excinfo.value.code == "chat.reference_not_found"
    assert excinfo.value.errors == {"reference_id": ["No such record of this patient."]}
    assert Conversation.objects.count() == 0
    assert not AuditEvent.objects.filter(action="chat.conversation_opened").exists()
