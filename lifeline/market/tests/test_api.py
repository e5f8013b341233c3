from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.market.enums import ProductStatus
from lifeline.market.models import CartItem, Product
from lifeline.market.services.cart import cart_set_item
from lifeline.market.services.orders import checkout_place
from lifeline.market.tests.conftest import client_for
from lifeline.market.tests.factories import ProductFactory, category

pytestmark = pytest.mark.django_db

API = "/api/v1/market"


def test_a_seller_lists_a_product_a_moderator_approves_it_a_buyer_checks_out(
    seller: Any, moderator: Any, buyer: Any, other_seller: Any, market: Any
) -> None:
    created = client_for(seller).post(
        f"{API}/products/",
        {"category": "phones", "title": "Смартфон", "price": "250.50", "stock": 2},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["price"], body["category"]) == ("draft", "250.50", "phones")
    assert body["slug"].startswith("smartfon-")
    pid = body["id"]
    assert client_for(seller).post(f"{API}/products/{pid}/submit/").json()["status"] == (
        "pending_review"
    )
    queue = client_for(moderator).get(f"{API}/moderation/").json()
    assert [p["id"] for p in queue["results"]] == [pid]
    assert client_for(moderator).post(f"{API}/products/{pid}/approve/").json()["status"] == (
        "active"
    )
    other = ProductFactory(seller=other_seller, organization=market, price=Decimal("10.00"))
    shopper = client_for(buyer)
    assert (
        shopper.post(f"{API}/cart/", {"product": pid, "quantity": 2}, format="json").status_code
        == 200
    )
    cart = shopper.post(f"{API}/cart/", {"product": str(other.pk)}, format="json").json()
    assert (cart["total"], len(cart["items"])) == ("511.00", 2)
    checkout = shopper.post(f"{API}/checkout/")
    assert checkout.status_code == 201
    assert {(o["seller_id"], o["subtotal"]) for o in checkout.json()["orders"]} == {
        (str(seller.pk), "501.00"),
        (str(other_seller.pk), "10.00"),
    }
    part = client_for(seller).get(f"{API}/orders/?as=seller").json()["results"]
    assert [o["subtotal"] for o in part] == ["501.00"]
    assert client_for(seller).get(f"{API}/products/{pid}/").json()["status"] == "sold_out"
    balance = client_for(seller).get(f"{API}/balance/").json()
    assert balance == {"pending": "475.95", "available": "0.00", "currency": "UZS"}


def test_bad_input_is_400_with_the_field_and_stores_nothing(
    seller: Any, buyer: Any, product: Any
) -> None:
    response = client_for(seller).post(
        f"{API}/products/",
        {"category": "phones", "title": "X", "price": "-1", "stock": -5},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"price", "stock"}
    response = client_for(seller).post(
        f"{API}/products/",
        {"category": "phones", "title": "X", "price": "10", "old_price": "5"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "market.invalid_price")
    assert Product.objects.count() == 1
    response = client_for(buyer).post(
        f"{API}/cart/", {"product": str(product.pk), "quantity": 0}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["quantity"]
    response = client_for(buyer).post(
        f"{API}/cart/", {"product": str(product.pk), "quantity": 6}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "market.out_of_stock")
    assert CartItem.objects.count() == 0
    bad = client_for(None).get(f"{API}/products/?price_min=abc")
    assert bad.status_code == 400


def _matrix_actors(
    seller: Any, other_seller: Any, buyer: Any, other_buyer: Any, moderator: Any
) -> dict[str, Any]:
    return {
        "seller": seller,
        "other_seller": other_seller,
        "buyer": buyer,
        "other_buyer": other_buyer,
        "moderator": moderator,
        "anonymous": None,
    }


def test_permission_matrix_on_products(
    seller: Any, other_seller: Any, buyer: Any, other_buyer: Any, moderator: Any, market: Any
) -> None:
    draft = ProductFactory(seller=seller, organization=market, status=ProductStatus.DRAFT)
    active = ProductFactory(seller=seller, organization=market)
    actors = _matrix_actors(seller, other_seller, buyer, other_buyer, moderator)
    expected_read_draft = {
        "seller": 200,
        "other_seller": 404,
        "buyer": 404,
        "other_buyer": 404,
        "moderator": 404,
        "anonymous": 404,
    }
    expected_edit_active = {
        "seller": 200,
        "other_seller": 403,
        "buyer": 403,
        "other_buyer": 403,
        "moderator": 403,
        "anonymous": 401,
    }
    expected_approve_active = {
        "seller": 403,
        "other_seller": 403,
        "buyer": 403,
        "other_buyer": 403,
        "moderator": 409,
        "anonymous": 401,
    }
    for name, user in actors.items():
        client = client_for(user)
        assert client.get(f"{API}/products/{draft.pk}/").status_code == expected_read_draft[name], (
            name
        )
        assert client.get(f"{API}/products/{active.pk}/").status_code == 200, name
        response = client.patch(f"{API}/products/{active.pk}/", {"city": name}, format="json")
        assert response.status_code == expected_edit_active[name], name
        response = client.post(f"{API}/products/{active.pk}/approve/")
        assert response.status_code == expected_approve_active[name], name
    active.refresh_from_db()
    assert active.city == "seller"


def test_permission_matrix_on_orders_and_carts(
    seller: Any, other_seller: Any, buyer: Any, other_buyer: Any, moderator: Any, product: Any
) -> None:
    cart_set_item(actor=buyer, product=product, quantity=1)
    order = checkout_place(actor=buyer).orders.get()
    cart_set_item(actor=buyer, product=product, quantity=2)
    actors = _matrix_actors(seller, other_seller, buyer, other_buyer, moderator)
    read = {
        "seller": 200,
        "other_seller": 404,
        "buyer": 200,
        "other_buyer": 404,
        "moderator": 404,
        "anonymous": 401,
    }
    confirm = {
        "seller": 200,
        "other_seller": 404,
        "buyer": 403,
        "other_buyer": 404,
        "moderator": 404,
        "anonymous": 401,
    }
    for name, user in actors.items():
        client = client_for(user)
        assert client.get(f"{API}/orders/{order.pk}/").status_code == read[name], name
        response = client.post(f"{API}/orders/{order.pk}/confirm/")
        assert response.status_code == confirm[name], name
        if user is not None and user != buyer:
            # Their own (empty) cart: nobody sees or changes the buyer's.
            cart = client.get(f"{API}/cart/").json()
            assert cart["items"] == [], name
            client.delete(f"{API}/cart/items/{product.pk}/")
            assert client.get(f"{API}/orders/").json()["results"] == [], name
    assert CartItem.objects.get(cart__buyer=buyer).quantity == 2
    assert client_for(other_buyer).post(f"{API}/orders/{order.pk}/cancel/").status_code == 404


def test_review_of_ones_own_product_is_403_and_one_per_buyer(
    seller: Any, buyer: Any, product: Any
) -> None:
    url = f"{API}/products/{product.pk}/reviews/"
    own = client_for(seller).post(url, {"rating": 5}, format="json")
    assert (own.status_code, own.json()["code"]) == (403, "market.own_product")
    assert client_for(buyer).post(url, {"rating": 6}, format="json").status_code == 400
    assert (
        client_for(buyer).post(url, {"rating": 4, "pros": "Fast"}, format="json").status_code == 201
    )
    again = client_for(buyer).post(url, {"rating": 5}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "market.already_reviewed")
    other = user_with_role(Role.BUYER, product.organization)
    client_for(other).post(url, {"rating": 5}, format="json")
    other2 = user_with_role(Role.BUYER, product.organization)
    client_for(other2).post(url, {"rating": 5}, format="json")
    body = client_for(None).get(f"{API}/products/{product.pk}/").json()
    assert (body["rating_count"], body["rating_average"]) == (3, "4.67")
    reviews = client_for(None).get(url).json()["results"]
    assert [r["rating"] for r in reviews] == [5, 5, 4]
    assert [r["verified_purchase"] for r in reviews] == [False, False, False]


def test_verified_purchase_after_delivery(seller: Any, buyer: Any, product: Any) -> None:
    from lifeline.market.services.orders import order_advance

    cart_set_item(actor=buyer, product=product, quantity=1)
    order = checkout_place(actor=buyer).orders.get()
    for step in ("confirm", "ship", "deliver"):
        order = order_advance(actor=seller, order=order, step=step)
    review = (
        client_for(buyer)
        .post(f"{API}/products/{product.pk}/reviews/", {"rating": 5}, format="json")
        .json()
    )
    assert review["verified_purchase"] is True


def test_favourites_keep_the_date_they_were_added(buyer: Any, product: Any) -> None:
    client = client_for(buyer)
    assert client.put(f"{API}/products/{product.pk}/favourite/").status_code == 204
    assert client.put(f"{API}/products/{product.pk}/favourite/").status_code == 204
    rows = client.get(f"{API}/favourites/").json()["results"]
    assert [r["product"]["id"] for r in rows] == [str(product.pk)]
    assert rows[0]["added_at"] != product.created_at.isoformat()
    assert client.delete(f"{API}/products/{product.pk}/favourite/").status_code == 204
    assert client.get(f"{API}/favourites/").json()["results"] == []


def test_catalogue_filters_and_search(seller: Any, market: Any) -> None:
    def make(title: str, **kw: Any) -> Product:
        return ProductFactory(seller=seller, organization=market, title=title, **kw)

    make("Red phone", price=Decimal("50.00"), city="Tashkent")
    make(
        "Laptop",
        category=category("laptops"),
        price=Decimal("900.00"),
        condition="used",
        city="Samarkand",
        description="comes with a red phone case",
    )
    make("Hidden", status=ProductStatus.DRAFT)
    make("Sofa", category=category("furniture"))
    anon = client_for(None)

    def ids(url: str) -> list[str]:
        response = anon.get(url)
        assert response.status_code == 200, response.json()
        return [p["title"] for p in response.json()["results"]]

    assert ids(f"{API}/products/?category=electronics") == ["Laptop", "Red phone"]
    assert ids(f"{API}/products/?price_min=100.01&price_max=1000") == ["Laptop"]
    assert ids(f"{API}/products/?condition=used") == ["Laptop"]
    assert ids(f"{API}/products/?city=tashkent&category=phones") == ["Red phone"]
    assert ids(f"{API}/search/?q=red+phone") == ["Red phone", "Laptop"]
    assert anon.get(f"{API}/search/?q=r").status_code == 400


def test_cursor_pagination_is_stable(seller: Any, market: Any) -> None:
    ProductFactory.create_batch(5, seller=seller, organization=market)
    client = client_for(None)
    first = client.get(f"{API}/products/?page_size=3").json()
    second = client.get(first["next"]).json()
    titles = [p["title"] for p in first["results"] + second["results"]]
    assert len(titles) == len(set(titles)) == 5
    assert second["next"] is None


def test_list_query_counts_do_not_grow(
    seller: Any, buyer: Any, market: Any, django_assert_num_queries: Any
) -> None:
    products = ProductFactory.create_batch(3, seller=seller, organization=market)
    for p in products:
        cart_set_item(actor=buyer, product=p, quantity=1)
    checkout_place(actor=buyer)
    anon, shopper, shop = client_for(None), client_for(buyer), client_for(seller)
    with django_assert_num_queries(1):
        anon.get(f"{API}/products/")
    with django_assert_num_queries(2):
        shopper.get(f"{API}/orders/")
    ProductFactory.create_batch(5, seller=seller, organization=market)
    with django_assert_num_queries(1):
        anon.get(f"{API}/products/")
    with django_assert_num_queries(2):  # the seller check, the products
        shop.get(f"{API}/products/mine/")


def test_search_sorts_and_min_rating(seller: Any, market: Any) -> None:
    cheap = ProductFactory(
        seller=seller,
        organization=market,
        title="Lamp A",
        price=Decimal("5.00"),
        id=UUID(int=1),  # a tie on rating would put B (the larger id) first
    )
    dear = ProductFactory(
        seller=seller,
        organization=market,
        title="Lamp B",
        price=Decimal("50.00"),
        id=UUID(int=2**128 - 1),
    )
    Product.objects.filter(pk=cheap.pk).update(rating_count=2, rating_sum=9)  # 4.5
    Product.objects.filter(pk=dear.pk).update(rating_count=3, rating_sum=13)  # 4.33
    anon = client_for(None)

    def titles(query: str) -> list[str]:
        return [p["title"] for p in anon.get(f"{API}/search/?q=lamp&{query}").json()["results"]]

    assert titles("sort=price_asc") == ["Lamp A", "Lamp B"]
    assert titles("sort=price_desc") == ["Lamp B", "Lamp A"]
    assert titles("sort=rating") == ["Lamp A", "Lamp B"]
    assert titles("min_rating=4.5") == ["Lamp A"]
    assert anon.get(f"{API}/search/?q=lamp&sort=cheapest").status_code == 400


def test_only_the_products_seller_answers_a_review(
    seller: Any, other_seller: Any, buyer: Any, product: Any
) -> None:
    url = f"{API}/products/{product.pk}/reviews/"
    review_id = client_for(buyer).post(url, {"rating": 3}, format="json").json()["id"]
    answer = f"{url}{review_id}/answer/"
    for user in (other_seller, buyer):
        response = client_for(user).post(answer, {"text": "Sorry"}, format="json")
        assert response.status_code == 403
    assert client_for(seller).post(answer, {"text": ""}, format="json").status_code == 400
    body = client_for(seller).post(answer, {"text": "We will fix it"}, format="json").json()
    assert body["seller_answer"] == "We will fix it"
    assert body["answered_at"] is not None
    assert (
        client_for(seller).post(f"{url}999999/answer/", {"text": "x"}, format="json").status_code
        == 404
    )


def test_facets_count_what_each_other_choice_would_give(
    seller: Any, market: Any, django_assert_num_queries: Any
) -> None:
    ProductFactory(seller=seller, organization=market, title="Phone new")
    ProductFactory(seller=seller, organization=market, title="Phone used", condition="used")
    ProductFactory(seller=seller, organization=market, category=category("laptops"), title="L")
    ProductFactory(seller=seller, organization=market, status=ProductStatus.DRAFT)
    anon = client_for(None)
    Product.objects.filter(title="Phone used").update(rating_count=2, rating_sum=7)  # 3.5
    with django_assert_num_queries(2):  # the category tree, one grouped count
        body = anon.get(f"{API}/search/facets/?category=phones&condition=used").json()
    assert body == {
        "categories": [{"value": "phones", "count": 1}],
        "conditions": [{"value": "new", "count": 1}, {"value": "used", "count": 1}],
        "cities": [{"value": "Tashkent", "count": 1}],
        "ratings": [
            {"value": "3", "count": 1},
            {"value": "2", "count": 1},
            {"value": "1", "count": 1},
        ],
        "in_stock": 1,
    }


def test_the_category_tree_is_seeded_and_translated(django_assert_num_queries: Any) -> None:
    anon = client_for(None)
    with django_assert_num_queries(1):
        english = {c["slug"]: c for c in anon.get(f"{API}/categories/").json()}
    russian = {
        c["slug"]: c for c in anon.get(f"{API}/categories/", HTTP_ACCEPT_LANGUAGE="ru").json()
    }
    assert (english["electronics"]["name"], english["electronics"]["parent_slug"]) == (
        "Electronics",
        None,
    )
    assert (english["phones"]["name"], english["phones"]["parent_slug"]) == (
        "Phones",
        "electronics",
    )
    assert (russian["electronics"]["name"], russian["phones"]["name"]) == (
        "Электроника",
        "Телефоны",
    )


def test_in_stock_filter_leaves_out_sold_out_products(seller: Any, market: Any) -> None:
    ProductFactory(seller=seller, organization=market, title="Left", stock=2)
    ProductFactory(
        seller=seller,
        organization=market,
        title="Gone",
        stock=0,
        status=ProductStatus.SOLD_OUT,
    )
    anon = client_for(None)
    every = [p["title"] for p in anon.get(f"{API}/products/").json()["results"]]
    in_stock = [
        p["title"] for p in anon.get(f"{API}/products/", {"in_stock": "true"}).json()["results"]
    ]
    assert sorted(every) == ["Gone", "Left"]
    assert in_stock == ["Left"]
