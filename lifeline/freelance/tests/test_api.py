"""The freelance API: the permission matrix, bad input, moderation, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.freelance.enums import GigStatus
from lifeline.freelance.models import Gig, Order
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import gig_factory, order_factory, packages_payload

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"


def _gig_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "A clean vector logo",
        "description": "Three concepts, two revisions and the source files in SVG.",
        "category": "design-logo",
        "tags": ["logo", "vector"],
        "packages": packages_payload(),
    }
    body.update(overrides)
    return body


def test_seller_creates_moderator_approves_anyone_finds(
    seller: Any, moderator: Any, buyer: Any
) -> None:
    response = client_for(seller).post(f"{API}/gigs/", _gig_body(), format="json")
    assert response.status_code == 201, response.json()
    gig_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    assert [p["price"] for p in response.json()["packages"]] == ["25.00", "50.00", "120.00"]
    # A draft is invisible to buyers and anonymous readers.
    assert client_for(buyer).get(f"{API}/gigs/{gig_id}/").status_code == 404
    assert client_for(None).get(f"{API}/gigs/{gig_id}/").status_code == 404
    # Sellers cannot publish themselves past moderation.
    response = client_for(seller).post(f"{API}/gigs/{gig_id}/approve/")
    assert (response.status_code, response.json()["code"]) == (403, "freelance.not_a_moderator")
    submit = client_for(seller).post(f"{API}/gigs/{gig_id}/status/", {"move": "submit"})
    assert submit.json()["status"] == "pending_approval"
    queue = client_for(moderator).get(f"{API}/gigs/moderation/").json()["results"]
    assert [g["id"] for g in queue] == [gig_id]
    response = client_for(moderator).post(f"{API}/gigs/{gig_id}/reject/", {"reason": ""})
    assert response.status_code == 400
    response = client_for(moderator).post(f"{API}/gigs/{gig_id}/approve/")
    assert response.json()["status"] == "active"
    found = client_for(None).get(f"{API}/search/", {"q": "vector logo"}).json()
    assert (found["count"], found["results"][0]["id"]) == (1, gig_id)
    assert client_for(None).get(f"{API}/search/", {"q": "violin"}).json()["count"] == 0


def test_moderator_rejects_with_a_reason(gig: Any, moderator: Any, seller: Any) -> None:
    Gig.objects.filter(pk=gig.pk).update(status=GigStatus.PENDING_APPROVAL)
    response = client_for(moderator).post(
        f"{API}/gigs/{gig.pk}/reject/", {"reason": "Add real samples"}
    )
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Add real samples"
    mine = client_for(seller).get(f"{API}/gigs/mine/").json()["results"]
    assert [(g["status"], g["rejection_reason"]) for g in mine] == [
        ("rejected", "Add real samples")
    ]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("basic", "price"), "0", "packages"),
        (("basic", "price"), "-5", "packages"),
        (("standard", "delivery_days"), 91, "packages"),
        (("premium", "delivery_days"), 0, "packages"),
        (("premium", "revisions"), 11, "packages"),
    ],
)
def test_bad_packages_are_400_and_store_nothing(
    seller: Any, path: tuple[str, str], value: Any, field: str
) -> None:
    body = _gig_body()
    body["packages"][path[0]][path[1]] = value
    response = client_for(seller).post(f"{API}/gigs/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Gig.objects.count() == 0


def test_four_or_two_packages_are_400(seller: Any) -> None:
    body = _gig_body()
    body["packages"]["deluxe"] = body["packages"]["basic"]
    assert client_for(seller).post(f"{API}/gigs/", body, format="json").status_code == 400
    body = _gig_body()
    del body["packages"]["premium"]
    assert client_for(seller).post(f"{API}/gigs/", body, format="json").status_code == 400
    assert Gig.objects.count() == 0


def test_buyer_cannot_create_gigs(buyer: Any) -> None:
    response = client_for(buyer).post(f"{API}/gigs/", _gig_body(), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "freelance.not_a_seller")
    assert Gig.objects.count() == 0


def test_order_permission_matrix(
    gig: Any, seller: Any, buyer: Any, other_buyer: Any, moderator: Any, market: Any
) -> None:
    other_seller = user_with_role(Role.SELLER, market)
    order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    url = f"{API}/orders/{order.pk}/"
    expected = {
        "buyer": 200,
        "seller": 200,
        "other_buyer": 404,
        "other_seller": 404,
        "moderator": 404,
        "anonymous": 401,
    }
    users = {
        "buyer": buyer,
        "seller": seller,
        "other_buyer": other_buyer,
        "other_seller": other_seller,
        "moderator": moderator,
        "anonymous": None,
    }
    got = {name: client_for(user).get(url).status_code for name, user in users.items()}
    assert got == expected
    # Moving it: a stranger gets 404 and changes nothing; the wrong party gets 403.
    for name in ("other_buyer", "other_seller", "moderator"):
        response = client_for(users[name]).post(f"{url}requirements/", {"requirements": "x"})
        assert response.status_code == 404
    response = client_for(seller).post(f"{url}requirements/", {"requirements": "Blue"})
    assert (response.status_code, response.json()["code"]) == (403, "freelance.wrong_party")
    response = client_for(buyer).post(f"{url}deliver/", {"message": "Here is the work"})
    assert (response.status_code, response.json()["code"]) == (403, "freelance.wrong_party")
    response = client_for(buyer).post(f"{url}complete/")
    assert (response.status_code, response.json()["code"]) == (
        409,
        "freelance.order_transition_refused",
    )
    order.refresh_from_db()
    assert order.status == "awaiting_requirements"
    # The reference's "all orders" leak: any role filter returns only one's own orders.
    listed = client_for(other_buyer).get(f"{API}/orders/", {"role": "all"}).json()["results"]
    assert listed == []


def test_order_flow_over_the_api(gig: Any, seller: Any, buyer: Any) -> None:
    response = client_for(buyer).post(
        f"{API}/orders/", {"gig": str(gig.pk), "tier": "premium"}, format="json"
    )
    assert response.status_code == 201
    order_url = f"{API}/orders/{response.json()['id']}/"
    assert response.json()["price"] == "120.00"
    client_for(buyer).post(f"{order_url}requirements/", {"requirements": "Blue"})
    response = client_for(seller).post(f"{order_url}deliver/", {"message": "short"})
    assert response.status_code == 400
    assert "message" in response.json()["errors"]
    client_for(seller).post(f"{order_url}deliver/", {"message": "Here is the logo"})
    response = client_for(buyer).post(f"{order_url}revision/", {"message": "Bigger"})
    assert (response.json()["status"], response.json()["revisions_left"]) == ("in_progress", 2)
    client_for(seller).post(f"{order_url}deliver/", {"message": "Bigger logo here"})
    response = client_for(buyer).post(f"{order_url}complete/")
    assert response.json()["status"] == "completed"
    assert [e["kind"] for e in response.json()["events"]] == [
        "placed",
        "requirements",
        "delivered",
        "revision",
        "delivered",
        "completed",
    ]
    scores = {"communication": 4, "as_described": 4, "would_recommend": True}
    response = client_for(seller).post(f"{order_url}review/", scores | {"rating": 5})
    assert response.status_code == 403
    response = client_for(buyer).post(f"{order_url}review/", scores | {"rating": 6})
    assert response.status_code == 400
    response = client_for(buyer).post(
        f"{order_url}review/", scores | {"rating": 4, "comment": "Good"}
    )
    assert response.status_code == 201
    response = client_for(buyer).post(f"{order_url}review/", scores | {"rating": 5})
    assert (response.status_code, response.json()["code"]) == (409, "freelance.already_reviewed")
    gig_data = client_for(None).get(f"{API}/gigs/{gig.pk}/").json()
    assert (gig_data["rating_average"], gig_data["reviews_count"]) == ("4.00", 1)


def test_cannot_order_own_or_inactive_gig(gig: Any, seller: Any, buyer: Any, market: Any) -> None:
    response = client_for(seller).post(
        f"{API}/orders/", {"gig": str(gig.pk), "tier": "basic"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "freelance.own_gig")
    draft = gig_factory(seller=seller, organization=market, status=GigStatus.DRAFT)
    response = client_for(buyer).post(
        f"{API}/orders/", {"gig": str(draft.pk), "tier": "basic"}, format="json"
    )
    assert response.status_code == 404
    assert Order.objects.count() == 0


def test_anonymous_reads_only_public_things(gig: Any) -> None:
    anonymous = client_for(None)
    assert anonymous.get(f"{API}/categories/").status_code == 200
    assert anonymous.get(f"{API}/gigs/").status_code == 200
    assert anonymous.get(f"{API}/orders/").status_code == 401
    assert anonymous.get(f"{API}/gigs/mine/").status_code == 401
    assert anonymous.post(f"{API}/gigs/", _gig_body(), format="json").status_code == 401


def test_list_query_counts(
    django_assert_num_queries: Any, seller: Any, buyer: Any, market: Any
) -> None:
    gigs = [
        gig_factory(seller=seller, organization=market, title=f"Logo number {i}") for i in range(3)
    ]
    for gig in gigs:
        order_factory(gig=gig, buyer=buyer)
    anonymous = client_for(None)
    # gigs with seller and category; their packages; the impressions (create today's
    # counter rows, one UPDATE): constant whatever the number of gigs shown
    with django_assert_num_queries(4):
        assert len(anonymous.get(f"{API}/gigs/").json()["results"]) == 3
    # count, gigs, packages; the impressions (two); SQLite: the typo check (one for all words)
    with django_assert_num_queries(6 if connection.vendor == "sqlite" else 5):
        assert anonymous.get(f"{API}/search/", {"q": "logo"}).json()["count"] == 3
    client = client_for(buyer)
    with django_assert_num_queries(1):
        assert len(client.get(f"{API}/orders/").json()["results"]) == 3


def test_editing_an_active_gig_sends_it_back_to_approval(
    gig: Any, seller: Any, buyer: Any, market: Any
) -> None:
    url = f"{API}/gigs/{gig.pk}/"
    response = client_for(buyer).patch(url, {"title": "A hijacked gig title"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "freelance.not_a_seller")
    other_seller = user_with_role(Role.SELLER, market)
    draft = gig_factory(seller=seller, organization=market, status=GigStatus.DRAFT)
    response = client_for(other_seller).patch(
        f"{API}/gigs/{draft.pk}/", {"title": "Not my own gig at all"}, format="json"
    )
    assert response.status_code == 404
    response = client_for(seller).patch(url, {"title": "A cleaner logo design"}, format="json")
    assert (response.json()["status"], response.json()["title"]) == (
        "pending_approval",
        "A cleaner logo design",
    )
    # No longer public until a moderator approves it again.
    assert client_for(None).get(url).status_code == 404
    response = client_for(seller).post(f"{API}/gigs/{gig.pk}/status/", {"move": "resume"})
    assert (response.status_code, response.json()["code"]) == (
        409,
        "freelance.gig_transition_refused",
    )
