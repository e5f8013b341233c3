from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lifeline.fieldservice.models import Transaction, TransactionFile, TransactionType
from lifeline.fieldservice.tests.factories import TransactionFactory
from lifeline.files.models import StoredFile
from lifeline.files.tests.samples import png

pytestmark = pytest.mark.django_db

URL = "/fieldservice/transactions/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(world: Any, receipt: bytes | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "transaction_type": TransactionType.objects.get(
            organization=world.company, is_request_income=True
        ).pk,
        "amount": "2500.50",
        "city": world.kazan.pk,
        "specified_date": "2026-03-02",
        "payment_reason": "Запчасти",
    }
    if receipt is not None:
        data["receipt"] = SimpleUploadedFile("чек.png", receipt, content_type="image/png")
    return data


def test_manager_adds_a_transaction_with_a_receipt_from_the_page(world: Any) -> None:
    # when
    response = _client(world.manager).post(URL, _form(world, png()))
    # then
    assert response.status_code == 302
    row = Transaction.objects.get()
    assert (str(row.amount), row.city_id, str(row.specified_date), row.created_by_id) == (
        "2500.50",
        world.kazan.pk,
        "2026-03-02",
        world.manager.pk,
    )
    receipt = TransactionFile.objects.get()
    assert (receipt.transaction_id, receipt.file.content_type) == (row.pk, "image/png")
    page = _client(world.director).get(URL).content.decode()
    assert f"/api/v1/files/{receipt.file_id}/download/" in page
    assert "2500.50" in page or "2500,50" in page


def test_a_receipt_that_is_not_an_image_or_pdf_stores_nothing(world: Any) -> None:
    response = _client(world.manager).post(URL, _form(world, b"MZ\x90\x00 not a receipt"))
    assert response.status_code == 422
    assert "This type of file is not allowed here" in response.content.decode()
    assert Transaction.objects.count() == 0
    assert StoredFile.objects.count() == 0


def test_a_receipt_attached_to_an_existing_transaction_from_the_list(world: Any) -> None:
    row = TransactionFactory(city=world.moscow, master=world.master)
    upload = SimpleUploadedFile("r.png", png(), content_type="image/png")
    response = _client(world.manager).post(f"{URL}{row.pk}/files/", {"file": upload})
    assert response.status_code == 302
    assert TransactionFile.objects.get().transaction_id == row.pk
    # the master sees their handover and its receipt, without the forms
    page = _client(world.master).get(URL).content.decode()
    assert f"/api/v1/files/{TransactionFile.objects.get().file_id}/download/" in page
    assert 'data-testid="transaction-form"' not in page


@pytest.mark.parametrize("who", ["master2", "other_director"])
def test_someone_elses_transaction_is_404_on_the_page(world: Any, who: str) -> None:
    row = TransactionFactory(city=world.moscow, master=world.master)
    upload = SimpleUploadedFile("r.png", png(), content_type="image/png")
    response = _client(getattr(world, who)).post(f"{URL}{row.pk}/files/", {"file": upload})
    assert response.status_code == 404
    assert StoredFile.objects.count() == 0
    assert 'data-testid="transaction"' not in _client(getattr(world, who)).get(URL).content.decode()


def test_operators_have_no_transactions_page_and_masters_cannot_add(world: Any) -> None:
    assert _client(world.operator).get(URL).status_code == 404
    assert _client(world.master).post(URL, _form(world, None)).status_code == 404
    assert Transaction.objects.count() == 0
