"""Reviews (issue 18, section 3): sub-ratings, the seller's single reply, helpful votes, the
list by gig or seller sorted by most recent or most helpful, the gig page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.audit.models import AuditEvent
from lifeline.freelance.enums import OrderStatus
from lifeline.freelance.models import Gig, Review, ReviewHelpfulVote
from lifeline.freelance.services import reviews as review_services
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import order_factory

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance/reviews/"


def _completed(gig: Any, buyer: Any, **fields: Any) -> Any:
    return order_factory(
        gig=gig, buyer=buyer, status=OrderStatus.COMPLETED, completed_at=timezone.now(), **fields
    )


def _review(gig: Any, buyer: Any, rating: int = 5, **scores: Any) -> Review:
    values = {"communication": rating, "as_described": rating, "would_recommend": True} | scores
    return review_services.review_create(
        actor=buyer, order=_completed(gig, buyer), rating=rating, **values
    )


def _body(order: Any, **over: Any) -> dict[str, Any]:
    return {
        "order": str(order.pk),
        "rating": 4,
        "communication": 5,
        "as_described": 3,
        "would_recommend": False,
        "comment": "Good work, a day late.",
    } | over


def test_buyer_reviews_a_completed_order_with_sub_ratings(gig: Any, buyer: Any) -> None:
    order = _completed(gig, buyer)
    response = client_for(buyer).post(API, _body(order), format="json")
    assert response.status_code == 201
    review = Review.objects.get()
    body = response.json()
    assert body == {
        "id": str(review.pk),
        "rating": 4,
        "communication": 5,
        "as_described": 3,
        "would_recommend": False,
        "comment": "Good work, a day late.",
        "reply": "",
        "replied_at": None,
        "helpful_count": 0,
        "created_at": body["created_at"],
    }
    gig.refresh_from_db()
    assert (
        gig.reviews_count,
        gig.rating_sum,
        gig.communication_sum,
        gig.as_described_sum,
        gig.recommend_count,
    ) == (1, 4, 5, 3, 0)
    audit = AuditEvent.objects.get(action="freelance.review_created")
    assert audit.changes["after"] == {
        "rating": 4,
        "communication": 5,
        "as_described": 3,
        "would_recommend": False,
    }
    # One per order: the second is refused and changes nothing.
    again = client_for(buyer).post(API, _body(order, rating=1), format="json")
    assert (again.status_code, again.json()["code"]) == (409, "freelance.already_reviewed")
    gig.refresh_from_db()
    assert (gig.reviews_count, gig.rating_sum, Review.objects.count()) == (1, 4, 1)


def test_gig_averages_are_exact(gig: Any, buyer: Any, other_buyer: Any) -> None:
    _review(gig, buyer, 5, communication=4, as_described=5, would_recommend=True)
    _review(gig, other_buyer, 4, communication=3, as_described=2, would_recommend=False)
    _review(gig, buyer, 4, communication=4, as_described=4, would_recommend=True)
    gig = Gig.objects.get(pk=gig.pk)
    assert (
        gig.rating_average,
        gig.communication_average,
        gig.as_described_average,
        gig.recommend_percent,
    ) == (Decimal("4.33"), Decimal("3.67"), Decimal("3.67"), 67)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"communication": 6}, "communication"),
        ({"as_described": 0}, "as_described"),
        ({"rating": "five"}, "rating"),
        ({"would_recommend": None}, "would_recommend"),
        ({"comment": "x" * 2001}, "comment"),
    ],
)
def test_bad_review_input_is_400_and_stores_nothing(
    gig: Any, buyer: Any, over: dict[str, Any], field: str
) -> None:
    order = _completed(gig, buyer)
    response = client_for(buyer).post(API, _body(order, **over), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    gig.refresh_from_db()
    assert (Review.objects.count(), gig.reviews_count, gig.rating_sum) == (0, 0, 0)


def test_service_refuses_out_of_range_sub_ratings(gig: Any, buyer: Any) -> None:
    from lifeline.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        review_services.review_create(
            actor=buyer,
            order=_completed(gig, buyer),
            rating=5,
            communication=7,
            as_described=True,  # type: ignore[arg-type]
            would_recommend=True,
        )
    assert sorted(refused.value.errors) == ["as_described", "communication"]
    assert Review.objects.count() == 0


def test_who_may_review(gig: Any, buyer: Any, other_buyer: Any, seller: Any) -> None:
    order = _completed(gig, buyer)
    # Another buyer cannot see the order: 404. The seller is the wrong party: 403.
    response = client_for(other_buyer).post(API, _body(order), format="json")
    assert response.status_code == 404
    response = client_for(seller).post(API, _body(order), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "freelance.wrong_party")
    response = client_for(None).post(API, _body(order), format="json")
    assert response.status_code == 401
    # An order that is not completed yet: 409.
    open_order = order_factory(gig=gig, buyer=buyer, status=OrderStatus.DELIVERED)
    response = client_for(buyer).post(API, _body(open_order), format="json")
    assert (response.status_code, response.json()["code"]) == (
        409,
        "freelance.order_transition_refused",
    )
    # Past 30 days after completion: 409.
    late = _completed(gig, buyer)
    type(late).objects.filter(pk=late.pk).update(completed_at=timezone.now() - timedelta(days=31))
    response = client_for(buyer).post(API, _body(late), format="json")
    assert (response.status_code, response.json()["code"]) == (
        409,
        "freelance.review_window_closed",
    )
    assert Review.objects.count() == 0


def test_list_by_gig_sorted_recent_or_helpful(
    gig: Any, buyer: Any, other_buyer: Any, seller: Any, market: Any
) -> None:
    first = _review(gig, buyer, 5)
    second = _review(gig, other_buyer, 3)
    voter = user_with_role(Role.BUYER, market)
    review_services.review_mark_helpful(actor=voter, review=first, on=True)
    review_services.review_mark_helpful(actor=other_buyer, review=first, on=True)
    recent = client_for(None).get(API, {"gig": str(gig.pk)})
    assert recent.status_code == 200
    assert [r["id"] for r in recent.json()["results"]] == [str(second.pk), str(first.pk)]
    helpful = client_for(voter).get(API, {"gig": str(gig.pk), "sort": "helpful"})
    rows = helpful.json()["results"]
    assert [(r["id"], r["helpful_count"], r["helpful_by_me"]) for r in rows] == [
        (str(first.pk), 2, True),
        (str(second.pk), 0, False),
    ]
    assert rows[0]["reviewer_name"] == "Bea B."
    by_seller = client_for(None).get(API, {"seller": str(seller.pk), "sort": "helpful"})
    assert [r["id"] for r in by_seller.json()["results"]] == [str(first.pk), str(second.pk)]


def test_list_refusals(gig: Any, buyer: Any) -> None:
    anyone = client_for(None)
    for params, field in (
        ({}, "gig"),
        ({"gig": str(gig.pk), "seller": str(gig.seller_id)}, "gig"),
        ({"gig": "nope"}, "gig"),
        ({"gig": str(gig.pk), "sort": "rating"}, "sort"),
    ):
        response = anyone.get(API, params)
        assert (response.status_code, list(response.json()["errors"])) == (400, [field])
    # A gig that is not public, and a user who is not a seller: 404.
    Gig.objects.filter(pk=gig.pk).update(status="draft")
    assert anyone.get(API, {"gig": str(gig.pk)}).status_code == 404
    assert anyone.get(API, {"seller": str(buyer.pk)}).status_code == 404


def test_list_query_count_does_not_grow(
    gig: Any, buyer: Any, other_buyer: Any, django_assert_num_queries: Any
) -> None:
    _review(gig, buyer)
    client = client_for(other_buyer)
    # the caller's roles (admin? moderator?), the gig, count, page; auth is forced
    with django_assert_num_queries(5):
        client.get(API, {"gig": str(gig.pk)})
    for _ in range(4):
        _review(gig, buyer)
    with django_assert_num_queries(5):
        response = client.get(API, {"gig": str(gig.pk), "sort": "helpful"})
    assert len(response.json()["results"]) == 5


def test_helpful_vote_is_idempotent(gig: Any, buyer: Any, other_buyer: Any) -> None:
    review = _review(gig, buyer)
    url = f"{API}{review.pk}/helpful/"
    voter = client_for(other_buyer)
    for _ in range(2):
        response = voter.put(url)
        assert response.json() == {"review": str(review.pk), "helpful": True, "helpful_count": 1}
    assert ReviewHelpfulVote.objects.filter(review=review).count() == 1
    for _ in range(2):
        response = voter.delete(url)
        assert response.json() == {
            "review": str(review.pk),
            "helpful": False,
            "helpful_count": 0,
        }
    assert ReviewHelpfulVote.objects.count() == 0
    # The reviewer cannot vote for their own review; anonymous users cannot vote.
    response = client_for(buyer).put(url)
    assert (response.status_code, response.json()["code"]) == (403, "freelance.own_review_vote")
    assert client_for(None).put(url).status_code == 401
    review.refresh_from_db()
    assert (review.helpful_count, ReviewHelpfulVote.objects.count()) == (0, 0)


def test_seller_replies_once(gig: Any, buyer: Any, seller: Any, market: Any) -> None:
    review = _review(gig, buyer)
    url = f"{API}{review.pk}/reply/"
    another_seller = user_with_role(Role.SELLER, market)
    for who, code in ((another_seller, 403), (buyer, 403)):
        response = client_for(who).post(url, {"text": "Thanks!"}, format="json")
        assert (response.status_code, response.json()["code"]) == (
            code,
            "freelance.not_the_gig_seller",
        )
    review.refresh_from_db()
    assert (review.reply, review.replied_at) == ("", None)
    response = client_for(seller).post(url, {"text": "  "}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["text"])
    response = client_for(seller).post(url, {"text": "Thank you, Bea!"}, format="json")
    assert (response.status_code, response.json()["reply"]) == (200, "Thank you, Bea!")
    response = client_for(seller).post(url, {"text": "Changed my mind"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "freelance.already_replied")
    review.refresh_from_db()
    assert review.reply == "Thank you, Bea!"
    assert AuditEvent.objects.filter(action="freelance.review_replied").count() == 1


def _web(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_gig_page_shows_reviews_with_sort_switch(
    gig: Any, buyer: Any, other_buyer: Any, seller: Any
) -> None:
    older = _review(gig, buyer, 5, comment="Older and helpful")
    newer = _review(gig, other_buyer, 2, comment="Newer, not helpful")
    review_services.review_mark_helpful(actor=other_buyer, review=older, on=True)
    page = _web(None).get(f"/freelance/gigs/{gig.pk}/").content.decode()
    assert page.index("Newer, not helpful") < page.index("Older and helpful")
    assert 'href="?sort=helpful#reviews"' in page
    page = _web(None).get(f"/freelance/gigs/{gig.pk}/?sort=helpful").content.decode()
    assert page.index("Older and helpful") < page.index("Newer, not helpful")
    # The seller replies from the page; the form is gone afterwards.
    seller_page = _web(seller).get(f"/freelance/gigs/{gig.pk}/").content.decode()
    assert seller_page.count('data-testid="review-reply-submit"') == 2
    response = _web(seller).post(
        f"/freelance/reviews/{newer.pk}/reply/", {"text": "Sorry, fixed now.", "sort": "helpful"}
    )
    assert response["Location"] == f"/freelance/gigs/{gig.pk}/?sort=helpful#reviews"
    newer.refresh_from_db()
    assert newer.reply == "Sorry, fixed now."
    seller_page = _web(seller).get(f"/freelance/gigs/{gig.pk}/").content.decode()
    assert seller_page.count('data-testid="review-reply-submit"') == 1
    # A buyer marks a review helpful from the page.
    _web(buyer).post(f"/freelance/reviews/{newer.pk}/helpful/", {"on": "1"})
    newer.refresh_from_db()
    assert newer.helpful_count == 1
    # The seller's public profile shows the reply.
    profile = _web(None).get(f"/freelance/sellers/{seller.pk}/").content.decode()
    assert "Sorry, fixed now." in profile


def test_review_form_on_the_order_page_sends_sub_ratings(gig: Any, buyer: Any) -> None:
    order = _completed(gig, buyer)
    _web(buyer).post(
        f"/freelance/orders/{order.pk}/review/",
        {"rating": "4", "communication": "3", "as_described": "5", "text": "Fine"},
    )
    review = Review.objects.get()
    assert (
        review.rating,
        review.communication,
        review.as_described,
        review.would_recommend,
        review.comment,
    ) == (4, 3, 5, False, "Fine")
