"""Card messages, domain-neutral: the test policy shows a record per viewer; the messenger
stores only its kind and id and renders whatever the policy answers."""

from __future__ import annotations

import ast
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import pytest
from django.db import IntegrityError, transaction

from lifeline.chat import services
from lifeline.chat.exceptions import CardNotDeletable, InvalidCard, MessageNotEditable
from lifeline.chat.models import Conversation, Message
from lifeline.chat.policies import Card, CardAction
from lifeline.chat.tests.policy import CareTestPolicy
from lifeline.chat.tests.test_api import client_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/chat"
RECORD = "test.record"


@pytest.fixture
def cards(
    policy: CareTestPolicy, team: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> list[Any]:
    """The test policy shows `test.record` cards: the doctor gets an action, others none.
    Returns the policy's calls, as (kind, record ids)."""
    calls: list[Any] = []

    def render_cards(*, kind: str, record_ids: Sequence[UUID], viewer: Any) -> dict[UUID, Card]:
        calls.append((kind, list(record_ids)))
        doctor = viewer.pk == team.doctor.pk
        return {
            record_id: Card(
                title="Record",
                status="open",
                status_label="Open",
                lines=[str(record_id)[:8]],
                actions=[CardAction(label="Close", url=f"/x/{record_id}/close/")] if doctor else [],
            )
            for record_id in record_ids
        }

    monkeypatch.setattr(policy, "card_kinds", frozenset({RECORD}), raising=False)
    monkeypatch.setattr(policy, "render_cards", render_cards, raising=False)
    return calls


def test_a_card_is_rendered_for_each_viewer(
    team: SimpleNamespace, conversation: Conversation, cards: list[Any]
) -> None:
    record = uuid.uuid4()
    message = services.card_post(
        actor=team.doctor, conversation=conversation, card_kind=RECORD, card_id=record
    )
    assert (message.kind, message.text, message.card_kind, message.card_id) == (
        "card",
        "",
        RECORD,
        record,
    )
    assert message.payload["card"] is None  # the event's: rendered per viewer on read
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    doctor_view = client_for(team.doctor).get(url).json()["results"][0]["card"]
    assert doctor_view == {
        "kind": RECORD,
        "id": str(record),
        "title": "Record",
        "status": "open",
        "status_label": "Open",
        "lines": [str(record)[:8]],
        "actions": [
            {
                "label": "Close",
                "url": f"/x/{record}/close/",
                "method": "post",
                "style": "primary",
                "api_url": "",
            }
        ],
    }
    patient_view = client_for(team.patient_user).get(url).json()["results"][0]["card"]
    assert patient_view["actions"] == []
    # Two cards of one kind on a page: the policy is asked once for both.
    second = uuid.uuid4()
    services.card_post(
        actor=team.doctor, conversation=conversation, card_kind=RECORD, card_id=second
    )
    cards.clear()
    client_for(team.patient_user).get(url)
    assert cards == [(RECORD, [second, record])]


def test_a_card_of_a_kind_the_policy_does_not_show_is_refused(
    team: SimpleNamespace, conversation: Conversation, cards: list[Any]
) -> None:
    with pytest.raises(InvalidCard):
        services.card_post(
            actor=team.doctor, conversation=conversation, card_kind="other", card_id=uuid.uuid4()
        )
    assert Message.objects.count() == 0


def test_a_card_is_neither_edited_nor_deleted(
    team: SimpleNamespace, conversation: Conversation, cards: list[Any]
) -> None:
    message = services.card_post(
        actor=team.doctor, conversation=conversation, card_kind=RECORD, card_id=uuid.uuid4()
    )
    with pytest.raises(MessageNotEditable):
        services.message_edit(actor=team.doctor, message=message, text="x")
    with pytest.raises(CardNotDeletable):
        services.message_delete(actor=team.doctor, message=message)
    message.refresh_from_db()
    assert (message.text, message.deleted_at) == ("", None)


def test_the_database_keeps_cards_complete(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    for kind, card_kind, card_id in (
        ("card", "", uuid.uuid4()),
        ("card", RECORD, None),
        ("text", RECORD, uuid.uuid4()),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Message.objects.create(
                conversation=conversation,
                sender=team.doctor,
                kind=kind,
                text="x",
                card_kind=card_kind,
                card_id=card_id,
            )


def test_the_messenger_imports_no_domain() -> None:
    """Cards keep `chat` domain-neutral: no module of it (tests aside) imports a domain."""
    domains = ("clinic", "sos", "ambulance", "freelance", "fieldservice", "market", "content")
    root = Path(__file__).resolve().parents[1]
    found = []
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [
                (path.name, name)
                for name in names
                if any(name.startswith(f"lifeline.{domain}") for domain in domains)
            ]
    assert found == []
