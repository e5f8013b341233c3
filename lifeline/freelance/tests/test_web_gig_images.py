"""The gig editor's image section: plain forms (upload, make primary, move up or down, remove)
for the gig's seller only; anyone else gets 404 and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifeline.access.enums import Role
from lifeline.access.tests.factories import user_with_role
from lifeline.files.models import StoredFile
from lifeline.files.tests import samples
from lifeline.freelance.enums import GigStatus
from lifeline.freelance.models import Gig, GigImage
from lifeline.freelance.services.images import gig_image_add
from lifeline.freelance.tests.factories import gig_factory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _png() -> SimpleUploadedFile:
    return SimpleUploadedFile("shot.png", samples.png())


def _order(gig: Gig) -> list[tuple[Any, bool]]:
    """The images as the editor lists them: the primary first, then by position."""
    return list(
        GigImage.objects.filter(gig=gig)
        .order_by("-is_primary", "position", "id")
        .values_list("pk", "is_primary")
    )


def test_the_seller_manages_images_on_the_gig_editor(seller: Any, gig: Any) -> None:
    web = _client(seller)
    edit = f"/freelance/my/gigs/{gig.pk}/"
    page = web.get(edit).content.decode()
    assert f'action="{edit}images/" enctype="multipart/form-data"' in page
    assert 'accept="image/jpeg,image/png,image/webp" required' in page
    assert "No images yet." in page

    response = web.post(f"{edit}images/", {"file": _png()})
    assert (response.status_code, response["Location"]) == (302, f"{edit}#images")
    for _ in range(2):
        web.post(f"{edit}images/", {"file": _png()})
    first, second, third = (pk for pk, _primary in _order(gig))
    assert _order(gig) == [(first, True), (second, False), (third, False)]
    page = web.get(edit).content.decode()
    for pk in (first, second, third):
        assert f'src="/freelance/gig-images/{pk}/"' in page
    assert (
        page.count('data-testid="move-up"') == 1
    )  # the third; the second is first after the primary
    assert page.count('data-testid="move-down"') == 1  # the second
    assert page.count(">Make primary</button>") == 2

    base = f"{edit}images/"
    assert web.post(f"{base}{third}/up/")["Location"] == f"{edit}#images"
    assert _order(gig) == [(first, True), (third, False), (second, False)]
    web.post(f"{base}{third}/up/")  # already next to the primary: nothing moves
    assert _order(gig) == [(first, True), (third, False), (second, False)]
    web.post(f"{base}{third}/down/")
    assert _order(gig) == [(first, True), (second, False), (third, False)]
    web.post(f"{base}{third}/primary/")
    assert _order(gig) == [(third, True), (first, False), (second, False)]
    web.post(f"{base}{third}/remove/")
    assert _order(gig) == [(first, True), (second, False)]  # the next one became the primary
    assert StoredFile.objects.get(freelance_gig_image__isnull=True).is_deleted
    assert StoredFile.objects.filter(deleted_at__isnull=True).count() == 2


def test_a_refused_upload_stores_nothing_and_says_why(seller: Any, gig: Any) -> None:
    web = _client(seller)
    edit = f"/freelance/my/gigs/{gig.pk}/"
    page = web.post(f"{edit}images/", follow=True).content.decode()
    assert "Choose an image (JPEG, PNG or WebP)." in page
    evil = SimpleUploadedFile("evil.png", samples.HTML)
    response = web.post(f"{edit}images/", {"file": evil}, follow=True)
    assert response.redirect_chain == [(f"{edit}#images", 302)]
    assert GigImage.objects.count() == StoredFile.objects.count() == 0
    assert Gig.objects.get(pk=gig.pk).status == GigStatus.ACTIVE


def test_others_get_404_and_nothing_changes(
    seller: Any, gig: Any, market: Any, buyer: Any, moderator: Any
) -> None:
    first = gig_image_add(actor=seller, gig=gig, uploaded_file=_png())
    second = gig_image_add(actor=seller, gig=gig, uploaded_file=_png())
    Gig.objects.filter(pk=gig.pk).update(status=GigStatus.ACTIVE)
    before = (_order(gig), set(StoredFile.objects.values_list("pk", "deleted_at")))
    rival = user_with_role(Role.SELLER, market, full_name="Rita Rival")
    edit = f"/freelance/my/gigs/{gig.pk}/"
    for user in (rival, buyer, moderator):
        web = _client(user)
        assert web.get(edit).status_code == 404
        assert web.post(f"{edit}images/", {"file": _png()}).status_code == 404
        for action in ("primary", "up", "down", "remove"):
            assert web.post(f"{edit}images/{second.pk}/{action}/").status_code == 404
    # The seller's own image under another seller's gig id is 404 too.
    other = gig_factory(seller=rival, organization=market)
    assert (
        _client(seller).post(f"/freelance/my/gigs/{other.pk}/images/{first.pk}/remove/").status_code
        == 404
    )
    assert _client(seller).post(f"{edit}images/{first.pk}/rotate/").status_code == 404
    assert Client().post(f"{edit}images/{first.pk}/remove/").status_code == 302  # to sign in
    assert (_order(gig), set(StoredFile.objects.values_list("pk", "deleted_at"))) == before
    assert Gig.objects.get(pk=gig.pk).status == GigStatus.ACTIVE


def _queries(web: Client, url: str) -> tuple[list[str], str]:
    web.get(url)  # the same warm-up before each count (session, content types)
    with CaptureQueriesContext(connection) as queries:
        page = web.get(url).content.decode()
    return [q["sql"] for q in queries.captured_queries], page


def test_the_editor_lists_images_in_constant_queries(seller: Any, gig: Any) -> None:
    web = _client(seller)
    edit = f"/freelance/my/gigs/{gig.pk}/"
    gig_image_add(actor=seller, gig=gig, uploaded_file=_png())
    one, _page = _queries(web, edit)
    for _ in range(3):
        gig_image_add(actor=seller, gig=gig, uploaded_file=_png())
    four, page = _queries(web, edit)
    assert page.count('src="/freelance/gig-images/') == 4
    # The page's own queries (the gig, its packages, its images, the category choices); the
    # rest is the session and role lookups every page makes, some cached for a while.
    mine = [[sql for sql in run if '"freelance_' in sql] for run in (one, four)]
    assert len(mine[0]) == len(mine[1]) == 5, "\n".join(["one:", *one, "four:", *four])


def test_an_archived_gig_shows_its_images_without_actions(seller: Any, gig: Any) -> None:
    gig_image_add(actor=seller, gig=gig, uploaded_file=_png())
    Gig.objects.filter(pk=gig.pk).update(status=GigStatus.ARCHIVED)
    page = _client(seller).get(f"/freelance/my/gigs/{gig.pk}/").content.decode()
    assert page.count('src="/freelance/gig-images/') == 1
    assert "Make primary" not in page
    assert 'enctype="multipart/form-data"' not in page


def test_the_editor_in_russian(seller: Any, gig: Any) -> None:
    gig_image_add(actor=seller, gig=gig, uploaded_file=_png())
    gig_image_add(actor=seller, gig=gig, uploaded_file=_png())
    seller.language = "ru"
    seller.save()
    page = _client(seller).get(f"/freelance/my/gigs/{gig.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    text = page.content.decode()
    for word in ("Изображения", "Главное", "Сделать главным", "Удалить", "Загрузить"):
        assert word in text, word
