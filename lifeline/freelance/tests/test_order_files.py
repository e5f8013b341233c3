"""Files of an order: the buyer's requirements and the seller's deliveries go through the files
service (type from the bytes, images re-encoded), attached to the order; only its buyer and
seller, and a moderator once it is disputed, download them. Anyone else: 404."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.files.models import StoredFile
from lifeline.files.tests import samples
from lifeline.freelance.enums import OrderStatus
from lifeline.freelance.models import Order, OrderFile
from lifeline.freelance.services import deliveries as delivery_services
from lifeline.freelance.services import disputes as dispute_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.tests.conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return root


def _blobs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _pdf(name: str = "brief.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.PDF, content_type="application/pdf")


def _png(name: str = "sketch.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.png(), content_type="image/png")


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def placed(gig: Any, buyer: Any) -> Order:
    return order_services.order_place(actor=buyer, gig=gig, tier="basic")


def test_requirements_and_delivery_files_reach_both_parties_only(
    placed: Order, seller: Any, buyer: Any, other_buyer: Any, moderator: Any, market: Any
) -> None:
    response = client_for(buyer).post(
        f"{API}/orders/{placed.pk}/requirements/",
        {"requirements": "Blue and white", "files": [_pdf(), _png()]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    requirements = response.json()["events"][1]
    assert requirements["kind"] == "requirements"
    assert [(f["name"], f["content_type"]) for f in requirements["files"]] == [
        ("brief.pdf", "application/pdf"),
        ("sketch.png", "image/png"),
    ]
    response = client_for(seller).post(
        f"{API}/orders/{placed.pk}/deliver/",
        {"message": "Here is the logo, final", "files": [_png("logo.png")]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "delivered"
    delivered = body["events"][2]
    assert (delivered["kind"], [f["name"] for f in delivered["files"]]) == (
        "delivered",
        ["logo.png"],
    )
    files = list(OrderFile.objects.select_related("file").order_by("id"))
    assert len(files) == 3
    assert {f.file.attached_label for f in files} == {"freelance.order"}
    logo = files[2]
    url = delivered["files"][0]["url"]
    assert url == f"/freelance/orders/{placed.pk}/files/{logo.file_id}/"
    # Both parties download, through the page and through the files API.
    for party in (buyer, seller):
        page = _web(party).get(url)
        assert page.status_code == 200
        assert page["Content-Disposition"].startswith("attachment")
        assert page["X-Content-Type-Options"] == "nosniff"
        assert b"".join(page.streaming_content).startswith(b"\x89PNG")
        api = client_for(party).get(f"/api/v1/files/{logo.file_id}/download/")
        assert api.status_code == 200
    # A stranger, another seller and a moderator (no dispute yet) get 404 everywhere.
    other_seller = user_with_role(Role.SELLER, market, full_name="Sid Second")
    for stranger in (other_buyer, other_seller, moderator):
        assert _web(stranger).get(url).status_code == 404
        assert client_for(stranger).get(f"/api/v1/files/{logo.file_id}/download/").status_code == (
            404
        )
        assert client_for(stranger).get(f"{API}/orders/{placed.pk}/").status_code == 404
    assert Client().get(url).status_code == 302  # anonymous: to the login page
    # Once the order is disputed, the marketplace's moderator reads the files to decide.
    dispute_services.dispute_open(
        actor=buyer,
        order=Order.objects.get(pk=placed.pk),
        reason="The logo is not what the package said",
    )
    assert _web(moderator).get(url).status_code == 200
    assert client_for(moderator).get(f"/api/v1/files/{logo.file_id}/download/").status_code == 200
    assert _web(other_buyer).get(url).status_code == 404
    # A file of another order under this order's address is 404 too.
    assert _web(buyer).get(f"/freelance/orders/{placed.pk}/files/{placed.pk}/").status_code == 404


def test_refused_uploads_and_wrong_parties_store_nothing(
    placed: Order,
    seller: Any,
    buyer: Any,
    other_buyer: Any,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = f"{API}/orders/{placed.pk}/requirements/"
    # A type the files service does not take (HTML) is 400; the good file before it is gone
    # (its row soft-deleted, its blob removed once the transaction commits).
    bad = SimpleUploadedFile("page.pdf", samples.HTML, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(buyer).post(
            url, {"requirements": "Blue", "files": [_pdf(), bad]}, format="multipart"
        )
    assert response.status_code == 400
    assert response.json()["code"] == "files.type_not_allowed"
    assert StoredFile.objects.filter(deleted_at__isnull=True).count() == 0
    assert _blobs(media_root) == []
    # The seller may not submit requirements: 403 before anything is stored.
    response = client_for(seller).post(
        url, {"requirements": "Blue", "files": [_pdf()]}, format="multipart"
    )
    assert (response.status_code, response.json()["code"]) == (403, "freelance.wrong_party")
    # Another buyer does not see the order at all.
    response = client_for(other_buyer).post(
        url, {"requirements": "Blue", "files": [_pdf()]}, format="multipart"
    )
    assert response.status_code == 404
    # More than ten files: 400 with the field named.
    response = client_for(buyer).post(
        url,
        {"requirements": "Blue", "files": [_pdf(f"{i}.pdf") for i in range(11)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["files"] == ["At most 10 files at a time"]
    # An empty requirements text is refused before any upload.
    response = client_for(buyer).post(
        url, {"requirements": "", "files": [_pdf()]}, format="multipart"
    )
    assert response.status_code == 400
    assert StoredFile.objects.filter(deleted_at__isnull=True).count() == 0
    assert _blobs(media_root) == []
    assert OrderFile.objects.count() == 0
    assert Order.objects.get(pk=placed.pk).status == OrderStatus.AWAITING_REQUIREMENTS
    # A delivery on an order that has not started: 409, nothing stored.
    response = client_for(seller).post(
        f"{API}/orders/{placed.pk}/deliver/",
        {"message": "Here it is, all done", "files": [_pdf()]},
        format="multipart",
    )
    assert (response.status_code, response.json()["code"]) == (
        409,
        "freelance.order_transition_refused",
    )
    assert StoredFile.objects.filter(deleted_at__isnull=True).count() == 0
    # JSON without files still works.
    response = client_for(buyer).post(url, {"requirements": "Blue"}, format="json")
    assert response.status_code == 200
    assert response.json()["events"][1]["files"] == []


def test_order_page_upload_and_links(placed: Order, seller: Any, buyer: Any) -> None:
    page = _web(buyer)
    response = page.post(
        f"/freelance/orders/{placed.pk}/requirements/",
        {"text": "Blue and white", "files": [_pdf("brief.pdf")]},
    )
    assert response.status_code == 302
    order = Order.objects.get(pk=placed.pk)
    assert order.status == OrderStatus.IN_PROGRESS
    stored = OrderFile.objects.select_related("file").get()
    html = _web(seller).get(f"/freelance/orders/{placed.pk}/").content.decode()
    assert f'href="/freelance/orders/{placed.pk}/files/{stored.file_id}/"' in html
    assert "brief.pdf" in html
    assert 'enctype="multipart/form-data"' in html  # the seller's delivery form takes files


def test_order_detail_queries_do_not_grow_with_files(
    django_assert_max_num_queries: Any, placed: Order, buyer: Any
) -> None:
    delivery_services.order_submit_requirements(
        actor=buyer, order=placed, text="Blue", files=[_pdf(f"{i}.pdf") for i in range(5)]
    )
    client = client_for(buyer)
    client.get(f"{API}/orders/{placed.pk}/")  # warm caches (content types, session)
    with django_assert_max_num_queries(12) as captured:
        response = client.get(f"{API}/orders/{placed.pk}/")
    assert len(response.json()["events"][1]["files"]) == 5
    few = len(captured.captured_queries)
    delivery_services.order_deliver(
        actor=Order.objects.get(pk=placed.pk).seller,
        order=placed,
        message="Here it is, all done",
        files=[_pdf(f"d{i}.pdf") for i in range(5)],
    )
    with django_assert_max_num_queries(few):
        client.get(f"{API}/orders/{placed.pk}/")
