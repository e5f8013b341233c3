"""The data migration carries doctor–patient conversations to kinds, subjects and participants.

Only chat is rolled back (to 0002, where both shapes exist); the other apps stay migrated,
so their current factories make the users, organization and patient.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lifeline.access.enums import OrganizationKind
from lifeline.access.tests.factories import OrganizationFactory
from lifeline.accounts.tests.factories import UserFactory

BEFORE = [("chat", "0002_participants_and_subject")]
AFTER = [("chat", "0004_drop_clinic_columns")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0002(transactional_db: Any) -> Iterator[Any]:
    apps = _migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def test_conversations_and_their_read_state_move_to_participants(at_0002: Any) -> None:
    # given: a conversation in the old shape, with a read and an unread message
    organization = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient_user, doctor = UserFactory(), UserFactory()
    patient_model = at_0002.get_model("clinic", "Patient")
    patient = patient_model.objects.create(
        organization_id=organization.pk, user_id=patient_user.pk, full_name="Anna Petrova"
    )
    old_conversation = at_0002.get_model("chat", "Conversation")
    message_model = at_0002.get_model("chat", "Message")
    receipt_model = at_0002.get_model("chat", "MessageReceipt")
    conversation = old_conversation.objects.create(
        organization_id=organization.pk,
        patient_id=patient.pk,
        patient_user_id=patient_user.pk,
        doctor_id=doctor.pk,
        topic="medication",
        reply_target_minutes=60,
    )
    read_at = timezone.now() - timedelta(minutes=5)
    first = message_model.objects.create(
        conversation_id=conversation.pk, sender_id=doctor.pk, kind="text", text="a"
    )
    second = message_model.objects.create(
        conversation_id=conversation.pk, sender_id=doctor.pk, kind="text", text="b"
    )
    receipt_model.objects.create(
        message_id=first.pk,
        recipient_id=patient_user.pk,
        conversation_id=conversation.pk,
        delivered_at=read_at,
        read_at=read_at,
    )
    receipt_model.objects.create(
        message_id=second.pk, recipient_id=patient_user.pk, conversation_id=conversation.pk
    )

    # when
    apps = _migrate(AFTER)

    # then
    moved = apps.get_model("chat", "Conversation").objects.get(pk=conversation.pk)
    assert (moved.kind, moved.subject_type, moved.subject_id) == (
        "clinic.care",
        "clinic.patient",
        patient.pk,
    )
    participants = apps.get_model("chat", "Participant").objects.filter(conversation_id=moved.pk)
    assert sorted(
        (p.role, p.user_id, p.last_read_at, p.joined_at == moved.created_at) for p in participants
    ) == [("doctor", doctor.pk, None, True), ("patient", patient_user.pk, read_at, True)]
    receipts = apps.get_model("chat", "MessageReceipt").objects.filter(conversation_id=moved.pk)
    assert sorted((r.message_id == first.pk, r.read_at) for r in receipts) == [
        (False, None),
        (True, read_at),
    ]

    # and back: the old columns are filled again from the participants
    apps = _migrate(BEFORE)
    restored = apps.get_model("chat", "Conversation").objects.get(pk=conversation.pk)
    assert (restored.patient_id, restored.patient_user_id, restored.doctor_id) == (
        patient.pk,
        patient_user.pk,
        doctor.pk,
    )
    assert apps.get_model("chat", "Participant").objects.count() == 0
