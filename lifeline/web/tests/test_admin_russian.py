"""A Russian platform administrator meets no English heading in the Django admin (issue 14,
item 8): app and model names, list column headers and filter titles of every app we register,
the shared apps, SOS, ambulance, market, field service, freelance and channels, and of the
third-party models we register (two-factor devices, tokens, sign-in attempts)."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.test import Client, RequestFactory
from django.utils import translation

from lifeline.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Latin words a Russian administrator reads as names, not as English.
NAMES = {"SOS", "TOTP", "IP", "ID", "API", "QR", "JWT", "Push", "push", "URL", "SMS", "PDF"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")


def _english(texts: list[str]) -> list[str]:
    return sorted({t for t in texts if any(w not in NAMES for w in LATIN_WORD.findall(t))})


def _registered() -> list[tuple[type, admin.ModelAdmin]]:
    return list(admin.site._registry.items())


def _headings(model: type, model_admin: admin.ModelAdmin, user: object) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    headings = [
        str(model._meta.app_config.verbose_name),
        str(model._meta.verbose_name),
        str(model._meta.verbose_name_plural),
    ]
    headings += [str(h["text"]) for h in result_headers(changelist) if h.get("text")]
    headings += [str(spec.title) for spec in changelist.filter_specs]
    return [h for h in headings if h and not h.startswith(("<", "&nbsp;"))]


def test_every_admin_heading_is_russian_in_russian(client: Client) -> None:
    superuser = UserFactory(is_staff=True, is_superuser=True, language="ru")
    problems: dict[str, list[str]] = {}
    with translation.override("ru"):
        for model, model_admin in _registered():
            english = _english(_headings(model, model_admin, superuser))
            if english:
                problems[model._meta.label] = english

    assert problems == {}


def test_the_rendered_admin_index_and_lists_name_models_in_russian(client: Client) -> None:
    superuser = UserFactory(is_staff=True, is_superuser=True, language="ru")
    client.force_login(superuser)
    client.cookies["django_language"] = "ru"

    index = client.get("/admin/").content.decode()
    names = re.findall(r'<th scope="row"[^>]*><a [^>]*>([^<]+)</a>', index)
    names += re.findall(r"<caption>\s*<a [^>]*>([^<]+)</a>", index)
    titles = []
    for model, _admin in _registered():
        meta = model._meta
        page = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert page.status_code == 200, meta.label
        titles += re.findall(r"<h1>([^<]+)</h1>", page.content.decode())

    assert "Пользователи и группы" in names
    assert len(titles) == len(_registered())
    assert _english(names + titles) == []
