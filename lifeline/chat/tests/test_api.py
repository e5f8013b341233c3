from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from lifeline.access.enums import Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import user_with_role
from lifeline.audit.models import AuditEvent
from lifeline.chat import services
from lifeline.chat.models import Conversation, Message, MessageReceipt
from lifeline.clinic.tests.factories import (
    CareTeamMemberFactory,
    ConclusionFactory,
    ConclusionVersionFactory,
    PatientFactory,
)
from lifeline.files.models import StoredFile
from lifeline.files.tests import samples

pytestmark = pytest.mark.django_db

BASE = "/api/v1/chat"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_permission_matrix(team: SimpleNamespace, conversation: Conversation) -> None:
    message, _ = services.message_send(actor=team.doctor, conversation=conversation, text="hi")
    other_clinic_doctor = user_with_role(Role.DOCTOR)
    actors = {
        "patient": lambda: team.patient_user,
        "assigned_doctor": lambda: team.doctor,
        "unassigned_doctor": lambda: team.other_doctor,
        "clinic_admin": lambda: team.admin,
        "other_org_admin": lambda: team.other_admin,
        "other_org_doctor": lambda: other_clinic_doctor,
    }
    conv = f"{BASE}/conversations/{conversation.pk}"
    msg = f"{BASE}/messages/{message.pk}/"
    expected = {
        # actor: (detail, history, send, read, edit own-doctor msg, reply target, open with patient)
        "patient": (200, 200, 201, 200, 403, 403, 404),
        "assigned_doctor": (200, 200, 201, 200, 200, 200, 201),
        "unassigned_doctor": (404, 404, 404, 404, 404, 404, 404),
        "clinic_admin": (200, 200, 403, 403, 403, 403, 404),
        "other_org_admin": (404, 404, 404, 404, 404, 404, 404),
        "other_org_doctor": (404, 404, 404, 404, 404, 404, 404),
        "anonymous": (401, 401, 401, 401, 401, 401, 401),
    }
    cases = []
    for actor, codes in expected.items():
        detail, history, send, read, edit, target, open_ = codes
        cases += [
            Case(actor, "get", f"{conv}/", detail),
            Case(actor, "get", f"{conv}/messages/", history),
            Case(actor, "post", f"{conv}/messages/", send, {"text": "hello"}),
            Case(actor, "post", f"{conv}/read/", read),
            Case(actor, "patch", msg, edit, {"text": "edited"}),
            Case(actor, "patch", f"{conv}/", target, {"reply_target_minutes": 60}),
            Case(
                actor,
                "post",
                f"{BASE}/conversations/",
                open_,
                {"patient_id": str(team.patient.pk), "topic": "other"},
            ),
        ]
    assert_permission_matrix(cases, actors=actors)
    assert Message.objects.count() == 1
    message.refresh_from_db()
    assert message.text == "hi"


def test_list_scopes_sorts_by_waiting_and_counts_unread(team: SimpleNamespace) -> None:
    second_patient = PatientFactory(organization=team.clinic, user__full_name="Boris")
    CareTeamMemberFactory(patient=second_patient, doctor=team.doctor)
    first, _ = services.conversation_open(actor=team.doctor, patient_id=team.patient.pk)
    second, _ = services.conversation_open(actor=team.doctor, patient_id=second_patient.pk)
    quiet, _ = services.conversation_open(
        actor=team.doctor, patient_id=team.patient.pk, topic="appointment"
    )
    services.message_send(actor=team.doctor, conversation=quiet, text="see you")
    services.message_send(actor=second_patient.user, conversation=second, text="a")
    services.message_send(actor=team.patient_user, conversation=first, text="b")
    services.message_send(actor=team.patient_user, conversation=first, text="c")
    Conversation.objects.filter(pk=second.pk).update(
        awaiting_reply_since=timezone.now() - timedelta(hours=30)
    )

    body = client_for(team.doctor).get(f"{BASE}/conversations/").json()
    assert [r["id"] for r in body["results"]] == [str(second.pk), str(first.pk), str(quiet.pk)]
    assert [r["unread_count"] for r in body["results"]] == [1, 2, 0]
    assert body["results"][0]["overdue"] is True
    assert body["results"][1]["overdue"] is False
    assert body["results"][1]["counterpart"] == {
        "id": str(team.patient_user.pk),
        "name": "Anna Petrova",
        "online": False,
    }
    assert body["count"] == 3

    waiting = client_for(team.doctor).get(f"{BASE}/conversations/?awaiting_reply=true").json()
    assert [r["id"] for r in waiting["results"]] == [str(second.pk), str(first.pk)]

    patient_view = client_for(team.patient_user).get(f"{BASE}/conversations/").json()
    assert {r["id"] for r in patient_view["results"]} == {str(first.pk), str(quiet.pk)}
    assert {r["my_role"] for r in patient_view["results"]} == {"patient"}
    assert client_for(team.other_doctor).get(f"{BASE}/conversations/").json()["results"] == []
    assert client_for(team.other_admin).get(f"{BASE}/conversations/").json()["results"] == []
    admin_view = client_for(team.admin).get(f"{BASE}/conversations/").json()
    assert {r["my_role"] for r in admin_view["results"]} == {"observer"}
    assert len(admin_view["results"]) == 3

    assert client_for(team.doctor).get(f"{BASE}/unread/").json() == {"total": 3}
    assert client_for(team.patient_user).get(f"{BASE}/unread/").json() == {"total": 1}


def test_list_query_count_is_constant(
    team: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    for _ in range(8):
        patient = PatientFactory(organization=team.clinic)
        CareTeamMemberFactory(patient=patient, doctor=team.doctor)
        conversation, _ = services.conversation_open(actor=team.doctor, patient_id=patient.pk)
        services.message_send(actor=patient.user, conversation=conversation, text="x")
    client = client_for(team.doctor)
    with django_assert_max_num_queries(4):
        response = client.get(f"{BASE}/conversations/")
    assert len(response.json()["results"]) == 8


def test_history_cursor_search_and_query_count(
    team: SimpleNamespace, conversation: Conversation, django_assert_max_num_queries: Any
) -> None:
    sent = []
    for i in range(60):
        sender = team.doctor if i % 2 else team.patient_user
        message, _ = services.message_send(
            actor=sender, conversation=conversation, text=f"message {i}"
        )
        sent.append(message)
    services.message_edit(actor=team.doctor, message=sent[59], text="message 59 (edited)")
    client = client_for(team.doctor)
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    with django_assert_max_num_queries(9):
        page = client.get(url).json()
    assert len(page["results"]) == 50
    assert page["results"][0]["id"] == str(sent[59].pk)
    assert page["results"][0]["revisions"][0]["text"] == "message 59"
    assert page["results"][0]["edited_at"] is not None
    older = client.get(page["next"]).json()
    assert [r["id"] for r in older["results"]] == [str(m.pk) for m in reversed(sent[:10])]
    assert older["next"] is None
    # The patient does not see the edit history.
    patient_page = client_for(team.patient_user).get(url).json()
    assert patient_page["results"][0]["revisions"] == []
    found = client.get(url, {"q": "MESSAGE 1"}).json()["results"]
    assert sorted(r["text"] for r in found) == sorted(
        ["message 1"] + [f"message {i}" for i in range(10, 20)]
    )


def test_search_folds_cyrillic_case(team: SimpleNamespace, conversation: Conversation) -> None:
    services.message_send(actor=team.patient_user, conversation=conversation, text="Болит Рука")
    services.message_send(actor=team.doctor, conversation=conversation, text="Как сон?")
    url = f"{BASE}/conversations/{conversation.pk}/messages/"

    found = client_for(team.doctor).get(url, {"q": "болит рука"}).json()["results"]

    assert [r["text"] for r in found] == ["Болит Рука"]


def test_staff_reads_are_audited_patient_reads_are_not(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    client_for(team.patient_user).get(url)
    assert AuditEvent.objects.filter(action="chat.conversation_viewed").count() == 0
    client_for(team.doctor).get(url)
    client_for(team.admin).get(f"{BASE}/conversations/{conversation.pk}/")
    events = AuditEvent.objects.filter(action="chat.conversation_viewed").order_by("id")
    assert [str(e.actor_id) for e in events] == [str(team.doctor.pk), str(team.admin.pk)]


def test_send_multipart_attachment_and_voice(
    team: SimpleNamespace, conversation: Conversation
) -> None:
    client = client_for(team.patient_user)
    url = f"{BASE}/conversations/{conversation.pk}/messages/"
    image = SimpleUploadedFile("photo.png", samples.png(), content_type="image/png")
    response = client.post(url, {"file": image, "text": "rash"}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["text"], body["file"]["content_type"]) == (
        "attachment",
        "rash",
        "image/png",
    )
    download = client_for(team.doctor).get(body["file"]["url"])
    assert download.status_code == 200
    assert client_for(team.other_doctor).get(body["file"]["url"]).status_code == 404
    voice = SimpleUploadedFile("voice.ogg", samples.ogg_opus(), content_type="audio/ogg")
    response = client.post(
        url, {"file": voice, "voice": "true", "duration_ms": "3000"}, format="multipart"
    )
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["duration_ms"]) == ("voice", 3000)


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"text": ""}, 400, "chat.empty_message"),
        ({"text": "x" * 4001}, 400, "chat.message_too_long"),
        ({"file": "exe"}, 400, "files.type_not_allowed"),
        (
            {"text": "hi", "reply_to": "00000000-0000-0000-0000-000000000000"},
            400,
            "chat.invalid_reply",
        ),
    ],
)
def test_send_errors_are_problem_json_and_store_nothing(
    team: SimpleNamespace,
    conversation: Conversation,
    stored_blobs: Any,
    payload: dict[str, Any],
    status: int,
    code: str,
) -> None:
    if payload.get("file") == "exe":
        payload = {"file": SimpleUploadedFile("a.exe", samples.EXE)}
    response = client_for(team.patient_user).post(
        f"{BASE}/conversations/{conversation.pk}/messages/", payload, format="multipart"
    )
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert (Message.objects.count(), StoredFile.objects.count(), stored_blobs()) == (0, 0, [])


def test_edit_window_and_delete_over_api(team: SimpleNamespace, conversation: Conversation) -> None:
    message, _ = services.message_send(actor=team.doctor, conversation=conversation, text="a")
    client = client_for(team.doctor)
    assert (
        client.patch(f"{BASE}/messages/{message.pk}/", {"text": "b"}, format="json").json()["text"]
        == "b"
    )
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    late = client.patch(f"{BASE}/messages/{message.pk}/", {"text": "c"}, format="json")
    assert (late.status_code, late.json()["code"]) == (409, "chat.edit_window_closed")
    assert client.delete(f"{BASE}/messages/{message.pk}/").status_code == 409
    fresh, _ = services.message_send(actor=team.doctor, conversation=conversation, text="oops")
    deleted = client.delete(f"{BASE}/messages/{fresh.pk}/").json()
    assert (deleted["deleted"], deleted["text"]) == (True, "")


def test_receipts_and_settings_over_api(team: SimpleNamespace, conversation: Conversation) -> None:
    message, _ = services.message_send(actor=team.doctor, conversation=conversation, text="a")
    patient = client_for(team.patient_user)
    url = f"{BASE}/conversations/{conversation.pk}"
    assert patient.post(f"{url}/delivered/").json() == {"updated": 1, "unread_total": 1}
    assert patient.post(f"{url}/read/", {"up_to": str(message.pk)}, format="json").json() == {
        "updated": 1,
        "unread_total": 0,
    }
    doctor_view = client_for(team.doctor).get(f"{url}/messages/").json()["results"][0]
    assert doctor_view["receipt"]["state"] == "read"
    assert patient.put(f"{BASE}/settings/", {"read_receipts": False}, format="json").json() == {
        "read_receipts": False
    }
    doctor_view = client_for(team.doctor).get(f"{url}/messages/").json()["results"][0]
    assert doctor_view["receipt"]["state"] == "delivered"
    assert doctor_view["receipt"]["read_at"] is None
    assert MessageReceipt.objects.get().read_at is not None


def test_counterparts(team: SimpleNamespace) -> None:
    doctor_rows = client_for(team.doctor).get(f"{BASE}/counterparts/").json()
    assert doctor_rows == [{"id": str(team.patient.pk), "name": "Anna Petrova", "kind": "patient"}]
    patient_rows = client_for(team.patient_user).get(f"{BASE}/counterparts/").json()
    assert patient_rows == [{"id": str(team.doctor.pk), "name": "Ivan Sokolov", "kind": "doctor"}]
    assert client_for(team.other_doctor).get(f"{BASE}/counterparts/").json() == []


def test_another_patients_conclusion_cannot_be_the_subject(team: SimpleNamespace) -> None:
    other = PatientFactory(organization=team.clinic)
    CareTeamMemberFactory(patient=other, doctor=team.doctor)
    conclusion = ConclusionFactory(patient=other, doctor=team.doctor)
    ConclusionVersionFactory(conclusion=conclusion)

    response = client_for(team.patient_user).post(
        f"{BASE}/conversations/",
        {
            "doctor_id": str(team.doctor.pk),
            "reference_kind": "conclusion",
            "reference_id": str(conclusion.pk),
        },
        format="json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["errors"]) == (
        "chat.reference_not_found",
        {"reference_id": ["No such record of this patient."]},
    )
    assert Conversation.objects.count() == 0
    assert not AuditEvent.objects.filter(action="chat.conversation_opened").exists()
