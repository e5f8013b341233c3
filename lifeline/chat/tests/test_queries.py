"""The send path and the history page in a fixed, small number of queries (issue 5 latency).

Counted inside the test transaction, so `transaction.atomic()` shows as SAVEPOINT/RELEASE
(BEGIN/COMMIT in production). The on-commit work (event publish, presence check) runs too.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from lifeline.audit.models import AuditEvent
from lifeline.chat import services
from lifeline.chat.models import Conversation, Message, MessageReceipt
from lifeline.chat.tests.policy import KIND
from lifeline.realtime import presence

pytestmark = pytest.mark.django_db

BASE = "/api/v1/chat"

# The conversation by id, for the doctor the care-team check (one statement), then
# SAVEPOINT, INSERT message, INSERT receipt, UPDATE conversation, RELEASE. The patient is
# decided from the row itself: one query fewer. On PostgreSQL the three writes are one
# statement (`services._send_statement`): two fewer (and outside a test's transaction no
# SAVEPOINT/RELEASE either: 3 and 2).
SEND_QUERIES = {"doctor": 7, "patient_user": 6}
ONE_STATEMENT_WRITES = 2
# The conversation (+ both receipt settings), the care-team check, the audit INSERT, the page.
PAGE_QUERIES = 4


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.mark.parametrize("sender", ["doctor", "patient_user"])
def test_send_queries_and_response_equal_the_event_and_the_history(
    team: SimpleNamespace,
    conversation: Conversation,
    published: list,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
    sender: str,
) -> None:
    actor = getattr(team, sender)
    other = team.patient_user if sender == "doctor" else team.doctor
    presence.mark_online(other.pk, "socket-1")  # online: no notification work
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    client = client_for(actor)
    with (
        django_capture_on_commit_callbacks(execute=True),
        django_assert_num_queries(
            SEND_QUERIES[sender]
            - (ONE_STATEMENT_WRITES if connection.vendor == "postgresql" else 0)
        ),
    ):
        response = client.post(url, {"text": "Hello"}, format="json")
    assert response.status_code == 201
    body = response.json()
    message = Message.objects.get()
    assert body["id"] == str(message.pk)
    assert (body["text"], body["kind"], body["sender_id"]) == ("Hello", "text", str(actor.pk))
    assert body["receipt"] == {"state": "sent", "delivered_at": None, "read_at": None}
    assert body["revisions"] == []
    # The socket gets exactly what the sender got back ...
    assert [(t, d) for t, d, _g in published] == [("chat.message_created", body)]
    # ... and the history page shows the same message the same way.
    page = client_for(actor).get(url).json()["results"]
    assert page == [body]
    receipt = MessageReceipt.objects.get()
    assert (receipt.message_id, receipt.recipient_id) == (message.pk, other.pk)
    conversation.refresh_from_db()
    assert conversation.last_message_at == message.created_at
    expected_wait = message.created_at if sender == "patient_user" else None
    assert conversation.awaiting_reply_since == expected_wait


def test_patient_run_keeps_the_first_waiting_time(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    """One UPDATE without reading first: the second patient message keeps the first time."""
    first, _ = services.message_send(actor=team.patient_user, conversation=conversation, text="a")
    stale = Conversation.objects.get(pk=conversation.pk)
    stale.awaiting_reply_since = None  # a concurrent request's stale copy
    second, _ = services.message_send(actor=team.patient_user, conversation=stale, text="b")
    conversation.refresh_from_db()
    assert conversation.awaiting_reply_since == first.created_at
    assert conversation.last_message_at == second.created_at


def test_send_by_an_outsider_or_admin_stores_nothing(
    team: SimpleNamespace, conversation: Conversation, django_assert_max_num_queries: Any
) -> None:
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    assert client_for(team.other_doctor).post(url, {"text": "x"}, format="json").status_code == 404
    with django_assert_max_num_queries(2):
        response = client_for(team.admin).post(url, {"text": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "chat.read_only")
    assert Message.objects.count() == 0
    assert MessageReceipt.objects.count() == 0


def test_history_page_queries_are_constant(
    team: SimpleNamespace, conversation: Conversation, django_assert_num_queries: Any
) -> None:
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    doctor = client_for(team.doctor)
    for i in range(5):
        services.message_send(actor=team.patient_user, conversation=conversation, text=f"m{i}")
    with django_assert_num_queries(PAGE_QUERIES):
        assert len(doctor.get(url).json()["results"]) == 5
    for i in range(70):
        sender = team.doctor if i % 2 else team.patient_user
        services.message_send(actor=sender, conversation=conversation, text=f"n{i}")
    services.conversation_mark_read(actor=team.doctor, conversation=conversation)
    audited = AuditEvent.objects.filter(action="chat.conversation_viewed").count()
    with django_assert_num_queries(PAGE_QUERIES):
        page = doctor.get(url).json()
    assert len(page["results"]) == 50
    # Each staff read is exactly one audit row.
    assert AuditEvent.objects.filter(action="chat.conversation_viewed").count() == audited + 1
    with django_assert_num_queries(PAGE_QUERIES):
        older = doctor.get(page["next"]).json()
    assert len(older["results"]) == 25
    # The patient's reads are not audited and need no care-team check: two queries fewer.
    with django_assert_num_queries(PAGE_QUERIES - 2):
        client_for(team.patient_user).get(url)
    # Staff see edit history: one more query, only when the page has edited messages.
    newest = Message.objects.filter(sender=team.doctor).order_by("-created_at").first()
    assert newest is not None
    services.message_edit(actor=team.doctor, message=newest, text="changed")
    with django_assert_num_queries(PAGE_QUERIES + 1):
        edited = doctor.get(url).json()["results"]
    shown = next(r for r in edited if r["id"] == str(newest.pk))
    assert (shown["text"], [r["text"] for r in shown["revisions"]]) == ("changed", ["n69"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sender", ["doctor", "patient_user"])
def test_postgresql_send_writes_in_one_statement_without_a_transaction(
    team: SimpleNamespace, published: list, sender: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In autocommit the three writes are one statement: no BEGIN/COMMIT, the event goes out
    after it, and the rows are those the ORM path writes."""
    conversation, _created = services.conversation_open(
        actor=team.doctor, kind=KIND, subject_id=team.patient.pk
    )
    published.clear()  # the conversation_created event (sent at once in autocommit)
    actor = getattr(team, sender)
    other = team.patient_user if sender == "doctor" else team.doctor
    presence.mark_online(other.pk, "socket-1")
    with CaptureQueriesContext(connection) as queries:
        message, created = services.message_send(
            actor=actor, conversation=conversation, text="One statement"
        )
    assert created is True
    assert [q["sql"].split(" ", 1)[0] for q in queries.captured_queries] == ["WITH"]
    stored = Message.objects.get()
    assert (stored.pk, stored.sender_id, stored.text, stored.kind) == (
        message.pk,
        actor.pk,
        "One statement",
        "text",
    )
    assert stored.created_at == message.created_at
    receipt = MessageReceipt.objects.get()
    assert (receipt.message_id, receipt.recipient_id, receipt.conversation_id) == (
        message.pk,
        other.pk,
        conversation.pk,
    )
    assert (receipt.delivered_at, receipt.read_at) == (None, None)
    conversation.refresh_from_db()
    assert conversation.last_message_at == message.created_at
    assert conversation.updated_at == message.created_at
    expected_wait = message.created_at if sender == "patient_user" else None
    assert conversation.awaiting_reply_since == expected_wait
    assert [(t, d) for t, d, _g in published] == [("chat.message_created", message.payload)]
    # Two concurrent retries with one client_id: the second one's statement is refused by the
    # unique constraint (its pre-check saw nothing yet), which leaves the connection usable
    # (no transaction to roll back), and the first message is returned.
    key = uuid.uuid4()
    first, _ = services.message_send(
        actor=actor, conversation=conversation, text="a", client_id=key
    )
    lookup = services._message_by_client_id
    calls: list[int] = []

    def not_seen_first(*args: Any) -> Any:
        calls.append(1)
        return None if len(calls) == 1 else lookup(*args)

    monkeypatch.setattr(services, "_message_by_client_id", not_seen_first)
    again, created_again = services.message_send(
        actor=actor, conversation=conversation, text="a", client_id=key
    )
    assert len(calls) == 2
    assert (again.pk, created_again) == (first.pk, False)
    assert Message.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_send_statements_are_prepared_once_per_connection(
    team: SimpleNamespace, published: list
) -> None:
    """The participants statement and the one-statement write are planned once per
    connection (`core.db.prepared_cursor`), however many messages follow."""
    conversation, _created = services.conversation_open(
        actor=team.doctor, kind=KIND, subject_id=team.patient.pk
    )
    presence.mark_online(team.patient_user.pk, "socket-1")
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    client = client_for(team.doctor)

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    before = prepared()
    statuses = [client.post(url, {"text": f"m{i}"}, format="json").status_code for i in range(3)]

    assert statuses == [201, 201, 201]
    assert Message.objects.count() == 3
    added = sorted(
        s.split(" ", 1)[0] + (" chat_participant" if "chat_participant" in s else "")
        for s in prepared()
        if s not in before
    )
    assert added == ["SELECT chat_participant", "WITH"]
