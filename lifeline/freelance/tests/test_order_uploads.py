"""Large files of an order: uploaded beforehand in parts (files service, resumable uploads),
then named by id in a delivery or the requirements; only the actor's own free files count."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lifeline.files.enums import FileKind
from lifeline.files.models import StoredFile
from lifeline.files.services import file_attach
from lifeline.files.tests.factories import StoredFileFactory
from lifeline.freelance.enums import OrderStatus
from lifeline.freelance.models import Order, OrderFile
from lifeline.freelance.services import deliveries as delivery_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.tests.conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.LIFELINE_UPLOAD_CHUNK_MAX_BYTES = MB
    return root


@pytest.fixture
def started(gig: Any, buyer: Any) -> Order:
    order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    return delivery_services.order_submit_requirements(
        actor=buyer, order=order, text="Blue and white"
    )


def _upload_in_parts(user: Any, content: bytes, name: str) -> str:
    client = client_for(user)
    created = client.post(
        "/api/v1/files/uploads/",
        {"kind": "deliverable", "filename": name, "size_bytes": len(content)},
        format="json",
    )
    assert created.status_code == 201, created.content
    upload_id = created.json()["id"]
    response = None
    for offset in range(0, len(content), MB):
        response = client.generic(
            "PATCH",
            f"/api/v1/files/uploads/{upload_id}/",
            content[offset : offset + MB],
            content_type="application/offset+octet-stream",
            headers={"Upload-Offset": str(offset)},
        )
        assert response.status_code == 200, response.content
    assert response is not None
    return str(response.json()["file"]["id"])


def _big_zip() -> bytes:
    """A stored (uncompressed) archive of 2.5 MB of random bytes: three parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("design/source.psd", os.urandom(2 * MB + MB // 2))
    return out.getvalue()


def test_a_seller_delivers_a_large_archive_uploaded_in_parts(
    started: Order, seller: Any, buyer: Any, other_buyer: Any
) -> None:
    content = _big_zip()
    file_id = _upload_in_parts(seller, content, "logo sources.zip")

    response = client_for(seller).post(
        f"{API}/orders/{started.pk}/deliver/",
        {"message": "Here are the sources", "file_ids": [file_id]},
        format="json",
    )

    assert response.status_code == 200, response.content
    delivered = response.json()["events"][-1]
    assert delivered["kind"] == "delivered"
    assert [(f["name"], f["content_type"], f["size_bytes"]) for f in delivered["files"]] == [
        ("logo sources.zip", "application/zip", len(content))
    ]
    stored = StoredFile.objects.get(pk=file_id)
    assert (stored.attached_label, stored.attached_id) == ("freelance.order", str(started.pk))
    assert stored.organization_id == started.organization_id
    assert Order.objects.get(pk=started.pk).status == OrderStatus.DELIVERED
    url = f"/freelance/orders/{started.pk}/files/{file_id}/"
    buyer_page = Client()
    buyer_page.force_login(buyer)
    download = buyer_page.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    stranger = Client()
    stranger.force_login(other_buyer)
    assert stranger.get(url).status_code == 404


def test_files_not_the_sellers_own_free_uploads_are_refused_and_nothing_changes(
    started: Order, seller: Any, buyer: Any, gig: Any
) -> None:
    someone_elses = StoredFileFactory(owner=buyer, kind=FileKind.DELIVERABLE)
    other_order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    attached_elsewhere = StoredFileFactory(owner=seller, kind=FileKind.DELIVERABLE)
    file_attach(file=attached_elsewhere, obj=other_order)
    voice = StoredFileFactory(owner=seller, kind=FileKind.VOICE)
    url = f"{API}/orders/{started.pk}/deliver/"

    refused = [
        client_for(seller).post(
            url, {"message": "Here is the work", "file_ids": [str(file.pk)]}, format="json"
        )
        for file in (someone_elses, voice, attached_elsewhere)
    ]
    malformed = client_for(seller).post(
        url, {"message": "Here is the work", "file_ids": ["not-a-uuid"]}, format="json"
    )

    assert [(r.status_code, r.json()["code"]) for r in refused] == [
        (400, "files.not_available"),
        (400, "files.not_available"),
        (409, "files.already_attached"),
    ]
    assert refused[0].json()["errors"] == {
        "file_ids": ["Some of the files were not found among your uploads"]
    }
    assert malformed.status_code == 400
    assert list(malformed.json()["errors"]) == ["file_ids"]
    assert Order.objects.get(pk=started.pk).status == OrderStatus.IN_PROGRESS
    assert OrderFile.objects.count() == 0
    assert StoredFile.objects.filter(attached_id=str(started.pk)).count() == 0


def test_more_than_ten_files_with_ids_is_400(started: Order, seller: Any) -> None:
    files = StoredFileFactory.create_batch(11, owner=seller, kind=FileKind.DELIVERABLE)

    response = client_for(seller).post(
        f"{API}/orders/{started.pk}/deliver/",
        {"message": "Here is the work", "file_ids": [str(f.pk) for f in files]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file_ids"]
    assert Order.objects.get(pk=started.pk).status == OrderStatus.IN_PROGRESS
    assert StoredFile.objects.filter(attached_type__isnull=False).count() == 0


def test_the_order_page_form_sends_uploaded_file_ids(started: Order, seller: Any) -> None:
    page = Client()
    page.force_login(seller)
    own = StoredFileFactory(owner=seller, kind=FileKind.DELIVERABLE, original_name="final.pdf")

    html = page.get(f"/freelance/orders/{started.pk}/").content.decode()
    response = page.post(
        f"/freelance/orders/{started.pk}/deliver/",
        {"text": "The final files, enjoy", "file_ids": [str(own.pk)]},
    )

    assert 'data-resumable-uploads data-upload-kind="deliverable"' in html
    assert 'data-upload-url="/api/v1/files/uploads/"' in html
    assert "/static/files/uploads.js" in html
    assert "up to 1.0\xa0GB each" in html
    assert response.status_code == 302
    kept = OrderFile.objects.select_related("file").get()
    assert (kept.file_id, kept.event.kind) == (own.pk, "delivered")
    assert kept.file.original_name == "final.pdf"
