"""Gig images through the files service: re-encoded, ordered, one primary, changed by the gig's
seller only, shown to whoever may open the gig (anyone, for an active gig)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.audit.models import AuditEvent
from lifeline.files.models import StoredFile
from lifeline.files.tests import samples
from lifeline.freelance.enums import GigStatus
from lifeline.freelance.models import Gig, GigImage
from lifeline.freelance.services.gigs import gig_approve
from lifeline.freelance.services.images import MAX_GIG_IMAGES, gig_image_add
from lifeline.freelance.tests.conftest import client_for
from lifeline.freelance.tests.factories import gig_factory, order_factory

pytestmark = pytest.mark.django_db

API = "/api/v1/freelance/gigs"


def _upload(content: bytes | None = None, name: str = "shot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.png() if content is None else content)


def _state(gig: Gig) -> list[tuple[str, int, bool]]:
    return [
        (str(i.pk), i.position, i.is_primary)
        for i in GigImage.objects.filter(gig=gig).order_by("position", "id")
    ]


def test_the_seller_uploads_reorders_picks_the_primary_and_removes(seller: Any, gig: Any) -> None:
    shop = client_for(seller)
    url = f"{API}/{gig.pk}/images/"
    first = shop.post(url, {"file": _upload()}, format="multipart")
    assert first.status_code == 201, first.json()
    second = shop.post(url, {"file": _upload()}, format="multipart").json()
    first_id, second_id = first.json()["id"], second["id"]
    assert (first.json()["is_primary"], first.json()["position"]) == (True, 0)
    assert (second["is_primary"], second["position"], second["content_type"]) == (
        False,
        1,
        "image/png",
    )
    assert second["url"] == f"/freelance/gig-images/{second_id}/"
    stored = StoredFile.objects.get(freelance_gig_image__pk=second_id)
    assert (stored.kind, stored.attached_label) == ("image", "freelance.gigimage")

    reordered = shop.put(f"{url}order/", {"images": [second_id, first_id]}, format="json")
    assert reordered.status_code == 200
    assert [(i["id"], i["position"], i["is_primary"]) for i in reordered.json()] == [
        (first_id, 1, True),
        (second_id, 0, False),
    ]
    assert shop.post(f"{url}{second_id}/primary/").json()["is_primary"] is True
    assert _state(gig) == [(second_id, 0, True), (first_id, 1, False)]

    assert shop.delete(f"{url}{second_id}/").status_code == 204
    assert _state(gig) == [(first_id, 1, True)]  # the next one became the primary
    stored.refresh_from_db()
    assert stored.is_deleted


def _approved(gig: Gig) -> None:
    """A moderator approves the gig again (an added image sent it back to approval)."""
    moderator = user_with_role(Role.MODERATOR, gig.organization, full_name="Mo Moderator")
    gig_approve(actor=moderator, gig=Gig.objects.get(pk=gig.pk))


def test_the_image_is_re_encoded_without_metadata(seller: Any, gig: Any) -> None:
    image = gig_image_add(actor=seller, gig=gig, uploaded_file=_upload(samples.jpeg()))
    _approved(gig)
    body = b"".join(Client().get(f"/freelance/gig-images/{image.pk}/").streaming_content)
    assert body[:2] == b"\xff\xd8"
    assert b"Phone maker" not in body
    assert b"patient Ivanov" not in body


def test_gig_page_and_cards_show_the_images(seller: Any, gig: Any) -> None:
    first = gig_image_add(actor=seller, gig=gig, uploaded_file=_upload())
    second = gig_image_add(actor=seller, gig=gig, uploaded_file=_upload())
    _approved(gig)
    page = Client().get(f"/freelance/gigs/{gig.pk}/").content.decode()
    assert page.index(f"/freelance/gig-images/{first.pk}/") < page.index(
        f"/freelance/gig-images/{second.pk}/"
    )
    catalogue = Client().get("/freelance/").content.decode()
    assert f"/freelance/gig-images/{first.pk}/" in catalogue
    assert f"/freelance/gig-images/{second.pk}/" not in catalogue  # cards: the primary only
    body = client_for(None).get(f"{API}/{gig.pk}/").json()
    assert body["primary_image"] == f"/freelance/gig-images/{first.pk}/"
    assert [i["id"] for i in body["images"]] == [str(first.pk), str(second.pk)]
    found = client_for(None).get("/api/v1/freelance/search/").json()["results"]
    assert [g["primary_image"] for g in found] == [f"/freelance/gig-images/{first.pk}/"]


def test_images_of_a_gig_nobody_may_see_are_404(seller: Any, market: Any, buyer: Any) -> None:
    draft = gig_factory(seller=seller, organization=market, status=GigStatus.DRAFT)
    image = gig_image_add(actor=seller, gig=draft, uploaded_file=_upload())
    assert Client().get(f"/freelance/gig-images/{image.pk}/").status_code == 404
    buyer_web = Client()
    buyer_web.force_login(buyer)
    assert buyer_web.get(f"/freelance/gig-images/{image.pk}/").status_code == 404
    seller_web = Client()
    seller_web.force_login(seller)
    response = seller_web.get(f"/freelance/gig-images/{image.pk}/")
    assert (response.status_code, response["X-Content-Type-Options"]) == (200, "nosniff")
    assert client_for(buyer).get(f"/api/v1/files/{image.file_id}/download/").status_code == 404


def test_another_seller_cannot_touch_the_images(seller: Any, gig: Any, market: Any) -> None:
    image = gig_image_add(actor=seller, gig=gig, uploaded_file=_upload())
    before = _state(gig)
    rival = client_for(user_with_role(Role.SELLER, market, full_name="Rita Rival"))
    url = f"{API}/{gig.pk}/images/"
    assert rival.post(url, {"file": _upload()}, format="multipart").status_code == 404
    assert rival.put(f"{url}order/", {"images": [str(image.pk)]}, format="json").status_code == 404
    assert rival.post(f"{url}{image.pk}/primary/").status_code == 404
    assert rival.delete(f"{url}{image.pk}/").status_code == 404
    assert client_for(None).delete(f"{url}{image.pk}/").status_code in (401, 403)
    assert _state(gig) == before
    assert StoredFile.objects.filter(deleted_at__isnull=True).count() == 1


def test_refused_uploads_and_orders_store_nothing(seller: Any, gig: Any) -> None:
    shop = client_for(seller)
    url = f"{API}/{gig.pk}/images/"
    refused = shop.post(url, {"file": _upload(samples.HTML, "evil.png")}, format="multipart")
    assert refused.status_code == 400
    assert shop.post(url, {}, format="multipart").json()["errors"] == {
        "file": ["No file was submitted."]
    }
    assert GigImage.objects.count() == StoredFile.objects.count() == 0
    image = gig_image_add(actor=seller, gig=gig, uploaded_file=_upload())
    bad = shop.put(f"{url}order/", {"images": [str(image.pk), str(image.pk)]}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "freelance.image_order_mismatch")
    assert list(bad.json()["errors"]) == ["images"]
    assert _state(gig) == [(str(image.pk), 0, True)]


def test_a_gig_holds_at_most_ten_images(seller: Any, gig: Any) -> None:
    for _ in range(MAX_GIG_IMAGES):
        gig_image_add(actor=seller, gig=gig, uploaded_file=_upload())
    response = client_for(seller).post(
        f"{API}/{gig.pk}/images/", {"file": _upload()}, format="multipart"
    )
    assert (response.status_code, response.json()["code"]) == (409, "freelance.gig_images_full")
    assert GigImage.objects.count() == StoredFile.objects.filter(deleted_at__isnull=True).count()
    assert GigImage.objects.count() == MAX_GIG_IMAGES


# --- an image change of an active gig goes back to approval (issue 18 §1) -------------------
def test_adding_or_removing_an_image_of_an_active_gig_sends_it_back_to_approval(
    seller: Any, gig: Any, buyer: Any
) -> None:
    order = order_factory(gig=gig, buyer=buyer, status="in_progress")
    snapshot = (order.status, order.package_title, order.price, order.delivery_days)
    shop = client_for(seller)
    url = f"{API}/{gig.pk}/images/"
    added = shop.post(url, {"file": _upload()}, format="multipart")
    assert added.status_code == 201
    gig.refresh_from_db()
    assert (gig.status, gig.submitted_at is not None) == (GigStatus.PENDING_APPROVAL, True)
    assert client_for(None).get(f"{API}/{gig.pk}/").status_code == 404  # not public until approved
    audit = AuditEvent.objects.get(action="freelance.gig_image_added")
    assert audit.changes == {
        "before": {"status": "active"},
        "after": {"status": "pending_approval"},
    }
    _approved(gig)
    assert shop.delete(f"{url}{added.json()['id']}/").status_code == 204
    gig.refresh_from_db()
    assert gig.status == GigStatus.PENDING_APPROVAL
    assert AuditEvent.objects.get(action="freelance.gig_image_removed").changes == {
        "before": {"status": "active"},
        "after": {"status": "pending_approval"},
    }
    order.refresh_from_db()  # the order in flight keeps what it bought
    assert (order.status, order.package_title, order.price, order.delivery_days) == snapshot


def test_a_paused_gig_goes_back_to_approval_and_a_draft_stays_a_draft(
    seller: Any, gig: Any, market: Any
) -> None:
    Gig.objects.filter(pk=gig.pk).update(status=GigStatus.PAUSED)
    gig_image_add(actor=seller, gig=gig, uploaded_file=_upload())
    draft = gig_factory(seller=seller, organization=market, status=GigStatus.DRAFT)
    gig_image_add(actor=seller, gig=draft, uploaded_file=_upload())
    assert dict(Gig.objects.filter(pk__in=[gig.pk, draft.pk]).values_list("pk", "status")) == {
        gig.pk: GigStatus.PENDING_APPROVAL,
        draft.pk: GigStatus.DRAFT,
    }
    assert AuditEvent.objects.filter(action="freelance.gig_image_added").count() == 2
    assert (
        AuditEvent.objects.get(target_id=str(draft.pk), action="freelance.gig_image_added").changes
        == {}
    )


def test_reordering_or_choosing_the_primary_keeps_an_active_gig_active(
    seller: Any, gig: Any
) -> None:
    """Both only rearrange pictures a moderator already approved."""
    first = gig_image_add(actor=seller, gig=gig, uploaded_file=_upload())
    second = gig_image_add(actor=seller, gig=gig, uploaded_file=_upload())
    _approved(gig)
    approved_at = Gig.objects.get(pk=gig.pk).approved_at
    shop = client_for(seller)
    url = f"{API}/{gig.pk}/images/"
    order = [str(second.pk), str(first.pk)]
    assert shop.put(f"{url}order/", {"images": order}, format="json").status_code == 200
    assert shop.post(f"{url}{second.pk}/primary/").status_code == 200
    gig.refresh_from_db()
    assert (gig.status, gig.approved_at) == (GigStatus.ACTIVE, approved_at)
    assert _state(gig) == [(str(second.pk), 0, True), (str(first.pk), 1, False)]
