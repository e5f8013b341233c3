"""Freelance journey: a moderator approves a seller's gig; a buyer finds it, orders a package
and submits requirements; the seller delivers; the buyer asks for a revision; the seller
delivers again; the buyer accepts and reviews; the seller's public profile shows the review.
In Russian on a phone and in English on a desktop; every page is checked for console errors,
CSP violations, failed requests and sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.freelance.models import Gig, Order, Review
from lifeline.freelance.services import gigs as gig_services
from lifeline.freelance.tests.factories import PACKAGES, logo_category
from tests.e2e.people import Person

pytestmark = pytest.mark.django_db(transaction=True)


TEXT = {
    "en": {"services": "Freelance services", "status": "Completed", "reviews": "Reviews",
           "rating": "★ 5.00 (1 review)"},
    "ru": {"services": "Услуги фрилансеров", "status": "Завершён", "reviews": "Отзывы",
           "rating": "★ 5,00 (1 отзыв)"},
}  # fmt: skip


@pytest.mark.parametrize(("language", "width"), [("ru", "phone"), ("en", "desktop")])
def test_gig_to_review(browser: Browser, asgi_live_server: Any, language: str, width: str) -> None:
    base = asgi_live_server.url
    text = TEXT[language]
    market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    seller = user_with_role(Role.SELLER, market, full_name="Sam Seller")
    buyer = user_with_role(Role.BUYER, market, full_name="Bea Buyer")
    moderator = user_with_role(Role.MODERATOR, market, full_name="Mo Moderator")
    gig = gig_services.gig_create(
        actor=seller,
        category=logo_category(),
        title="A clean vector logo for a clinic",
        description="Three concepts, two revisions and the source files in SVG.",
        tags=["logo"],
        packages=PACKAGES,
    )
    gig_services.gig_submit(actor=seller, gig=gig)

    # The moderator approves the gig from the queue.
    mod = Person(browser, base, moderator, language, width)
    mod.visit("/freelance/moderation/")
    mod.page.locator(f'form[action$="/gigs/{gig.pk}/approve/"] button').click()
    mod.page.wait_for_load_state()
    mod.assert_clean("moderation")
    assert Gig.objects.get(pk=gig.pk).status == "active"

    # The buyer finds it by search and orders the standard package.
    shopper = Person(browser, base, buyer, language, width)
    shopper.visit("/freelance/")
    expect(shopper.page.locator("h1")).to_have_text(text["services"])
    shopper.page.locator("#fl-q").fill("vector logo")
    shopper.page.locator('form.fl-search [data-testid="search"]').click()
    shopper.page.get_by_test_id("gig-list").get_by_role("link", name=gig.title).click()
    shopper.page.wait_for_url(f"{base}/freelance/gigs/{gig.pk}/")
    shopper.assert_clean("gig page")
    shopper.page.locator('section[data-tier="standard"] button[type=submit]').click()
    shopper.page.wait_for_url(f"{base}/freelance/orders/*/")
    order = Order.objects.get()
    assert (order.tier, order.price) == ("standard", PACKAGES["standard"]["price"])
    shopper.submit("requirements", text="Blue and white, the name is Lifeline.")
    shopper.assert_clean("requirements")

    # The seller delivers.
    maker = Person(browser, base, seller, language, width)
    order_path = f"/freelance/orders/{order.pk}/"
    maker.visit(order_path)
    expect(maker.page.locator("body")).to_contain_text("Blue and white")
    maker.submit("deliver", text="First version: three concepts attached.")
    maker.assert_clean("first delivery")

    # The buyer asks for a revision; the seller delivers again.
    shopper.visit(order_path)
    shopper.submit("revision", text="Make the cross a little thicker, please.")
    assert Order.objects.get().status == "in_progress"
    maker.visit(order_path)
    expect(maker.page.get_by_test_id("timeline")).to_contain_text("a little thicker")
    maker.submit("deliver", text="Second version with a thicker cross.")
    maker.assert_clean("second delivery")

    # The buyer accepts and reviews.
    shopper.visit(order_path)
    shopper.submit("complete")
    expect(shopper.page.get_by_test_id("order-status")).to_have_text(text["status"])
    form = shopper.page.locator('form[action$="/review/"]')
    form.locator("#fl-rating").select_option("5")
    shopper.submit("review", text="Quick, careful and friendly.")
    shopper.assert_clean("review")
    order = Order.objects.get()
    assert (order.status, order.revisions_used) == ("completed", 1)
    assert Review.objects.get().rating == 5

    # Anyone sees the review on the seller's public profile, reached from the gig page.
    visitor = Person(browser, base, None, language, width)
    visitor.visit(f"/freelance/gigs/{gig.pk}/")
    visitor.page.get_by_role("link", name="Sam Seller").click()
    visitor.page.wait_for_url(f"{base}/freelance/sellers/{seller.pk}/")
    expect(visitor.page.get_by_test_id("seller-rating")).to_have_text(text["rating"])
    expect(visitor.page.get_by_test_id("seller-completed")).to_have_text("1")
    expect(visitor.page.get_by_role("heading", name=text["reviews"])).to_be_visible()
    expect(visitor.page.get_by_test_id("seller-reviews")).to_contain_text(
        "Quick, careful and friendly."
    )
    expect(visitor.page.get_by_test_id("seller-reviews")).to_contain_text("Bea B.")
    visitor.assert_clean("seller profile")
