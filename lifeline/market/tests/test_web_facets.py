"""The catalogue page's filter panel shows the facet counts of the search (issue 19 §1:
"facets with counts"), from one facets call whatever the number of values."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifeline.market.enums import ProductStatus
from lifeline.market.models import Product
from lifeline.market.tests.factories import ProductFactory, category

pytestmark = pytest.mark.django_db


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert select is not None, name
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def _cities(page: str) -> list[str]:
    nav = re.search(r'data-testid="city-facets">(.*?)</nav>', page, re.DOTALL)
    return re.findall(r"<a [^>]*>([^<]*)</a>", nav.group(1)) if nav else []


@pytest.fixture
def shelf(seller: Any, market: Any) -> None:
    def make(title: str, slug: str, **fields: Any) -> Product:
        return ProductFactory(
            seller=seller, organization=market, title=title, category=category(slug), **fields
        )

    make("Phone A", "phones")  # new, Tashkent, in stock
    make("Phone B", "phones", condition="used")
    make(
        "Laptop",
        "laptops",
        condition="refurbished",
        city="Samarkand",
        stock=0,
        status=ProductStatus.SOLD_OUT,
    )
    make("Chair", "furniture", city="Bukhara")
    make("Draft", "phones", status=ProductStatus.DRAFT)  # never counted
    Product.objects.filter(title="Phone A").update(rating_count=2, rating_sum=9)  # 4.5
    Product.objects.filter(title="Chair").update(rating_count=1, rating_sum=3)  # 3.0


def test_the_filter_panel_shows_what_each_choice_would_give(shelf: None) -> None:
    page = Client().get("/market/").content.decode()
    categories = _options(page, "category")
    assert categories[:4] == ["All categories", "Electronics (3)", "— Phones (2)", "— Laptops (1)"]
    assert "— Audio (0)" in categories
    assert "Home and garden (1)" in categories
    assert "— Furniture (1)" in categories
    assert "Fashion (0)" in categories
    assert _options(page, "condition") == [
        "Any condition",
        "New (2)",
        "Used (1)",
        "Refurbished (1)",
    ]
    assert _options(page, "min_rating") == ["Any rating", "4 and above (1)", "3 and above (2)"]
    assert '<label for="id_in_stock">In stock only (3):</label>' in page
    assert _cities(page) == ["Tashkent (2)", "Bukhara (1)", "Samarkand (1)"]


def test_each_count_ignores_its_own_filter_and_keeps_the_others(shelf: None) -> None:
    page = Client().get("/market/", {"category": "electronics", "condition": "new"})
    body = page.content.decode()
    # categories with the condition "new": Phone A and the chair
    categories = _options(body, "category")
    assert categories[:4] == ["All categories", "Electronics (1)", "— Phones (1)", "— Laptops (0)"]
    assert "— Furniture (1)" in categories
    # conditions within electronics
    assert _options(body, "condition") == [
        "Any condition",
        "New (1)",
        "Used (1)",
        "Refurbished (1)",
    ]
    assert '<option value="new" selected>New (1)</option>' in body
    assert '<label for="id_in_stock">In stock only (1):</label>' in body
    assert _cities(body) == ["Tashkent (1)"]
    # a city link sets the city and keeps the other filters
    link = re.search(r'<a href="([^"]+)">Tashkent \(1\)</a>', body)
    assert link is not None
    assert link.group(1) == "?category=electronics&amp;condition=new&amp;city=Tashkent"


def test_the_counts_are_translated_labels(shelf: None) -> None:
    client = Client()
    client.cookies["django_language"] = "ru"
    body = client.get("/market/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Электроника (3)" in _options(body, "category")
    assert _options(body, "condition")[1:] == ["Новое (2)", "Б/у (1)", "Восстановленный (1)"]
    assert _options(body, "min_rating")[1:] == ["4 и выше (1)", "3 и выше (2)"]
    assert "Только в наличии (3)" in body


def _market_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/market/", {"q": "phone"}).status_code == 200
    return sum('"market_' in q["sql"] for q in captured.captured_queries)


def test_the_panel_costs_the_same_queries_for_many_values(seller: Any, market: Any) -> None:
    client = Client()
    ProductFactory(seller=seller, organization=market, title="Phone 0")
    few = _market_queries(client)
    for n, slug in enumerate(("laptops", "audio", "shoes", "books", "kitchen", "sport"), 1):
        for condition in ("new", "used", "refurbished"):
            ProductFactory(
                seller=seller,
                organization=market,
                title=f"Phone {n} {condition}",
                category=category(slug),
                condition=condition,
                city=f"City {n}",
            )
    many = _market_queries(client)
    # count, page, primary images, the one facets query, the category tree (SQLite's typo
    # checks read the FTS vocabulary, not a market_ table)
    assert few == many == 5
