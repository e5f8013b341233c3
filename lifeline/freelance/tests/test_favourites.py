"""Favourites: idempotent save/remove, exact counts, scope, the list, the gig page button."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.freelance.enums import GigStatus
from lifeline.freelance.models import Favourite, Gig
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import gig_factory

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"


def _count(gig: Any) -> int:
    return Gig.objects.get(pk=gig.pk).favourites_count


def test_save_and_remove_are_idempotent_and_counts_exact(
    gig: Any, buyer: Any, other_buyer: Any
) -> None:
    url = f"{API}/gigs/{gig.pk}/favourite/"
    for _ in range(2):
        response = client_for(buyer).put(url)
        assert response.status_code == 200
        assert response.json() == {"gig": str(gig.pk), "favourited": True, "favourites_count": 1}
    assert client_for(other_buyer).put(url).json()["favourites_count"] == 2
    assert Favourite.objects.filter(gig=gig).count() == _count(gig) == 2
    for _ in range(2):
        response = client_for(buyer).delete(url)
        assert response.json() == {"gig": str(gig.pk), "favourited": False, "favourites_count": 1}
    assert list(Favourite.objects.values_list("user_id", flat=True)) == [other_buyer.pk]
    assert _count(gig) == 1
    assert client_for(None).get(f"{API}/gigs/{gig.pk}/").json()["favourites_count"] == 1


def test_list_is_the_callers_own_newest_first(
    django_assert_num_queries: Any, seller: Any, buyer: Any, other_buyer: Any, market: Any
) -> None:
    gigs = [
        gig_factory(seller=seller, organization=market, title=f"Logo number {i}") for i in range(3)
    ]
    for g in gigs:
        client_for(buyer).put(f"{API}/gigs/{g.pk}/favourite/")
    client_for(other_buyer).put(f"{API}/gigs/{gigs[0].pk}/favourite/")
    Gig.objects.filter(pk=gigs[1].pk).update(status=GigStatus.PAUSED)  # hidden from the list
    client = client_for(buyer)
    with django_assert_num_queries(3):  # count, gigs with seller and category, packages
        body = client.get(f"{API}/favourites/").json()
    assert body["count"] == 2
    assert [g["id"] for g in body["results"]] == [str(gigs[2].pk), str(gigs[0].pk)]
    assert [
        g["id"] for g in client_for(other_buyer).get(f"{API}/favourites/").json()["results"]
    ] == [str(gigs[0].pk)]
    assert client_for(None).get(f"{API}/favourites/").status_code == 401


def test_refusals_store_nothing(gig: Any, seller: Any, buyer: Any, market: Any) -> None:
    draft = gig_factory(seller=seller, organization=market, status=GigStatus.DRAFT)
    response = client_for(buyer).put(f"{API}/gigs/{draft.pk}/favourite/")
    assert response.status_code == 404
    response = client_for(seller).put(f"{API}/gigs/{gig.pk}/favourite/")
    assert (response.status_code, response.json()["code"]) == (403, "freelance.own_gig_favourite")
    moderator = user_with_role(Role.MODERATOR, market)
    response = client_for(moderator).put(f"{API}/gigs/{gig.pk}/favourite/")
    assert (response.status_code, response.json()["code"]) == (403, "freelance.not_a_buyer")
    assert client_for(None).put(f"{API}/gigs/{gig.pk}/favourite/").status_code == 401
    assert Favourite.objects.count() == 0
    assert _count(gig) == _count(draft) == 0


def test_a_paused_saved_gig_can_still_be_removed_but_not_saved(
    gig: Any, buyer: Any, other_buyer: Any
) -> None:
    url = f"{API}/gigs/{gig.pk}/favourite/"
    client_for(buyer).put(url)
    Gig.objects.filter(pk=gig.pk).update(status=GigStatus.PAUSED)
    # Another buyer who never saved it does not even see it; nothing changes.
    assert client_for(other_buyer).delete(url).status_code == 404
    assert client_for(other_buyer).put(url).status_code == 404
    assert _count(gig) == 1
    response = client_for(buyer).put(url)
    assert (response.status_code, response.json()["code"]) == (409, "freelance.gig_not_orderable")
    assert client_for(buyer).delete(url).json()["favourited"] is False
    assert (Favourite.objects.count(), _count(gig)) == (0, 0)


def test_another_buyer_cannot_remove_my_favourite(gig: Any, buyer: Any, other_buyer: Any) -> None:
    client_for(buyer).put(f"{API}/gigs/{gig.pk}/favourite/")
    response = client_for(other_buyer).delete(f"{API}/gigs/{gig.pk}/favourite/")
    assert response.json() == {"gig": str(gig.pk), "favourited": False, "favourites_count": 1}
    assert list(Favourite.objects.values_list("user_id", flat=True)) == [buyer.pk]


def test_gig_page_button_and_favourites_page(gig: Any, buyer: Any, seller: Any) -> None:
    client = Client()
    client.force_login(buyer)
    page = client.get(f"/freelance/gigs/{gig.pk}/").content.decode()
    assert "Save to favourites" in page
    for _ in range(2):  # a double submit saves once
        response = client.post(f"/freelance/gigs/{gig.pk}/favourite/", {"on": "1"})
        assert response["Location"] == f"/freelance/gigs/{gig.pk}/"
    assert _count(gig) == 1
    page = client.get(f"/freelance/gigs/{gig.pk}/").content.decode()
    assert "Remove from favourites" in page
    assert "Saved by 1 buyer" in page
    listing = client.get("/freelance/my/favourites/").content.decode()
    assert "A clean logo design" in listing
    response = client.post(
        f"/freelance/gigs/{gig.pk}/favourite/", {"on": "0", "next": "favourites"}
    )
    assert response["Location"] == "/freelance/my/favourites/"
    assert (Favourite.objects.count(), _count(gig)) == (0, 0)
    seller_client = Client()
    seller_client.force_login(seller)
    assert (
        "Save to favourites" not in seller_client.get(f"/freelance/gigs/{gig.pk}/").content.decode()
    )
    assert Client().get("/freelance/my/favourites/").status_code == 302
