from __future__ import annotations

from typing import Any

import pytest

from lifeline.market.enums import ProductStatus
from lifeline.market.models import WishList
from lifeline.market.tests.conftest import client_for
from lifeline.market.tests.factories import ProductFactory, WishListFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/market/wishlists"


def test_a_named_list_shared_by_a_private_link(
    buyer: Any, other_buyer: Any, seller: Any, market: Any, product: Any
) -> None:
    mine = client_for(buyer)
    created = mine.post(f"{API}/", {"name": "Birthday"}, format="json")
    assert created.status_code == 201
    wid = created.json()["id"]
    draft = ProductFactory(seller=seller, organization=market, status=ProductStatus.DRAFT)
    assert mine.put(f"{API}/{wid}/items/{product.pk}/").status_code == 200
    assert mine.put(f"{API}/{wid}/items/{draft.pk}/").status_code == 404
    token = mine.post(f"{API}/{wid}/share/").json()["share_token"]
    assert len(token) == 32
    shared = client_for(None).get(f"{API}/shared/{token}/").json()
    assert (shared["name"], shared["share_token"]) == ("Birthday", None)
    assert [i["product"]["id"] for i in shared["items"]] == [str(product.pk)]
    # Another user can neither read nor change the list itself.
    other = client_for(other_buyer)
    assert other.get(f"{API}/{wid}/").status_code == 404
    assert other.put(f"{API}/{wid}/items/{product.pk}/").status_code == 404
    assert other.delete(f"{API}/{wid}/").status_code == 404
    assert other.get(f"{API}/").json() == []
    # Unsharing (or sharing anew) ends the old link.
    mine.delete(f"{API}/{wid}/share/")
    assert client_for(None).get(f"{API}/shared/{token}/").status_code == 404
    assert WishList.objects.get(pk=wid).share_token == ""


def test_a_list_needs_a_name_and_nothing_is_stored_without(buyer: Any) -> None:
    response = client_for(buyer).post(f"{API}/", {"name": "  "}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]
    assert WishList.objects.count() == 0
    assert client_for(None).get(f"{API}/shared/x/").status_code == 404
    assert client_for(None).get(f"{API}/").status_code == 401


def test_only_the_owner_renames_a_list(buyer: Any, other_buyer: Any) -> None:
    wish_list = WishListFactory(owner=buyer, name="Old")
    refused = client_for(other_buyer).patch(
        f"{API}/{wish_list.pk}/", {"name": "Mine now"}, format="json"
    )
    assert refused.status_code == 404
    blank = client_for(buyer).patch(f"{API}/{wish_list.pk}/", {"name": " "}, format="json")
    assert (blank.status_code, list(blank.json()["errors"])) == (400, ["name"])
    wish_list.refresh_from_db()
    assert wish_list.name == "Old"
    renamed = client_for(buyer).patch(f"{API}/{wish_list.pk}/", {"name": "New"}, format="json")
    assert (renamed.status_code, renamed.json()["name"]) == (200, "New")
    wish_list.refresh_from_db()
    assert wish_list.name == "New"
