"""Freelance journey (issue 18, "Done when"): a moderator approves a seller's gig; a buyer
finds it by search with a typo and asks the seller a question in the messenger; the seller
answers with a custom offer in the conversation, which the buyer sees arrive as a card and
accepts from it; the buyer submits requirements; the seller delivers a file through the
resumable uploader; the buyer asks for a revision; the seller delivers again; the buyer
accepts and reviews; the seller's public profile shows the review. In Russian on a phone and
in English on a desktop; every page is checked for console errors, CSP violations, failed
requests and sideways scrolling."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.chat.models import Conversation, Message
from lifeline.files.models import StoredFile
from lifeline.files.tests import samples
from lifeline.freelance.models import CustomOffer, Gig, Order, Review
from lifeline.freelance.services import gigs as gig_services
from lifeline.freelance.tests.factories import PACKAGES, logo_category
from tests.e2e.people import Person

pytestmark = pytest.mark.django_db(transaction=True)
# What the messenger loads after the page (history, panel, a card's own view, live events):
# longer than Playwright's 5 s, for a loaded machine.
WAIT = 20_000


TEXT = {
    "en": {"services": "Freelance services", "status": "Completed", "reviews": "Reviews",
           "rating": "★ 5.00 (1 review)", "offer": "Custom offer",
           "pending": "Waiting for the buyer", "accepted": "Accepted", "price": "120.00 USD",
           "accept": "Accept and order", "withdraw": "Withdraw"},
    "ru": {"services": "Услуги фрилансеров", "status": "Завершён", "reviews": "Отзывы",
           "rating": "★ 5,00 (1 отзыв)", "offer": "Индивидуальное предложение",
           "pending": "Ждёт ответа покупателя", "accepted": "Принято", "price": "120,00 USD",
           "accept": "Принять и заказать", "withdraw": "Отозвать"},
}  # fmt: skip


@pytest.mark.parametrize(("language", "width"), [("ru", "phone"), ("en", "desktop")])
def test_gig_to_review(
    browser: Browser, asgi_live_server: Any, language: str, width: str, tmp_path: Any
) -> None:
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

    # The buyer finds it by search, with a typo, and asks the seller a question.
    shopper = Person(browser, base, buyer, language, width)
    shopper.visit("/freelance/")
    expect(shopper.page.locator("h1")).to_have_text(text["services"], timeout=WAIT)
    shopper.page.locator("#fl-q").fill("vectr logo")
    shopper.page.locator('form.fl-search [data-testid="search"]').click()
    shopper.page.get_by_test_id("gig-list").get_by_role("link", name=gig.title).click()
    shopper.page.wait_for_url(f"{base}/freelance/gigs/{gig.pk}/")
    shopper.assert_clean("gig page")
    shopper.page.get_by_test_id("gig-ask").click()
    shopper.page.wait_for_url(re.compile(r"/chat/\?c="))
    conversation = Conversation.objects.get()
    chat = f"/chat/?c={conversation.pk}"
    expect(shopper.page.locator("[data-chat]")).to_have_attribute("data-live", "true", timeout=WAIT)
    shopper.page.locator("[data-text]").fill("Can the logo be blue and white?")
    shopper.page.locator("[data-composer] button[type=submit]").click()
    expect(shopper.page.locator("[data-messages] li", has_text="blue and white")).to_be_visible(
        timeout=WAIT
    )
    shopper.assert_clean("question")

    # The seller reads it and answers with a custom offer from the conversation's panel.
    maker = Person(browser, base, seller, language, width)
    maker.visit(chat)
    expect(maker.page.locator("[data-messages] li", has_text="blue and white")).to_be_visible(
        timeout=WAIT
    )
    maker.page.locator('[data-panel] a[href*="/freelance/offers/?conversation="]').click()
    maker.page.wait_for_url(
        re.compile(re.escape(f"/freelance/offers/?conversation={conversation.pk}"))
    )
    form = maker.page.get_by_test_id("offer-form")
    form.locator("#id_description").fill("A blue and white logo: three concepts, SVG files.")
    form.locator("#id_price").fill("120")
    form.locator("#id_delivery_days").fill("4")
    form.locator("#id_revisions").fill("2")
    maker.assert_clean("offer form")
    form.locator("button[type=submit]").click()
    maker.page.wait_for_url(re.compile(re.escape(chat) + "$"))
    offer = CustomOffer.objects.get()
    assert (offer.gig_id, offer.buyer_id, offer.status) == (gig.pk, buyer.pk, "pending")
    assert Message.objects.get(kind="card").card_id == offer.pk
    card = maker.page.get_by_test_id("chat-card")
    expect(card).to_contain_text(text["pending"], timeout=WAIT)
    expect(card.get_by_role("button")).to_have_text([text["withdraw"]], timeout=WAIT)
    maker.assert_clean("offer card (seller)")

    # The buyer, still on the conversation, sees the card arrive and accepts from it.
    card = shopper.page.get_by_test_id("chat-card")
    expect(card).to_contain_text(text["offer"], timeout=WAIT)
    expect(card).to_contain_text(text["price"], timeout=WAIT)
    expect(card).to_contain_text(text["pending"], timeout=WAIT)
    card.get_by_role("button", name=text["accept"]).click()
    shopper.page.wait_for_url(f"{base}/freelance/orders/*/")
    order = Order.objects.get()
    assert (order.tier, order.price, order.delivery_days) == ("custom", offer.price, 4)
    shopper.assert_clean("order from the offer")
    shopper.submit("requirements", text="Blue and white, the name is Lifeline.")
    shopper.assert_clean("requirements")
    # Back in the conversation the card says so, for both.
    for person in (shopper, maker):
        person.visit(chat)
        expect(person.page.get_by_test_id("chat-card")).to_contain_text(
            text["accepted"], timeout=WAIT
        )
        person.assert_clean("accepted offer card")

    # The seller delivers a file through the resumable uploader.
    order_path = f"/freelance/orders/{order.pk}/"
    maker.visit(order_path)
    expect(maker.page.locator("body")).to_contain_text("Blue and white")
    source = tmp_path / "concepts.pdf"
    source.write_bytes(samples.PDF)
    deliver = maker.page.locator('form[action$="/deliver/"]')
    deliver.locator('[name="text"]').fill("First version: three concepts attached.")
    deliver.locator("[data-resumable-input]").set_input_files(str(source))
    deliver.locator("button[type=submit]").click()
    expect(maker.page.get_by_test_id("order-files").get_by_role("link")).to_have_text(
        "concepts.pdf", timeout=60_000
    )
    assert StoredFile.objects.get(attached_id=str(order.pk)).size_bytes == len(samples.PDF)
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
