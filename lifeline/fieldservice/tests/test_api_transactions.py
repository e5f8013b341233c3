from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lifeline.fieldservice.models import Transaction, TransactionFile
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import TransactionFactory
from lifeline.files.models import StoredFile
from lifeline.files.tests.samples import PDF, png

pytestmark = pytest.mark.django_db

BASE = "/api/v1/fieldservice/transactions/"


def _upload(user: Any, transaction_id: Any, content: bytes | None = None) -> Any:
    upload = SimpleUploadedFile("../../etc/receipt.png", content or png(), content_type="image/png")
    return client_for(user).post(
        f"{BASE}{transaction_id}/files/", {"file": upload}, format="multipart"
    )


def test_manager_attaches_a_receipt_only_those_who_see_the_transaction_download(
    world: Any,
) -> None:
    # given: a handover of the first master
    row = TransactionFactory(city=world.moscow, master=world.master, amount="1500.00")
    # when
    response = _upload(world.manager, row.pk)
    # then
    assert response.status_code == 201
    data = response.json()
    assert data["content_type"] == "image/png"
    assert data["original_name"] == "receipt.png"
    url = data["download_url"]
    assert url == f"/api/v1/files/{data['id']}/download/"
    stored = StoredFile.objects.get()
    assert (stored.organization_id, stored.attached_id) == (world.company.pk, str(row.pk))
    for user in (world.manager, world.director, world.master):
        assert client_for(user).get(url).status_code == 200
    for user in (world.master2, world.operator, world.other_director):
        assert client_for(user).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 401
    listed = client_for(world.master).get(f"{BASE}{row.pk}/files/").json()
    assert [f["id"] for f in listed] == [data["id"]]
    page = client_for(world.director).get(BASE).json()
    assert [r["download_url"] for r in page["results"][0]["receipts"]] == [url]


def test_a_pdf_receipt_is_accepted(world: Any) -> None:
    row = TransactionFactory(city=world.moscow)
    response = _upload(world.director, row.pk, content=PDF)
    assert response.status_code == 201
    assert response.json()["content_type"] == "application/pdf"


@pytest.mark.parametrize("who", ["master2", "operator", "other_director", None])
def test_someone_who_does_not_see_the_transaction_gets_404_and_nothing_is_stored(
    world: Any, who: str | None
) -> None:
    row = TransactionFactory(city=world.moscow, master=world.master)
    response = _upload(getattr(world, who) if who else None, row.pk)
    assert response.status_code == (401 if who is None else 404)
    assert client_for(getattr(world, who) if who else None).get(
        f"{BASE}{row.pk}/files/"
    ).status_code == (401 if who is None else 404)
    assert TransactionFile.objects.count() == 0
    assert StoredFile.objects.count() == 0


def test_a_master_sees_their_handover_but_cannot_attach_receipts(world: Any) -> None:
    row = TransactionFactory(city=world.moscow, master=world.master)
    response = _upload(world.master, row.pk)
    assert response.status_code == 403
    assert response.json()["code"] == "fieldservice.forbidden"
    assert TransactionFile.objects.count() == 0
    assert StoredFile.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"#!/bin/sh\necho hi\n", "files.type_not_allowed"), (None, "invalid")],
)
def test_a_bad_receipt_is_refused_and_nothing_is_stored(
    world: Any, content: bytes | None, code: str
) -> None:
    row = TransactionFactory(city=world.moscow)
    if content is None:  # no file at all
        response = client_for(world.manager).post(f"{BASE}{row.pk}/files/", {}, format="multipart")
    else:
        response = _upload(world.manager, row.pk, content=content)
    assert response.status_code == 400
    assert response.json()["code"] == code
    if content is None:
        assert list(response.json()["errors"]) == ["file"]
    assert TransactionFile.objects.count() == 0
    assert StoredFile.objects.count() == 0


def test_the_transaction_list_costs_the_same_with_more_receipts(world: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client_for(world.manager).get(BASE)
        assert response.status_code == 200
        return len(captured)

    first = TransactionFactory(city=world.moscow)
    _upload(world.manager, first.pk)
    few = queries()
    for _ in range(3):
        row = TransactionFactory(city=world.kazan)
        _upload(world.manager, row.pk)
        _upload(world.manager, row.pk, content=PDF)
    assert queries() == few
    results = client_for(world.manager).get(BASE).json()["results"]
    assert [len(r["receipts"]) for r in results] == [2, 2, 2, 1]
    assert Transaction.objects.count() == 4
