"""A seller delivers a file larger than one part from the order page: files/uploads.js sends it in
parts with progress, one part's connection is reset, the script asks the server where the
upload stands (HEAD) and resumes; the delivery then carries the file, byte for byte."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.files.models import StoredFile
from lifeline.files.tests import samples
from lifeline.freelance.enums import OrderStatus
from lifeline.freelance.models import Order
from lifeline.freelance.services import deliveries as delivery_services
from lifeline.freelance.services import gigs as gig_services
from lifeline.freelance.services import orders as order_services
from lifeline.freelance.tests.factories import PACKAGES, logo_category

pytestmark = pytest.mark.django_db(transaction=True)
MB = 1024 * 1024


@pytest.mark.page_problems_expected("/api/v1/files/uploads/", "ERR_CONNECTION_RESET")
def test_a_delivery_file_goes_up_in_parts_and_resumes_after_a_reset(
    live_server: Any, page: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LIFELINE_UPLOAD_CHUNK_MAX_BYTES = MB
    market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    seller = user_with_role(Role.SELLER, market)
    buyer = user_with_role(Role.BUYER, market)
    gig = gig_services.gig_create(
        actor=seller,
        title="A clean vector logo for a clinic",
        description="Three concepts, two revisions and the source files in SVG.",
        category=logo_category(),
        tags=["logo"],
        packages=PACKAGES,
    )
    gig_services.gig_submit(actor=seller, gig=gig)
    gig_services.gig_approve(actor=user_with_role(Role.MODERATOR, market), gig=gig)
    order = order_services.order_place(actor=buyer, gig=gig, tier="basic")
    delivery_services.order_submit_requirements(actor=buyer, order=order, text="Blue and white")
    content = samples.PDF + os.urandom(2 * MB + 4321 - len(samples.PDF))
    source = tmp_path / "final logo.pdf"
    source.write_bytes(content)

    client = Client()
    client.force_login(seller, backend="lifeline.accounts.backends.EmailOrPhoneBackend")
    base = live_server.url
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base},
            {"name": "django_language", "value": "en", "url": base},
        ]
    )
    patches: list[str] = []

    def reset_the_second_part_once(route: Any) -> None:
        if route.request.method == "PATCH":
            patches.append(route.request.headers.get("upload-offset", ""))
            if len(patches) == 2:
                route.abort("connectionreset")
                return
        route.continue_()

    page.route("**/api/v1/files/uploads/**", reset_the_second_part_once)
    page.goto(f"{base}/freelance/orders/{order.pk}/")
    form = page.locator('form[action$="/deliver/"]')
    form.locator('[name="text"]').fill("The final logo, all sizes")
    form.locator("[data-resumable-input]").set_input_files(str(source))
    form.locator("button[type=submit]").click()

    # The status line says "Uploading final logo.pdf …" meanwhile: wait for the order's own
    # file list, which only the page after the delivery has.
    expect(page.get_by_test_id("order-status")).to_have_text("Delivered", timeout=90_000)
    expect(page.get_by_test_id("order-files").get_by_role("link")).to_have_text("final logo.pdf")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    stored = StoredFile.objects.get(attached_id=str(order.pk))
    assert (stored.size_bytes, stored.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    # Parts at 0, 1 MB (reset), 1 MB again after HEAD, then 2 MB.
    assert patches == ["0", str(MB), str(MB), str(2 * MB)]
