"""Market journey: a visitor finds a phone by search with a typo, puts it and another
seller's case in the cart without an account, signs in (the cart joins the one the buyer
already had), and places the order: one order per seller. Each seller sees only their part
and ships it; the other seller's order is a 404 to them. In Russian on a phone and in
English on a desktop; every page is checked for console errors, CSP violations, failed
requests, sideways scrolling and serious accessibility violations (axe-core)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import Browser, expect

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.accounts.tests.factories import DEFAULT_PASSWORD
from lifeline.market.models import Attribute, Cart, CartItem, Order, Product
from lifeline.market.tests.factories import ProductFactory, category
from tests.e2e.conftest import PageProblems
from tests.e2e.people import Person

pytestmark = pytest.mark.django_db(transaction=True)

IDENTIFIER = "input[autocomplete='username'], input[name='username'], input[name='identifier']"


TEXT = {
    "en": {"market": "Marketplace", "show": "Show", "total": r"Total: 1,080 UZS",
           "new": "New", "shipped": "Shipped", "sales": "Sales"},
    "ru": {"market": "Маркетплейс", "show": "Показать", "total": r"Итого: 1\s080 UZS",
           "new": "Новый", "shipped": "Отправлен", "sales": "Продажи"},
}  # fmt: skip


@pytest.mark.parametrize(("language", "width"), [("ru", "phone"), ("en", "desktop")])
def test_search_cart_sign_in_checkout_ship(
    browser: Browser, asgi_live_server: Any, language: str, width: str
) -> None:
    base = asgi_live_server.url
    text = TEXT[language]
    axe = PageProblems()
    market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    phones = user_with_role(Role.SELLER, market, full_name="Sam Seller")
    cases = user_with_role(Role.SELLER, market, full_name="Olga Seller")
    buyer = user_with_role(Role.BUYER, market, full_name="Bea Buyer", email="bea@example.test")
    phone = ProductFactory(
        seller=phones,
        organization=market,
        category=category("phones"),
        title="Смартфон Xiaomi Redmi Note",
        slug="smartfon-xiaomi",
        price=Decimal("500.00"),
        stock=3,
    )
    case = ProductFactory(
        seller=cases,
        organization=market,
        category=category("phones"),
        title="Чехол-книжка",  # the query's word only in the description: ranked second
        description="Для смартфона Xiaomi Redmi Note.",
        slug="chekhol",
        price=Decimal("40.00"),
        stock=10,
    )
    ProductFactory(seller=cases, organization=market, title="Настольная лампа", slug="lampa")
    # The buyer already has a case in the cart from another visit.
    CartItem.objects.create(cart=Cart.objects.create(buyer=buyer), product=case, quantity=1)

    # A visitor searches with a typo ("смортфон") and finds the phone, title match first.
    visitor = Person(browser, base, None, language, width, axe)
    visitor.visit("/market/")
    expect(visitor.page.locator("h1")).to_have_text(text["market"])
    visitor.page.locator("#id_q").fill("смортфон")
    visitor.page.get_by_role("button", name=text["show"]).click()
    visitor.page.wait_for_load_state()
    results = visitor.page.get_by_test_id("products").locator("h2")
    # PostgreSQL corrects a typo by trigram similarity to titles; the embedded SQLite search
    # by close words of the whole index, so it also finds the case by its description.
    if connection.vendor == "postgresql":
        expect(results).to_have_text([phone.title])
    else:
        expect(results).to_have_text([phone.title, case.title])
    visitor.assert_clean("search")

    # Two phones and a case into the visitor's cart (kept in the session).
    results.get_by_role("link", name=phone.title).click()
    visitor.page.wait_for_url(f"{base}/market/products/{phone.slug}/")
    visitor.page.locator("#id_quantity").fill("2")
    visitor.page.get_by_test_id("add-to-cart").click()
    visitor.page.wait_for_url(f"{base}/market/cart/")
    visitor.assert_clean("phone added")
    visitor.visit(f"/market/products/{case.slug}/")
    visitor.page.get_by_test_id("add-to-cart").click()
    visitor.page.wait_for_url(f"{base}/market/cart/")
    expect(visitor.page.locator("table.market-lines tbody tr")).to_have_count(2)
    visitor.assert_clean("visitor's cart")
    assert CartItem.objects.filter(cart__buyer=buyer).count() == 1  # nothing stored yet

    # Signing in from the cart brings the visitor back to it, the two carts joined.
    visitor.page.get_by_test_id("sign-in-to-checkout").click()
    visitor.page.wait_for_url(re.compile(r"/login/"))
    visitor.page.locator(IDENTIFIER).first.fill(buyer.email)
    visitor.page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    visitor.page.locator("form[method='post'] button[type='submit']").first.click()
    visitor.page.wait_for_url(f"{base}/market/cart/")
    lines = {item.product_id: item.quantity for item in CartItem.objects.filter(cart__buyer=buyer)}
    assert lines == {phone.pk: 2, case.pk: 2}
    # 2 × 500 + 2 × 40
    expect(visitor.page.get_by_test_id("cart-total")).to_have_text(re.compile(text["total"]))
    visitor.assert_clean("cart after sign-in")

    # Checkout: one order per seller, the stock taken.
    visitor.page.get_by_test_id("checkout").click()
    visitor.page.wait_for_url(f"{base}/market/orders/")
    expect(visitor.page.get_by_test_id("orders").locator("tbody tr")).to_have_count(2)
    visitor.assert_clean("my orders")
    orders = {o.seller_id: o for o in Order.objects.all()}
    assert {seller: (o.subtotal, o.status) for seller, o in orders.items()} == {
        phones.pk: (Decimal("1000.00"), "new"),
        cases.pk: (Decimal("80.00"), "new"),
    }
    assert Product.objects.get(pk=phone.pk).stock == 1
    assert Product.objects.get(pk=case.pk).stock == 8
    assert not CartItem.objects.filter(cart__buyer=buyer).exists()

    # The phone seller sees only their order, confirms and ships it.
    seller = Person(browser, base, phones, language, width, axe)
    seller.visit("/market/sales/")
    expect(seller.page.locator("h1")).to_have_text(text["sales"])
    rows = seller.page.get_by_test_id("orders").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(text["new"])
    seller.assert_clean("sales")
    rows.get_by_role("link").click()
    seller.page.wait_for_url(f"{base}/market/orders/{orders[phones.pk].pk}/")
    expect(seller.page.locator("table.market-lines tbody")).to_contain_text(phone.title)
    expect(seller.page.locator("table.market-lines tbody")).not_to_contain_text(case.title)
    seller.page.get_by_test_id("confirm").click()
    seller.page.wait_for_load_state()
    seller.page.get_by_test_id("ship").click()
    seller.page.wait_for_load_state()
    expect(seller.page.get_by_test_id("order-status")).to_have_text(text["shipped"])
    seller.assert_clean("shipped")
    assert Order.objects.get(pk=orders[phones.pk].pk).status == "shipped"

    # The other seller's order is not theirs to see; it did not move.
    response = seller.page.goto(f"{base}/market/orders/{orders[cases.pk].pk}/")
    assert response is not None
    assert response.status == 404
    assert Order.objects.get(pk=orders[cases.pk].pk).status == "new"

    # The buyer sees the phone order shipped.
    visitor.visit(f"/market/orders/{orders[phones.pk].pk}/")
    expect(visitor.page.get_by_test_id("order-status")).to_have_text(text["shipped"])
    visitor.assert_clean("buyer's order page")
    assert axe.axe == [], "serious accessibility violations:\n" + "\n".join(axe.axe)


LISTING = {
    "en": {"draft": "Draft", "pending": "Pending review", "active": "Active"},
    "ru": {"draft": "Черновик", "pending": "На проверке", "active": "В продаже"},
}


def _png(path: Any) -> Any:
    from PIL import Image  # noqa: PLC0415

    Image.new("RGB", (64, 48), (30, 120, 200)).save(path, "PNG")
    return path


@pytest.mark.parametrize(("language", "width"), [("ru", "phone"), ("en", "desktop")])
def test_seller_lists_with_variants_and_an_image_moderator_approves(
    browser: Browser, asgi_live_server: Any, language: str, width: str, tmp_path: Any
) -> None:
    base = asgi_live_server.url
    text = LISTING[language]
    axe = PageProblems()
    market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    seller = user_with_role(Role.SELLER, market, full_name="Sam Seller")
    moderator = user_with_role(Role.MODERATOR, market, full_name="Mo Moderator")
    clothing = category("clothing")
    # A transactional test may follow a flush that removed the migrations' rows.
    for position, (code, en, ru) in enumerate([("size", "Size", "Размер"),
                                               ("colour", "Colour", "Цвет")]):  # fmt: skip
        Attribute.objects.get_or_create(
            category=clothing,
            code=code,
            defaults={"name_en": en, "name_ru": ru, "position": position},
        )

    # The seller fills the form from the catalogue's "Sell a product".
    maker = Person(browser, base, seller, language, width, axe)
    maker.visit("/market/")
    maker.page.get_by_role(
        "link", name={"en": "Sell a product", "ru": "Продать товар"}[language]
    ).click()
    maker.page.wait_for_url(f"{base}/market/products/new/")
    maker.page.locator("#id_category").select_option("clothing")
    maker.page.locator("#id_title").fill("Куртка зимняя")
    maker.page.locator("#id_description").fill("Тёплая, с капюшоном.")
    maker.page.locator("#id_price").fill("120")
    maker.page.locator("#id_condition").select_option("new")
    maker.page.locator("#id_city").fill("Казань")
    maker.page.locator("#id_stock").fill("0")
    maker.page.get_by_test_id("save-product").click()
    maker.page.wait_for_url(re.compile(r"/market/products/kurtka-[\w-]+/$"))
    product = Product.objects.get(seller=seller)
    expect(maker.page.get_by_test_id("status")).to_have_text(text["draft"])
    maker.assert_clean("new product")

    # Two variants with their own price and stock.
    for size, colour, price, stock in (("M", "чёрный", "120", "3"), ("L", "синий", "135", "2")):
        maker.page.locator("details.market-variant-form summary").click()
        form = maker.page.get_by_test_id("variant-form")
        form.locator('[name="attr_size"]').fill(size)
        form.locator('[name="attr_colour"]').fill(colour)
        form.locator('[name="price"]').fill(price)
        form.locator('[name="stock"]').fill(stock)
        form.get_by_test_id("add-variant").click()
        maker.page.wait_for_load_state()
    expect(maker.page.get_by_test_id("variants").locator("tbody tr")).to_have_count(2)
    maker.assert_clean("variants")

    # An image through the files service.
    maker.page.locator("#id_image").set_input_files(str(_png(tmp_path / "jacket.png")))
    maker.page.get_by_test_id("image-form").locator("button[type=submit]").click()
    maker.page.wait_for_load_state()
    expect(maker.page.get_by_test_id("images").locator("img")).to_have_count(1)
    maker.assert_clean("image")

    maker.page.get_by_test_id("submit").click()
    maker.page.wait_for_load_state()
    expect(maker.page.get_by_test_id("status")).to_have_text(text["pending"])
    product.refresh_from_db()
    assert (product.status, product.price, product.stock) == (
        "pending_review",
        Decimal("120.00"),
        5,
    )
    assert product.images.get().is_primary

    # The moderator approves it from the queue; the product is on sale.
    mod = Person(browser, base, moderator, language, width, axe)
    mod.visit("/market/moderation/")
    expect(mod.page.locator("main")).to_contain_text("Куртка зимняя")
    mod.page.locator(f'form[action$="/products/{product.slug}/approve/"] button').click()
    mod.page.wait_for_load_state()
    mod.assert_clean("moderation")
    product.refresh_from_db()
    assert product.status == "active"
    maker.visit(f"/market/products/{product.slug}/")
    expect(maker.page.get_by_test_id("status")).to_have_text(text["active"])
    assert axe.axe == [], "serious accessibility violations:\n" + "\n".join(axe.axe)
