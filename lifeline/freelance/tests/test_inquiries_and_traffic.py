"""The pre-order conversation about a gig ("freelance.gig" in the messenger), the rule that a
seller cannot approach a buyer who never wrote, and impressions/clicks in the analytics."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.chat import services as chat
from lifeline.chat.models import Conversation
from lifeline.core.exceptions import NotFound
from lifeline.freelance import selectors, services
from lifeline.freelance.chat_policy import GIG_CONVERSATION_POLICY, GIG_KIND
from lifeline.freelance.enums import GigStatus
from lifeline.freelance.exceptions import UnknownBuyer
from lifeline.freelance.models import CustomOffer, Gig, GigDailyStat, GigInquiry
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import gig_factory

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"
TERMS = {
    "description": "Three logo concepts and the sources",
    "price": Decimal("80.00"),
    "delivery_days": 4,
    "revisions": 2,
}


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_buyer_asks_from_the_gig_page_and_the_seller_answers(
    gig: Any, seller: Any, buyer: Any
) -> None:
    html = _web(buyer).get(f"/freelance/gigs/{gig.pk}/").content.decode()
    assert f'action="/freelance/gigs/{gig.pk}/conversation/"' in html
    response = _web(buyer).post(f"/freelance/gigs/{gig.pk}/conversation/")
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/chat/?c={conversation.pk}"
    assert (conversation.kind, conversation.subject_id) == (GIG_KIND, gig.pk)
    assert sorted((p.role, p.user_id) for p in conversation.participants.all()) == sorted(
        [("buyer", buyer.pk), ("seller", seller.pk)]
    )
    assert list(GigInquiry.objects.values_list("gig_id", "buyer_id")) == [(gig.pk, buyer.pk)]
    # Asking again returns the same conversation and records nothing new.
    again = _web(buyer).post(f"/freelance/gigs/{gig.pk}/conversation/")
    assert again["Location"] == response["Location"]
    assert (Conversation.objects.count(), GigInquiry.objects.count()) == (1, 1)
    # The seller replies in it; the side panel shows the gig and a link to send an offer.
    chat.message_send(actor=seller, conversation=conversation, text="Happy to help.")
    panel = GIG_CONVERSATION_POLICY.side_panel(conversation=conversation, viewer=seller)
    assert panel is not None
    assert panel.title == gig.title
    assert [label for label, _url in panel.links] == ["Open the gig", "Send a custom offer"]
    assert panel.sections[0].rows == []
    # The seller may now send a custom offer; the buyer sees it beside the conversation.
    offer = services.offer_create(actor=seller, gig=gig, buyer_id=buyer.pk, **TERMS)
    panel = GIG_CONVERSATION_POLICY.side_panel(conversation=conversation, viewer=buyer)
    assert panel is not None
    assert list(panel.sections[0].rows) == [("80.00 · 4 d", str(offer.get_status_display()))]


def test_a_seller_cannot_approach_a_buyer_who_never_wrote(
    gig: Any, seller: Any, buyer: Any, other_buyer: Any, market: Any
) -> None:
    # No conversation can be started by the seller, with or without a counterpart.
    for counterpart in (None, buyer.pk):
        with pytest.raises(NotFound):
            chat.conversation_open(
                actor=seller, kind=GIG_KIND, subject_id=gig.pk, counterpart_id=counterpart
            )
    # Nor can a custom offer be sent to that buyer.
    with pytest.raises(UnknownBuyer):
        services.offer_create(actor=seller, gig=gig, buyer_id=buyer.pk, **TERMS)
    response = client_for(seller).post(
        f"{API}/offers/", {"gig": str(gig.pk), "buyer": str(buyer.pk), **TERMS}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "freelance.unknown_buyer")
    assert CustomOffer.objects.count() == 0
    # Once the buyer asked, the seller finds that buyer's conversation (not a new one) and
    # may send an offer; the other buyer is still out of reach.
    response = client_for(buyer).post(f"{API}/gigs/{gig.pk}/inquiry/")
    assert response.status_code == 200
    assert response.json()["conversation_kind"] == GIG_KIND
    opened, created = chat.conversation_open(actor=buyer, kind=GIG_KIND, subject_id=gig.pk)
    assert created is True
    found, created = chat.conversation_open(
        actor=seller, kind=GIG_KIND, subject_id=gig.pk, counterpart_id=buyer.pk
    )
    assert (found.pk, created) == (opened.pk, False)
    with pytest.raises(NotFound):
        chat.conversation_open(
            actor=seller, kind=GIG_KIND, subject_id=gig.pk, counterpart_id=other_buyer.pk
        )
    services.offer_create(actor=seller, gig=gig, buyer_id=buyer.pk, **TERMS)
    with pytest.raises(UnknownBuyer):
        services.offer_create(actor=seller, gig=gig, buyer_id=other_buyer.pk, **TERMS)
    assert CustomOffer.objects.count() == 1
    # The offer form lists the buyer who asked, not the one who never wrote.
    assert selectors.offer_buyer_choices(actor=seller) == [buyer]


def test_who_may_ask(gig: Any, seller: Any, buyer: Any, moderator: Any, market: Any) -> None:
    other_seller = user_with_role(Role.SELLER, market, full_name="Sid Second")
    url = f"{API}/gigs/{gig.pk}/inquiry/"
    assert client_for(None).post(url).status_code in (401, 403)
    for refused in (seller, other_seller, moderator):
        response = client_for(refused).post(url)
        assert (response.status_code, response.json()["code"]) == (
            403,
            "freelance.inquiry_not_allowed",
        )
        with pytest.raises(NotFound):
            chat.conversation_open(actor=refused, kind=GIG_KIND, subject_id=gig.pk)
    Gig.objects.filter(pk=gig.pk).update(status=GigStatus.PAUSED)
    assert client_for(buyer).post(url).status_code == 404  # a paused gig is not visible
    with pytest.raises(NotFound):
        chat.conversation_open(actor=buyer, kind=GIG_KIND, subject_id=gig.pk)
    assert (GigInquiry.objects.count(), Conversation.objects.count()) == (0, 0)


# --- impressions and clicks ---------------------------------------------------------------------
def _stats() -> dict[str, tuple[int, int]]:
    return {
        row.gig.title: (row.impressions, row.clicks)
        for row in GigDailyStat.objects.select_related("gig")
    }


def test_impressions_and_clicks_are_counted_exactly(
    django_assert_num_queries: Any, gig: Any, seller: Any, buyer: Any, market: Any
) -> None:
    second = gig_factory(seller=seller, organization=market, title="Flyer for a pharmacy")
    other_seller = user_with_role(Role.SELLER, market, full_name="Sid Second")
    theirs = gig_factory(seller=other_seller, organization=market, title="Banner for a lab")
    Client().get("/freelance/")  # anonymous catalogue: 3 impressions
    _web(buyer).get("/freelance/", {"q": "flyer"})  # search: the flyer only
    client_for(buyer).get(f"{API}/search/", {"q": "banner"})  # the API search
    client_for(None).get(f"{API}/gigs/")  # the API list: 3 more
    _web(seller).get("/freelance/")  # the seller's own gigs do not count: 1 (theirs)
    for _ in range(3):
        _web(buyer).get(f"/freelance/gigs/{second.pk}/")  # 3 clicks
    client_for(buyer).get(f"{API}/gigs/{gig.pk}/")  # 1 click through the API
    _web(seller).get(f"/freelance/gigs/{gig.pk}/")  # the seller's own view: none
    assert _stats() == {
        gig.title: (2, 1),
        second.title: (3, 3),
        theirs.title: (4, 0),
    }
    assert GigDailyStat.objects.count() == 3  # one row per gig and day, never per view
    # Two queries to count a whole page, whatever the number of gigs.
    with django_assert_num_queries(2):
        services.gigs_record_impressions(
            viewer=buyer, shown=[(g.pk, g.seller_id) for g in (gig, second, theirs)]
        )
    assert _stats()[theirs.title] == (5, 0)


def test_analytics_show_impressions_clicks_and_conversion(
    gig: Any, seller: Any, buyer: Any, market: Any
) -> None:
    today = timezone.localdate()
    second = gig_factory(seller=seller, organization=market, title="Flyer for a pharmacy")
    GigDailyStat.objects.bulk_create(
        [
            GigDailyStat(gig=gig, day=today, impressions=100, clicks=10),
            GigDailyStat(gig=gig, day=today - timedelta(days=6), impressions=50, clicks=10),
            GigDailyStat(gig=gig, day=today - timedelta(days=7), impressions=7, clicks=1),
            GigDailyStat(gig=second, day=today - timedelta(days=13), impressions=30, clicks=3),
            GigDailyStat(gig=second, day=today - timedelta(days=14), impressions=99, clicks=9),
        ]
    )
    services.order_place(actor=buyer, gig=gig, tier="basic")
    figures = selectors.seller_analytics(actor=seller, days=7)
    assert (figures.impressions, figures.clicks) == (150, 20)
    assert (figures.impressions_previous, figures.clicks_previous) == (37, 4)
    assert figures.conversion == Decimal("5.0")
    by_gig = {g.gig.title: (g.impressions, g.clicks, g.orders, g.conversion) for g in figures.gigs}
    assert by_gig == {
        gig.title: (150, 20, 1, Decimal("5.0")),
        second.title: (0, 0, 0, None),
    }
    body = client_for(seller).get(f"{API}/analytics/", {"days": 7}).json()
    assert (body["impressions"], body["clicks"], body["conversion"]) == (150, 20, "5.0")
    assert (body["impressions_previous"], body["clicks_previous"]) == (37, 4)
    rows = {g["title"]: (g["impressions"], g["clicks"], g["conversion"]) for g in body["gigs"]}
    assert rows == {gig.title: (150, 20, "5.0"), second.title: (0, 0, None)}
    html = _web(seller).get("/freelance/my/analytics/", {"days": 7}).content.decode()
    assert 'data-testid="analytics-impressions">150<' in html
    assert 'data-testid="analytics-clicks">20<' in html
    csv_text = _web(seller).get("/freelance/my/analytics.csv", {"days": 7}).content.decode()
    lines = csv_text.splitlines()
    assert lines[0].split(",")[2:5] == ["Impressions", "Clicks", "Conversion, %"]
    gig_line = next(line for line in lines if line.startswith(gig.title))
    assert gig_line.split(",")[2:6] == ["150", "20", "5.00", "1"]
    xlsx = _web(seller).get("/freelance/my/analytics.xlsx", {"days": 7})
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content))["gigs"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][2:5] == ["Impressions", "Clicks", "Conversion, %"]
    assert next(r for r in values if r[0] == gig.title)[2:6] == [150, 20, 5.0, 1]
