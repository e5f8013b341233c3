"""The catalogue page (private notes) and articles."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.clinic.enums import ArticleStatus
from lifeline.clinic.models.catalogue import Article, DoctorNote
from lifeline.clinic.tests.factories import (
    ArticleFactory,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_catalogue_page_saves_a_private_note(team):
    _clinic, _patient, doctor, _evaluation = team
    client = _client(doctor)

    response = client.post(
        reverse("clinic-web:catalogue"), {"code": "lamotrigine", "text": "rash!"}
    )

    assert response.status_code == 302
    assert DoctorNote.objects.get().text == "rash!"
    page = client.get(reverse("clinic-web:catalogue"), {"q": "lamo"})
    assert "rash!" in page.content.decode()
    patient_user = user_with_role(Role.PATIENT)
    assert _client(patient_user).get(reverse("clinic-web:catalogue")).status_code == 403


def test_editor_publishes_an_article_and_a_patient_reads_it():
    editor = user_with_role(Role.CLINIC_ADMIN)
    reader = user_with_role(Role.PATIENT)
    draft = ArticleFactory(title="Hidden draft")

    response = _client(editor).post(
        reverse("clinic-web:article-new"),
        {
            "title": "Sleep and pain",
            "summary": "",
            "body": "Text",
            "language": "en",
            "publish": "1",
        },
    )

    article = Article.objects.get(title="Sleep and pain")
    assert response.status_code == 302
    assert article.status == ArticleStatus.PUBLISHED
    listing = _client(reader).get(reverse("clinic-web:article-list")).content.decode()
    assert "Sleep and pain" in listing
    assert "Hidden draft" not in listing
    assert (
        _client(reader)
        .get(reverse("clinic-web:article-detail", kwargs={"article_id": draft.pk}))
        .status_code
        == 404
    )
    assert _client(reader).get(reverse("clinic-web:article-new")).status_code == 403
