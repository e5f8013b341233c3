from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.test import Client

from lifeline.audit.models import AuditEvent
from lifeline.chat.models import Conversation

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    return client


def test_home_requires_sign_in() -> None:
    response = Client().get("/chat/")
    assert response.status_code == 302


def test_patient_page_has_topics_doctors_and_config(team: SimpleNamespace) -> None:
    response = _client(team.patient_user).get("/chat/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Question about medication" in html
    assert "Record a voice message" in html
    assert "Ivan Sokolov" in html
    assert "data-panel" not in html
    config = json.loads(
        html.split('id="chat-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["is_patient"] is True
    assert config["api"] == "/api/v1/chat/"
    assert config["user_id"] == str(team.patient_user.pk)


def test_doctor_page_has_filter_and_panel(team: SimpleNamespace) -> None:
    html = _client(team.doctor).get("/chat/").content.decode()
    assert "Awaiting my reply only" in html
    assert "data-panel" in html
    assert "Anna Petrova" in html


def test_panel_is_scoped_and_audited(team: SimpleNamespace, conversation: Conversation) -> None:
    url = f"/chat/panel/{conversation.pk}/"
    response = _client(team.doctor).get(url)
    assert response.status_code == 200
    assert "No scores recorded yet." in response.content.decode()
    assert 'name="reply_target_minutes"' in response.content.decode()
    assert AuditEvent.objects.filter(action="chat.conversation_viewed").count() == 1
    assert _client(team.other_doctor).get(url).status_code == 404
    assert _client(team.other_admin).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="chat.conversation_viewed").count() == 1
