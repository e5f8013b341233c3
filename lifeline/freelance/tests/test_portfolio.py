"""Portfolio: the buyer's consent, linking only consented completed orders, images through the
files service, public display, owner-only writes (others get 404 and change nothing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.files.models import StoredFile
from lifeline.files.tests import samples
from lifeline.freelance.enums import OrderStatus
from lifeline.freelance.models import Order, PortfolioImage, PortfolioItem
from lifeline.freelance.services import portfolio as portfolio_services
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import order_factory

pytestmark = pytest.mark.django_db
API = "/api/v1/freelance"


@pytest.fixture
def completed(gig: Any, buyer: Any) -> Order:
    return order_factory(gig=gig, buyer=buyer, status=OrderStatus.COMPLETED)


def _item(client: Any, **body: Any) -> Any:
    return client.post(f"{API}/portfolio/", {"title": "Logo for a clinic", **body}, format="json")


def test_consent_is_the_buyers_and_linking_needs_it(
    completed: Order, seller: Any, buyer: Any, other_buyer: Any
) -> None:
    url = f"{API}/orders/{completed.pk}/portfolio-consent/"
    # Without consent the link is refused with a clear error, and nothing is stored.
    response = _item(client_for(seller), order=str(completed.pk))
    assert response.status_code == 409
    assert response.json()["code"] == "freelance.portfolio_consent_missing"
    assert response.json()["detail"] == (
        "The buyer of this order has not allowed it to be shown in your portfolio"
    )
    assert PortfolioItem.objects.count() == 0
    # Only the buyer gives consent: the seller is the wrong party, a stranger gets 404.
    response = client_for(seller).post(url, {"allowed": True}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "freelance.wrong_party")
    assert client_for(other_buyer).post(url, {"allowed": True}, format="json").status_code == 404
    assert Order.objects.get(pk=completed.pk).portfolio_consent is False
    response = client_for(buyer).post(url, {"allowed": True}, format="json")
    assert (response.status_code, response.json()["portfolio_consent"]) == (200, True)
    response = _item(client_for(seller), order=str(completed.pk), description="Three concepts")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["order"], body["order_title"], body["images"]) == (
        str(completed.pk),
        "A clean logo design",
        [],
    )
    # Withdrawing the consent unlinks the order from the item at once.
    client_for(buyer).post(url, {"allowed": False}, format="json")
    assert PortfolioItem.objects.get().order_id is None


def test_only_completed_own_orders_link(
    gig: Any, seller: Any, buyer: Any, market: Any, completed: Order
) -> None:
    open_order = order_factory(
        gig=gig, buyer=buyer, status=OrderStatus.IN_PROGRESS, portfolio_consent=True
    )
    response = _item(client_for(seller), order=str(open_order.pk))
    assert response.json()["code"] == "freelance.portfolio_order_not_completed"
    Order.objects.filter(pk=completed.pk).update(portfolio_consent=True)
    other_seller = user_with_role(Role.SELLER, market)
    assert _item(client_for(other_seller), order=str(completed.pk)).status_code == 404
    response = _item(client_for(buyer))
    assert (response.status_code, response.json()["code"]) == (403, "freelance.not_a_seller")
    assert PortfolioItem.objects.count() == 0


def test_images_go_through_the_files_service(seller: Any, market: Any) -> None:
    item_id = _item(client_for(seller)).json()["id"]
    url = f"{API}/portfolio/{item_id}/images/"
    response = client_for(seller).post(
        url, {"file": SimpleUploadedFile("shot.png", samples.png())}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    [image] = response.json()["images"]
    stored = StoredFile.objects.get()
    assert (stored.kind, stored.content_type, stored.owner_id) == ("image", "image/png", seller.pk)
    assert stored.attached_label == "freelance.portfolioitem"
    assert stored.attached_id == item_id
    # Anyone may see a portfolio image, inline, through the profile's image view.
    download = Client().get(image["url"])
    assert (download.status_code, download["Content-Type"]) == (200, "image/png")
    assert download["X-Content-Type-Options"] == "nosniff"
    # Something that is not an image is refused and stores nothing.
    response = client_for(seller).post(
        url, {"file": SimpleUploadedFile("evil.png", samples.HTML)}, format="multipart"
    )
    assert (response.status_code, response.json()["code"]) == (400, "files.type_not_allowed")
    assert (StoredFile.objects.count(), PortfolioImage.objects.count()) == (1, 1)
    # Another seller cannot add images to this item: 404, nothing stored.
    other_seller = user_with_role(Role.SELLER, market)
    response = client_for(other_seller).post(
        url, {"file": SimpleUploadedFile("x.png", samples.png())}, format="multipart"
    )
    assert response.status_code == 404
    assert (StoredFile.objects.count(), PortfolioImage.objects.count()) == (1, 1)


def test_at_most_six_images(seller: Any) -> None:
    item = portfolio_services.portfolio_item_create(actor=seller, title="Many shots")
    for _ in range(portfolio_services.MAX_PORTFOLIO_IMAGES):
        portfolio_services.portfolio_image_add(
            actor=seller, item=item, uploaded_file=SimpleUploadedFile("a.png", samples.png())
        )
    response = client_for(seller).post(
        f"{API}/portfolio/{item.pk}/images/",
        {"file": SimpleUploadedFile("b.png", samples.png())},
        format="multipart",
    )
    assert (response.status_code, response.json()["code"]) == (
        409,
        "freelance.portfolio_images_full",
    )
    assert PortfolioImage.objects.count() == 6
    assert StoredFile.objects.filter(deleted_at__isnull=True).count() == 6


def test_delete_is_the_owners_only(seller: Any, buyer: Any, market: Any) -> None:
    item = portfolio_services.portfolio_item_create(actor=seller, title="To delete")
    portfolio_services.portfolio_image_add(
        actor=seller, item=item, uploaded_file=SimpleUploadedFile("a.png", samples.png())
    )
    other_seller = user_with_role(Role.SELLER, market)
    for user in (other_seller, buyer):
        assert client_for(user).delete(f"{API}/portfolio/{item.pk}/").status_code == 404
    assert PortfolioItem.objects.count() == 1
    assert client_for(None).get(f"{API}/portfolio/{item.pk}/").json()["title"] == "To delete"
    assert client_for(seller).delete(f"{API}/portfolio/{item.pk}/").status_code == 204
    assert (PortfolioItem.objects.count(), PortfolioImage.objects.count()) == (0, 0)
    assert StoredFile.objects.get().deleted_at is not None


def test_mine_lists_only_my_items(django_assert_num_queries: Any, seller: Any, market: Any) -> None:
    for i in range(3):
        item = portfolio_services.portfolio_item_create(actor=seller, title=f"Sample {i}")
        portfolio_services.portfolio_image_add(
            actor=seller, item=item, uploaded_file=SimpleUploadedFile("a.png", samples.png())
        )
    other_seller = user_with_role(Role.SELLER, market)
    portfolio_services.portfolio_item_create(actor=other_seller, title="Not mine")
    client = client_for(seller)
    with django_assert_num_queries(2):  # items with their orders; images
        body = client.get(f"{API}/portfolio/").json()
    assert [i["title"] for i in body["results"]] == ["Sample 2", "Sample 1", "Sample 0"]
    assert [len(i["images"]) for i in body["results"]] == [1, 1, 1]


def test_profile_shows_the_portfolio(
    completed: Order, seller: Any, buyer: Any, django_assert_num_queries: Any
) -> None:
    portfolio_services.order_set_portfolio_consent(actor=buyer, order=completed, allowed=True)
    item = portfolio_services.portfolio_item_create(
        actor=seller, title="Clinic logo", description="Blue and white", order=completed
    )
    portfolio_services.portfolio_image_add(
        actor=seller, item=item, uploaded_file=SimpleUploadedFile("a.png", samples.png())
    )
    client = client_for(None)
    with django_assert_num_queries(10):  # the profile's 9 (items included), their images
        body = client.get(f"{API}/sellers/{seller.pk}/").json()
    [shown] = body["portfolio"]
    assert (shown["title"], shown["order_title"], len(shown["images"])) == (
        "Clinic logo",
        "A clean logo design",
        1,
    )
    page = Client().get(f"/freelance/sellers/{seller.pk}/").content.decode()
    assert "Clinic logo" in page
    assert "Completed order: A clean logo design" in page
    assert f'src="{shown["images"][0]["url"]}"' in page


def test_pages_consent_and_portfolio(completed: Order, seller: Any, buyer: Any) -> None:
    buyer_client = Client()
    buyer_client.force_login(buyer)
    page = buyer_client.get(f"/freelance/orders/{completed.pk}/").content.decode()
    assert "Allow showing it in the seller" in page
    buyer_client.post(f"/freelance/orders/{completed.pk}/portfolio-consent/", {"allowed": "1"})
    assert Order.objects.get(pk=completed.pk).portfolio_consent is True
    seller_client = Client()
    seller_client.force_login(seller)
    page = seller_client.get(f"/freelance/orders/{completed.pk}/").content.decode()
    assert "Withdraw permission" not in page  # the seller has no say
    response = seller_client.post(
        "/freelance/my/portfolio/",
        {"title": "Clinic logo", "description": "", "order": str(completed.pk)},
    )
    assert response.status_code == 302
    item = PortfolioItem.objects.get()
    assert item.order_id == completed.pk
    response = seller_client.post(
        f"/freelance/my/portfolio/{item.pk}/images/",
        {"file": SimpleUploadedFile("a.png", samples.png())},
    )
    assert response.status_code == 302
    assert PortfolioImage.objects.filter(item=item).count() == 1
    page = seller_client.get("/freelance/my/portfolio/").content.decode()
    assert "Clinic logo" in page
    # A buyer has no portfolio page; another seller cannot touch this item.
    assert buyer_client.get("/freelance/my/portfolio/").status_code == 404
    assert buyer_client.post(f"/freelance/my/portfolio/{item.pk}/delete/").status_code == 404
    assert PortfolioItem.objects.count() == 1
