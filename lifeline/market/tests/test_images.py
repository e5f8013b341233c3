"""Product images through the files service: re-encoded, ordered, one primary, served to
whoever may open the product (anyone for products on sale)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lifeline.files.models import StoredFile
from lifeline.files.tests.samples import png
from lifeline.market.enums import ProductStatus
from lifeline.market.models import ProductImage
from lifeline.market.services.images import image_add
from lifeline.market.tests.conftest import client_for
from lifeline.market.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/market"


def _upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(), content_type="image/png")


def test_the_seller_uploads_orders_and_picks_the_primary(
    seller: Any, product: Any, django_assert_max_num_queries: Any
) -> None:
    url = f"{API}/products/{product.pk}/images/"
    shop = client_for(seller)
    first = shop.post(url, {"file": _upload()}, format="multipart")
    assert first.status_code == 201, first.json()
    second = shop.post(url, {"file": _upload()}, format="multipart").json()
    assert (first.json()["is_primary"], first.json()["position"]) == (True, 0)
    assert (second["is_primary"], second["position"]) == (False, 1)
    stored = StoredFile.objects.get(market_product_image__pk=second["id"])
    assert stored.kind == "image"
    assert stored.attached_label == "market.productimage"
    assert shop.post(f"{url}{second['id']}/primary/").json()["is_primary"] is True
    listed = client_for(None).get(url).json()
    assert [(i["id"], i["is_primary"]) for i in listed] == [
        (second["id"], True),
        (first.json()["id"], False),
    ]
    assert shop.delete(f"{url}{second['id']}/").status_code == 204
    assert list(ProductImage.objects.values_list("is_primary", flat=True)) == [True]
    stored.refresh_from_db()
    assert stored.is_deleted


def test_anyone_sees_images_of_products_on_sale_only(seller: Any, buyer: Any, market: Any) -> None:
    on_sale = ProductFactory(seller=seller, organization=market)
    draft = ProductFactory(seller=seller, organization=market, status=ProductStatus.DRAFT)
    public = image_add(actor=seller, product=on_sale, uploaded_file=_upload())
    hidden = image_add(actor=seller, product=draft, uploaded_file=_upload())
    response = Client().get(f"/market/images/{public.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert Client().get(f"/market/images/{hidden.pk}/").status_code == 404
    shopper = Client()
    shopper.force_login(buyer)
    assert shopper.get(f"/market/images/{hidden.pk}/").status_code == 404
    owner = Client()
    owner.force_login(seller)
    assert owner.get(f"/market/images/{hidden.pk}/").status_code == 200
    page = Client().get("/market/").content.decode()
    assert f"/market/images/{public.pk}/" in page
    assert (
        f"/market/images/{public.pk}/"
        in Client().get(f"/market/products/{on_sale.slug}/").content.decode()
    )


def test_only_the_seller_changes_images_and_nothing_changes_otherwise(
    seller: Any, other_seller: Any, buyer: Any, market: Any
) -> None:
    product = ProductFactory(seller=seller, organization=market)
    draft = ProductFactory(seller=seller, organization=market, status=ProductStatus.DRAFT)
    first = image_add(actor=seller, product=product, uploaded_file=_upload())
    second = image_add(actor=seller, product=product, uploaded_file=_upload())
    draft_image = image_add(actor=seller, product=draft, uploaded_file=_upload())
    url = f"{API}/products/{product.pk}/images/"
    for user, code in ((other_seller, 403), (buyer, 403), (None, 401)):
        client = client_for(user)
        assert client.post(url, {"file": _upload()}, format="multipart").status_code == code
        assert client.delete(f"{url}{first.pk}/").status_code == code
        assert client.post(f"{url}{second.pk}/primary/").status_code == code
    other = client_for(other_seller)
    draft_url = f"{API}/products/{draft.pk}/images/"
    assert other.get(draft_url).status_code == 404
    assert other.delete(f"{draft_url}{draft_image.pk}/").status_code == 404
    # An image of another product through this product's URL: 404.
    assert client_for(seller).delete(f"{url}{draft_image.pk}/").status_code == 404
    assert sorted(ProductImage.objects.values_list("position", "is_primary")) == [
        (0, True),
        (0, True),
        (1, False),
    ]
    assert StoredFile.objects.filter(deleted_at__isnull=True).count() == 3


def test_a_file_that_is_not_an_image_is_refused_and_nothing_stored(
    seller: Any, product: Any
) -> None:
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client_for(seller).post(
        f"{API}/products/{product.pk}/images/", {"file": fake}, format="multipart"
    )
    assert response.status_code in (400, 415)
    assert ProductImage.objects.count() == 0
    assert StoredFile.objects.count() == 0


def _gallery(product: Any) -> list[tuple[Any, bool]]:
    return list(
        ProductImage.objects.filter(product=product)
        .order_by("-is_primary", "position", "id")
        .values_list("pk", "is_primary")
    )


def test_the_seller_reorders_images_and_picks_the_primary_through_the_api(
    seller: Any, product: Any
) -> None:
    a, b, c = (image_add(actor=seller, product=product, uploaded_file=_upload()) for _ in "abc")
    response = client_for(seller).put(
        f"{API}/products/{product.pk}/images/order/",
        {"images": [str(c.pk), str(a.pk), str(b.pk)], "primary": str(c.pk)},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [(i["id"], i["is_primary"], i["position"]) for i in response.json()] == [
        (str(c.pk), True, 0),
        (str(a.pk), False, 1),
        (str(b.pk), False, 2),
    ]
    assert _gallery(product) == [(c.pk, True), (a.pk, False), (b.pk, False)]


def test_an_order_missing_or_repeating_an_image_is_refused_with_nothing_changed(
    seller: Any, product: Any, market: Any
) -> None:
    a, b = (image_add(actor=seller, product=product, uploaded_file=_upload()) for _ in "ab")
    foreign = image_add(
        actor=seller,
        product=ProductFactory(seller=seller, organization=market),
        uploaded_file=_upload(),
    )
    url = f"{API}/products/{product.pk}/images/order/"
    shop = client_for(seller)
    for body in (
        {"images": [str(b.pk)]},
        {"images": [str(b.pk), str(b.pk)]},
        {"images": [str(b.pk), str(a.pk), str(foreign.pk)]},
        {"images": ["not-a-uuid"]},
    ):
        response = shop.put(url, body, format="json")
        assert (response.status_code, list(response.json()["errors"])) == (400, ["images"])
    primary = shop.put(
        url, {"images": [str(b.pk), str(a.pk)], "primary": str(foreign.pk)}, format="json"
    )
    assert (primary.status_code, list(primary.json()["errors"])) == (400, ["primary"])
    assert _gallery(product) == [(a.pk, True), (b.pk, False)]
    assert list(
        ProductImage.objects.filter(product=product).values_list("position", flat=True)
    ) == [0, 1]


def test_another_seller_cannot_reorder_and_nothing_changes(
    seller: Any, other_seller: Any, buyer: Any, product: Any
) -> None:
    a, b = (image_add(actor=seller, product=product, uploaded_file=_upload()) for _ in "ab")
    body = {"images": [str(b.pk), str(a.pk)], "primary": str(b.pk)}
    url = f"{API}/products/{product.pk}/images/order/"
    for user, code in ((other_seller, 404), (buyer, 404), (None, 401)):
        assert client_for(user).put(url, body, format="json").status_code == code
    page = Client()
    page.force_login(other_seller)
    assert page.get(f"/market/products/{product.slug}/edit/").status_code == 404
    for action in ("up", "down"):
        moved = page.post(f"/market/products/{product.slug}/images/{b.pk}/{action}/")
        assert moved.status_code == 404
    assert _gallery(product) == [(a.pk, True), (b.pk, False)]


def test_the_edit_page_moves_images_with_buttons(seller: Any, product: Any) -> None:
    a, b, c = (image_add(actor=seller, product=product, uploaded_file=_upload()) for _ in "abc")
    page = Client()
    page.force_login(seller)
    edit = page.get(f"/market/products/{product.slug}/edit/").content.decode()
    assert f"/market/products/{product.slug}/images/{c.pk}/up/" in edit
    assert (
        f"/market/products/{product.slug}/images/{b.pk}/up/" not in edit
    )  # first after the primary
    assert f"/market/products/{product.slug}/images/{c.pk}/down/" not in edit  # the last
    moved = page.post(f"/market/products/{product.slug}/images/{c.pk}/up/", {"back": "edit"})
    assert moved["Location"] == f"/market/products/{product.slug}/edit/#images"
    assert _gallery(product) == [(a.pk, True), (c.pk, False), (b.pk, False)]
    page.post(f"/market/products/{product.slug}/images/{c.pk}/up/", {"back": "edit"})
    assert _gallery(product) == [(a.pk, True), (c.pk, False), (b.pk, False)]  # at the top
    page.post(f"/market/products/{product.slug}/images/{b.pk}/primary/", {"back": "edit"})
    assert _gallery(product) == [(b.pk, True), (a.pk, False), (c.pk, False)]
