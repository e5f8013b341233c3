from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lifeline.fieldservice.models import RequestFile
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import ServiceRequestFactory
from lifeline.files.tests.samples import png

pytestmark = pytest.mark.django_db


def _upload(user: Any, request_id: Any, purpose: str = "bso", content: bytes | None = None) -> Any:
    upload = SimpleUploadedFile("../../etc/bso.png", content or png(), content_type="image/png")
    return client_for(user).post(
        f"/api/v1/fieldservice/requests/{request_id}/files/",
        {"file": upload, "purpose": purpose},
        format="multipart",
    )


def test_master_uploads_a_bso_photo_that_only_allowed_people_download(world: Any) -> None:
    row = ServiceRequestFactory(city=world.moscow, master=world.master)
    # when
    response = _upload(world.master, row.pk)
    # then
    assert response.status_code == 201
    data = response.json()
    assert (data["purpose"], data["content_type"]) == ("bso", "image/png")
    assert "/" not in data["original_name"]
    url = data["download_url"]
    assert url == f"/api/v1/files/{data['id']}/download/"
    assert client_for(world.master).get(url).status_code == 200
    assert client_for(world.operator).get(url).status_code == 200
    assert client_for(world.manager).get(url).status_code == 200
    assert client_for(world.master2).get(url).status_code == 404
    assert client_for(world.other_director).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 401
    listed = client_for(world.operator).get(f"/api/v1/fieldservice/requests/{row.pk}/files/")
    assert [f["id"] for f in listed.json()] == [data["id"]]


@pytest.mark.parametrize("who", ["master2", "other_director", None])
def test_uploads_to_someone_elses_request_store_nothing(world: Any, who: str | None) -> None:
    row = ServiceRequestFactory(city=world.moscow, master=world.master)
    response = _upload(getattr(world, who) if who else None, row.pk)
    assert response.status_code in (401, 404)
    assert RequestFile.objects.count() == 0


def test_a_file_that_is_not_an_image_or_pdf_is_refused(world: Any) -> None:
    row = ServiceRequestFactory(city=world.moscow, master=world.master)
    response = _upload(world.master, row.pk, content=b"#!/bin/sh\necho hi\n")
    assert response.status_code == 400
    assert RequestFile.objects.count() == 0


def test_people_cannot_upload_recordings(world: Any) -> None:
    row = ServiceRequestFactory(city=world.moscow, master=world.master)
    assert _upload(world.manager, row.pk, purpose="recording").status_code == 400
    assert RequestFile.objects.count() == 0
