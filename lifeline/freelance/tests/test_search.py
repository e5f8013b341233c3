"""Gig search: full text (PostgreSQL tsvector + trigram, SQLite FTS5 with close words), filters,
sorts and stable pages, through the API and the catalogue page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.freelance.enums import GigStatus
from lifeline.freelance.levels import SellerLevel, seller_level
from lifeline.freelance.models import Category, Gig, GigDailyStat
from lifeline.freelance.search import GIGS
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import gig_factory

pytestmark = pytest.mark.django_db

API = "/api/v1/freelance/search/"
LOGO = "Логотип для вашего бизнеса"
SITE = "WordPress website development"
TRANSLATION = "Перевод с английского на русский"


def _search(params: dict[str, Any] | None = None) -> Any:
    response = client_for(None).get(API, params or {})
    assert response.status_code == 200, response.json()
    return response.json()


def _titles(q: str = "", **params: Any) -> list[str]:
    return [g["title"] for g in _search({"q": q, **params} if q else params)["results"]]


@pytest.fixture
def shelf(market: Any, seller: Any) -> dict[str, Gig]:
    """Three active gigs of three sellers (created oldest first: translation, site, logo) and
    a paused one that never shows."""
    translator = user_with_role(Role.SELLER, market, full_name="Tanya Translator")
    developer = user_with_role(Role.SELLER, market, full_name="Dev Developer")
    translation = gig_factory(
        seller=translator,
        organization=market,
        title=TRANSLATION,
        category=Category.objects.get(slug="writing-translation"),
        description="Technical and marketing texts translated by a native speaker.",
        tags=["translation", "english"],
        packages={"basic": {"price": Decimal("10.00"), "delivery_days": 1}},
    )
    site = gig_factory(
        seller=developer,
        organization=market,
        title=SITE,
        category=Category.objects.get(slug="programming-web"),
        description="A fast site with a custom theme; your logo placed in the header.",
        tags=["wordpress", "сайт"],
        packages={
            "basic": {"price": Decimal("200.00"), "delivery_days": 10},
            "standard": {"price": Decimal("400.00"), "delivery_days": 7},
            "premium": {"price": Decimal("800.00"), "delivery_days": 5},
        },
        orders_completed=30,
        rating_sum=24,
        reviews_count=5,  # 4.80
    )
    logo = gig_factory(
        seller=seller,
        organization=market,
        title=LOGO,
        category=Category.objects.get(slug="design-logo"),
        description="Векторный логотип, три концепции, перевод в кривые.",
        tags=["брендинг", "logo"],
        orders_completed=6,
        rating_sum=9,
        reviews_count=2,  # 4.50
    )
    paused = gig_factory(
        seller=seller,
        organization=market,
        title="Логотип и перевод на паузе",
        status=GigStatus.PAUSED,
    )
    return {"translation": translation, "site": site, "logo": logo, "paused": paused}


def test_russian_query_finds_other_forms_title_matches_first(shelf: Any) -> None:
    # "логотипы" (plural) finds "Логотип…"; the paused gig never shows.
    assert _titles("логотипы") == [LOGO]
    # "перевод": the title match first, although the logo gig (description) is newer.
    assert _titles("перевод") == [TRANSLATION, LOGO]
    assert _titles("ПЕРЕВОД") == [TRANSLATION, LOGO]


def test_english_query_every_word_must_match(shelf: Any) -> None:
    assert _titles("wordpress") == [SITE]
    assert _titles("website wordpress") == [SITE]
    assert _titles("logo") == [LOGO, SITE]  # the logo gig's tag, the site's description
    assert _titles("wordpress перевод") == []


def test_tags_are_searched_in_both_scripts(shelf: Any) -> None:
    assert _titles("брендинг") == [LOGO]
    assert _titles("сайт") == [SITE]


def test_a_typo_still_finds_the_gig(shelf: Any) -> None:
    assert _titles("логатип") == [LOGO]
    assert _titles("devlopment") == [SITE]
    assert _titles("wordpres devlopment") == [SITE]
    assert _titles("холодильник") == []  # nothing close: nothing found


def test_category_filter_includes_subcategories(shelf: Any) -> None:
    assert _titles(category="design") == [LOGO]
    assert _titles(category="design-logo") == [LOGO]
    assert _titles(category="writing") == [TRANSLATION]
    assert _titles("перевод", category="writing") == [TRANSLATION]
    assert _titles(category="no-such-category") == []


def test_price_range_uses_the_starting_price(shelf: Any) -> None:
    assert _titles(price_min="100") == [SITE]
    assert _titles(price_max="20") == [TRANSLATION]
    assert _titles(price_min="20", price_max="100") == [LOGO]
    assert _titles(price_min="25.00", price_max="25.00") == [LOGO]


def test_delivery_days_means_some_package_within(shelf: Any) -> None:
    assert _titles(delivery_days=1) == [TRANSLATION]
    assert _titles(delivery_days=3) == [LOGO, TRANSLATION]  # the logo's premium: 3 days
    assert _titles(delivery_days=5) == [LOGO, SITE, TRANSLATION]


def test_min_rating_is_exact(shelf: Any) -> None:
    assert _titles(min_rating="4.6") == [SITE]
    assert _titles(min_rating="4.5") == [LOGO, SITE]
    assert _titles(min_rating="5") == []


def test_seller_level_filter(shelf: Any) -> None:
    # The logo's seller: 6 orders at 4.50 (level 1); the developer: 30 at 4.80 (level 2).
    assert _titles(seller_level="level_one") == [LOGO]
    assert _titles(seller_level="level_two") == [SITE]
    assert _titles(seller_level="new") == [TRANSLATION]
    assert _titles(seller_level="top_rated") == []


def test_seller_level_rules() -> None:
    assert seller_level(orders_completed=4, rating_sum=50, reviews_count=10) == SellerLevel.NEW
    assert seller_level(orders_completed=5, rating_sum=44, reviews_count=10) == "level_one"
    assert seller_level(orders_completed=5, rating_sum=43, reviews_count=10) == "new"
    assert seller_level(orders_completed=25, rating_sum=46, reviews_count=10) == "level_two"
    assert seller_level(orders_completed=100, rating_sum=47, reviews_count=10) == "top_rated"
    assert seller_level(orders_completed=100, rating_sum=0, reviews_count=0) == "new"


def test_sorts(shelf: Any) -> None:
    assert _titles() == [LOGO, SITE, TRANSLATION]  # newest without a query
    assert _titles(sort="newest") == [LOGO, SITE, TRANSLATION]
    assert _titles(sort="best_selling") == [SITE, LOGO, TRANSLATION]
    assert _titles(sort="price_asc") == [TRANSLATION, LOGO, SITE]
    assert _titles(sort="price_desc") == [SITE, LOGO, TRANSLATION]
    assert _titles(sort="rating") == [SITE, LOGO, TRANSLATION]  # unrated last
    assert _titles("перевод", sort="newest") == [LOGO, TRANSLATION]
    assert _titles("перевод", sort="relevance") == [TRANSLATION, LOGO]


def test_results_carry_the_public_gig(shelf: Any) -> None:
    body = _search({"q": "перевод", "limit": 1})
    assert body["count"] == 2
    assert len(body["results"]) == 1
    found = body["results"][0]
    assert (found["id"], found["category"], found["seller_name"]) == (
        str(shelf["translation"].pk),
        "writing-translation",
        "Tanya Translator",
    )
    assert [p["price"] for p in found["packages"]] == ["10.00", "50.00", "120.00"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"price_min": "abc"}, "price_min"),
        ({"price_max": "-1"}, "price_max"),
        ({"delivery_days": "0"}, "delivery_days"),
        ({"delivery_days": "91"}, "delivery_days"),
        ({"min_rating": "6"}, "min_rating"),
        ({"seller_level": "gold"}, "seller_level"),
        ({"sort": "cheapest"}, "sort"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_parameters_are_400_naming_the_field_and_count_nothing(
    shelf: Any, params: dict[str, str], field: str
) -> None:
    response = client_for(None).get(API, params)
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert list(body["errors"]) == [field]
    assert GigDailyStat.objects.count() == 0  # no impression recorded


def test_anonymous_search_is_throttled_like_other_anonymous_reads(shelf: Any) -> None:
    response = client_for(None).get(API, {"q": "логотип"})
    assert response.status_code == 200
    assert int(response["RateLimit-Limit"]) > 0


def test_query_syntax_is_never_interpreted(shelf: Any) -> None:
    for q in ['"логотип', "logo OR *", "NEAR(a b)", "title:logo", "логотип)(", "-logo", "!!!"]:
        response = client_for(None).get(API, {"q": q})
        assert response.status_code == 200, q
    assert _titles("!!!") == []


def test_the_index_follows_edits_and_deletes(shelf: Any) -> None:
    site = shelf["site"]
    Gig.objects.filter(pk=site.pk).update(title="Shopify store setup", tags=["shopify"])
    assert _titles("wordpress") == []
    assert _titles("shopify") == ["Shopify store setup"]
    Gig.objects.filter(pk=site.pk).update(status=GigStatus.PAUSED)  # not a text change
    assert _titles("shopify") == []
    Gig.objects.filter(pk=site.pk).update(status=GigStatus.ACTIVE)
    assert _titles("shopify") == ["Shopify store setup"]


def test_pages_are_stable_and_cost_constant_queries(
    seller: Any, market: Any, django_assert_num_queries: Any
) -> None:
    made = [gig_factory(seller=seller, organization=market, title="Лампа") for _ in range(7)]
    everything = [g["id"] for g in _search({"q": "лампа", "sort": "best_selling"})["results"]]
    assert sorted(everything) == sorted(str(g.pk) for g in made)
    anon = client_for(None)
    seen: list[str] = []
    # count, page, packages; impressions: insert the missing rows, bump them; SQLite: the
    # vocabulary check of the typo tolerance.
    budget = 6 if connection.vendor == "sqlite" else 5
    with django_assert_num_queries(budget):
        body = anon.get(API, {"q": "лампа", "sort": "best_selling", "limit": 3}).json()
    assert body["count"] == 7
    seen += [g["id"] for g in body["results"]]
    url: str | None = body["next"]
    while url:
        with django_assert_num_queries(budget):
            body = anon.get(url).json()
        assert body["count"] == 7
        seen += [g["id"] for g in body["results"]]
        url = body["next"]
    assert seen == everything  # every tie (no orders) broken the same way on every page


def test_the_catalogue_page_searches_and_filters(shelf: Any) -> None:
    html = Client().get("/freelance/", {"q": "перевод"}).content.decode()
    assert html.index(TRANSLATION) < html.index(LOGO)
    assert SITE not in html
    html = Client().get("/freelance/", {"price_max": "20", "sort": "price_asc"}).content.decode()
    assert TRANSLATION in html
    assert LOGO not in html
    assert SITE not in html


def test_the_catalogue_page_shows_a_bad_filter_and_ignores_it(shelf: Any) -> None:
    response = Client().get(
        "/freelance/", {"price_min": "много", "category": "design"}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Введите число." in html
    assert "Фильтры и сортировка" in html
    assert LOGO in html
    assert SITE not in html


def test_the_catalogue_pages_keep_the_filters(seller: Any, market: Any) -> None:
    for _ in range(21):  # a page holds 20
        gig_factory(seller=seller, organization=market, title="Лампа")
    html = Client().get("/freelance/", {"q": "лампа", "sort": "price_asc"}).content.decode()
    assert "?q=%D0%BB%D0%B0%D0%BC%D0%BF%D0%B0&amp;sort=price_asc&amp;page=2" in html


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite triggers")
def test_lost_triggers_come_back_after_migrate(shelf: Any, seller: Any, market: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER freelance_gig_fts_insert")
    GIGS.ensure()
    gig_factory(seller=seller, organization=market, title="Торшер на заказ")
    assert _titles("торшер") == ["Торшер на заказ"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite typo fallback")
def test_close_words_reads_the_gig_vocabulary(shelf: Any) -> None:
    with connection.cursor() as cursor:
        assert GIGS.close_words(["логотипы", "logo"], cursor) == {}
        assert GIGS.close_words(["логатип", "devlopment"], cursor) == {
            "логатип": ["логотип"],
            "devlopment": ["development"],
        }
