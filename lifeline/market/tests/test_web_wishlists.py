from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lifeline.market.enums import ProductStatus
from lifeline.market.models import WishList, WishListItem
from lifeline.market.tests.conftest import client_for
from lifeline.market.tests.factories import ProductFactory, WishListFactory, WishListItemFactory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_buyer_builds_shares_and_deletes_a_list_through_the_pages(
    buyer: Any, product: Any
) -> None:
    page = _client(buyer)
    # Reachable from the market's navigation.
    assert 'href="/market/wishlists/"' in page.get("/market/").content.decode()
    created = page.post("/market/wishlists/", {"name": " Birthday "})
    wish_list = WishList.objects.get(owner=buyer)
    assert created["Location"] == f"/market/wishlists/{wish_list.pk}/"
    assert wish_list.name == "Birthday"

    # From the product page, into the list.
    product_page = page.get(f"/market/products/{product.slug}/").content.decode()
    assert f'<option value="{wish_list.pk}">Birthday</option>' in product_page
    added = page.post(f"/market/products/{product.slug}/wishlist/", {"wishlist": wish_list.pk})
    assert added["Location"] == f"/market/products/{product.slug}/"
    assert list(WishListItem.objects.values_list("wish_list_id", "product_id")) == [
        (wish_list.pk, product.pk)
    ]
    listed = page.get(f"/market/wishlists/{wish_list.pk}/").content.decode()
    assert product.title in listed

    page.post(f"/market/wishlists/{wish_list.pk}/rename/", {"name": "Дни рождения"})
    page.post(f"/market/wishlists/{wish_list.pk}/share/")
    wish_list.refresh_from_db()
    assert wish_list.name == "Дни рождения"
    assert len(wish_list.share_token) == 32
    shown = page.get(f"/market/wishlists/{wish_list.pk}/").content.decode()
    assert f"http://testserver/market/shared/{wish_list.share_token}/" in shown

    # Anyone holding the link reads it, without a single form; it is not indexed.
    shared = Client().get(f"/market/shared/{wish_list.share_token}/")
    assert shared.status_code == 200
    assert shared["X-Robots-Tag"] == "noindex, nofollow"
    body = shared.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in body
    assert product.title in body
    assert "/remove/" not in body
    assert "/rename/" not in body

    token = wish_list.share_token
    page.post(f"/market/wishlists/{wish_list.pk}/unshare/")
    assert Client().get(f"/market/shared/{token}/").status_code == 404

    page.post(f"/market/wishlists/{wish_list.pk}/items/{product.pk}/remove/")
    assert WishListItem.objects.count() == 0
    deleted = page.post(f"/market/wishlists/{wish_list.pk}/delete/")
    assert deleted["Location"] == "/market/wishlists/"
    assert WishList.objects.count() == 0


def test_a_new_list_can_be_named_on_the_product_page(buyer: Any, product: Any) -> None:
    _client(buyer).post(
        f"/market/products/{product.slug}/wishlist/", {"wishlist": "", "name": "Gifts"}
    )
    item = WishListItem.objects.select_related("wish_list").get()
    assert (item.wish_list.owner_id, item.wish_list.name, item.product_id) == (
        buyer.pk,
        "Gifts",
        product.pk,
    )


def test_a_nameless_list_is_refused_with_nothing_stored(buyer: Any, product: Any) -> None:
    page = _client(buyer)
    response = page.post("/market/wishlists/", {"name": "   "})
    assert response.status_code == 422
    page.post(f"/market/products/{product.slug}/wishlist/", {"wishlist": "", "name": " "})
    assert WishList.objects.count() == 0
    assert WishListItem.objects.count() == 0


def test_another_users_list_is_404_and_stays_unchanged(
    buyer: Any, other_buyer: Any, product: Any, market: Any, seller: Any
) -> None:
    mine = WishListFactory(owner=buyer, name="Mine")
    WishListItemFactory(wish_list=mine, product=product)
    other = _client(other_buyer)
    assert other.get(f"/market/wishlists/{mine.pk}/").status_code == 404
    for action in ("rename", "delete", "share", "unshare"):
        assert (
            other.post(f"/market/wishlists/{mine.pk}/{action}/", {"name": "x"}).status_code == 404
        )
    removed = other.post(f"/market/wishlists/{mine.pk}/items/{product.pk}/remove/")
    assert removed.status_code == 404
    elsewhere = ProductFactory(seller=seller, organization=market)
    added = other.post(f"/market/products/{elsewhere.slug}/wishlist/", {"wishlist": mine.pk})
    assert added.status_code == 404
    assert other.get("/market/wishlists/").content.decode().count("Mine") == 0
    mine.refresh_from_db()
    assert (mine.name, mine.share_token) == ("Mine", "")
    assert list(WishListItem.objects.values_list("product_id", flat=True)) == [product.pk]
    # An unknown or empty token is 404; a draft is never listed to link holders.
    assert Client().get("/market/shared/nope/").status_code == 404
    assert _client(None).get("/market/wishlists/").status_code == 302


def test_a_shared_list_shows_only_products_anyone_may_see(
    buyer: Any, product: Any, seller: Any, market: Any
) -> None:
    draft = ProductFactory(
        seller=seller, organization=market, status=ProductStatus.DRAFT, title="Secret draft"
    )
    shared = WishListFactory(owner=buyer, share_token="t" * 32)
    WishListItemFactory(wish_list=shared, product=product)
    WishListItemFactory(wish_list=shared, product=draft)
    body = Client().get(f"/market/shared/{'t' * 32}/").content.decode()
    assert product.title in body
    assert "Secret draft" not in body


def test_the_list_pages_are_translated(buyer: Any) -> None:
    WishListFactory(owner=buyer)
    page = _client(buyer)
    with translation.override("ru"):
        body = page.get("/market/wishlists/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Списки желаний" in body


def _market_queries(captured: CaptureQueriesContext) -> int:
    return sum('"market_' in query["sql"] for query in captured.captured_queries)


def test_the_pages_of_lists_take_constant_queries(buyer: Any, seller: Any, market: Any) -> None:
    def fill(count: int) -> WishList:
        wish_list = WishListFactory(owner=buyer, share_token=f"{count:032d}")
        for _ in range(count):
            WishListItemFactory(
                wish_list=wish_list, product=ProductFactory(seller=seller, organization=market)
            )
        return wish_list

    small, big = fill(1), fill(8)
    page = _client(buyer)
    anonymous = Client()
    counts = []
    for wish_list in (small, big):
        with CaptureQueriesContext(connection) as captured:
            assert page.get(f"/market/wishlists/{wish_list.pk}/").status_code == 200
        counts.append(_market_queries(captured))
        with CaptureQueriesContext(connection) as shared:
            assert anonymous.get(f"/market/shared/{wish_list.share_token}/").status_code == 200
        counts.append(_market_queries(shared))
    # The list, its items, their primary images (the shell's own queries vary with the
    # session's writes, so only the market's are counted).
    assert counts == [3, 3, 3, 3]
    with CaptureQueriesContext(connection) as listed:
        page.get("/market/wishlists/")
    fill(3)
    with CaptureQueriesContext(connection) as more:
        page.get("/market/wishlists/")
    assert _market_queries(listed) == _market_queries(more) == 3
    api = client_for(buyer)
    with CaptureQueriesContext(connection) as before:
        api.get("/api/v1/market/wishlists/")
    fill(2)
    with CaptureQueriesContext(connection) as after:
        api.get("/api/v1/market/wishlists/")
    assert _market_queries(before) == _market_queries(after) == 3
