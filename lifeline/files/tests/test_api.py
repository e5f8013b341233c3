from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from lifeline.access.enums import Role
from lifeline.audit.models import AuditEvent
from lifeline.files import kinds
from lifeline.files.enums import FileKind
from lifeline.files.models import StoredFile
from lifeline.files.permissions import register_access_rule
from lifeline.files.services import file_attach, file_upload
from lifeline.files.tests import samples
from lifeline.files.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    StoredFileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/api/v1/files/"


def _detail_url(file) -> str:
    return f"/api/v1/files/{file.pk}/"


def _download_url(file) -> str:
    return f"/api/v1/files/{file.pk}/download/"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _post(client, content: bytes, name: str, kind: str):
    return client.post(
        UPLOAD_URL, {"file": SimpleUploadedFile(name, content), "kind": kind}, format="multipart"
    )


def test_upload_returns_metadata_with_an_api_download_url(api_client, stored_blobs):
    owner = UserFactory()
    api_client.force_authenticate(owner)

    response = _post(api_client, samples.PDF, "report.pdf", FileKind.DOCUMENT)

    assert response.status_code == 201
    file = StoredFile.objects.get()
    assert response.json() == {
        "id": str(file.pk),
        "kind": "document",
        "content_type": "application/pdf",
        "size_bytes": len(samples.PDF),
        "original_name": "report.pdf",
        "created_at": file.created_at.isoformat().replace("+00:00", "Z"),
        "download_url": f"http://testserver/api/v1/files/{file.pk}/download/",
    }
    assert file.owner == owner
    assert len(stored_blobs()) == 1


def test_upload_strips_image_metadata(api_client):
    api_client.force_authenticate(UserFactory())

    response = _post(api_client, samples.jpeg(), "IMG_0001.JPG", FileKind.IMAGE)

    assert response.status_code == 201
    download = api_client.get(response.json()["download_url"])
    with Image.open(io.BytesIO(_body(download))) as image:
        assert dict(image.getexif()) == {}


def test_too_large_upload_is_413_and_stores_nothing(api_client, settings, stored_blobs):
    settings.LIFELINE_UPLOAD_MAX_BYTES = {"document": 10}
    api_client.force_authenticate(UserFactory())

    response = _post(api_client, samples.PDF, "report.pdf", FileKind.DOCUMENT)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "files.too_large"
    assert response.json()["max_bytes"] == 10
    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []


def test_exe_renamed_jpg_is_400_and_stores_nothing(api_client, stored_blobs):
    api_client.force_authenticate(UserFactory())

    response = _post(api_client, samples.EXE, "photo.jpg", FileKind.IMAGE)

    assert response.status_code == 400
    assert response.json()["code"] == "files.type_not_allowed"
    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []


def test_empty_upload_is_400_files_empty(api_client):
    api_client.force_authenticate(UserFactory())

    response = _post(api_client, b"", "empty.pdf", FileKind.DOCUMENT)

    assert response.status_code == 400
    assert response.json()["code"] == "files.empty"


def test_unknown_kind_is_a_field_error(api_client, stored_blobs):
    api_client.force_authenticate(UserFactory())

    response = _post(api_client, samples.PDF, "report.pdf", "video")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["kind"]
    assert stored_blobs() == []


def test_anonymous_upload_is_401(api_client, stored_blobs):
    response = _post(api_client, samples.PDF, "report.pdf", FileKind.DOCUMENT)

    assert response.status_code == 401
    assert stored_blobs() == []


def test_owner_gets_metadata_in_one_query(api_client, django_assert_num_queries):
    file = StoredFileFactory()
    api_client.force_authenticate(file.owner)

    with django_assert_num_queries(1):
        response = api_client.get(_detail_url(file))

    assert response.status_code == 200
    assert response.json()["id"] == str(file.pk)


def test_owner_downloads_with_safe_headers(api_client):
    file = StoredFileFactory()
    api_client.force_authenticate(file.owner)

    response = api_client.get(_download_url(file), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert _body(response) == samples.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(samples.PDF))
    assert response["Content-Disposition"] == (
        "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        (kinds.PDF, "inline"),
        (kinds.PNG, "inline"),
        (kinds.OGG, "inline"),
        (kinds.DOCX, "attachment"),
    ],
)
def test_inline_only_for_images_audio_and_pdf(api_client, content_type, expected):
    file = StoredFileFactory(content_type=content_type)
    api_client.force_authenticate(file.owner)

    response = api_client.get(_download_url(file), {"inline": "1"})

    assert response["Content-Disposition"].split(";")[0] == expected


@pytest.mark.parametrize(
    ("raw_name", "disposition"),
    [
        (
            '../../etc/passwd"\r\n.pdf',
            "attachment; filename=\"passwd_.pdf\"; filename*=UTF-8''passwd_.pdf",
        ),
        (
            "Заключение врача.pdf",
            'attachment; filename="__________ _____.pdf"; '
            "filename*=UTF-8''%D0%97%D0%B0%D0%BA%D0%BB%D1%8E%D1%87%D0%B5%D0%BD%D0%B8%D0%B5"
            "%20%D0%B2%D1%80%D0%B0%D1%87%D0%B0.pdf",
        ),
        (
            "..\\..\\boot.ini;.pdf",
            "attachment; filename=\"boot.ini_.pdf\"; filename*=UTF-8''boot.ini_.pdf",
        ),
    ],
)
def test_content_disposition_is_safe_for_hostile_and_cyrillic_names(
    api_client, raw_name, disposition
):
    owner = UserFactory()
    file = file_upload(
        actor=owner,
        uploaded_file=SimpleUploadedFile(raw_name, samples.PDF),
        kind=FileKind.DOCUMENT,
    )
    api_client.force_authenticate(owner)

    response = api_client.get(_download_url(file))

    assert response["Content-Disposition"] == disposition
    assert "\r" not in response["Content-Disposition"]
    assert "\n" not in response["Content-Disposition"]


@pytest.mark.parametrize("method", ["get_detail", "download", "delete"])
def test_another_users_file_is_404_and_unchanged(api_client, method, stored_blobs):
    file = StoredFileFactory()
    api_client.force_authenticate(UserFactory())

    if method == "get_detail":
        response = api_client.get(_detail_url(file))
    elif method == "download":
        response = api_client.get(_download_url(file))
    else:
        response = api_client.delete(_detail_url(file))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    file.refresh_from_db()
    assert file.deleted_at is None
    assert len(stored_blobs()) == 1


def test_unknown_id_is_404(api_client):
    api_client.force_authenticate(UserFactory())

    response = api_client.get(f"/api/v1/files/{uuid.uuid4()}/")

    assert response.status_code == 404


def test_org_admin_can_view_but_not_delete(api_client, stored_blobs):
    organization = OrganizationFactory()
    admin = MembershipFactory(organization=organization, role=Role.CLINIC_ADMIN).user
    file = StoredFileFactory(organization=organization)
    api_client.force_authenticate(admin)

    detail = api_client.get(_detail_url(file))
    download = api_client.get(_download_url(file))
    delete = api_client.delete(_detail_url(file))

    assert detail.status_code == 200
    assert download.status_code == 200
    assert _body(download) == samples.PDF
    assert delete.status_code == 403
    assert delete.json()["code"] == "files.delete_forbidden"
    file.refresh_from_db()
    assert file.deleted_at is None
    assert len(stored_blobs()) == 1


@pytest.mark.parametrize(
    ("role", "same_organization"),
    [(Role.DOCTOR, True), (Role.CLINIC_ADMIN, False)],
)
def test_non_admin_member_or_admin_of_another_org_gets_404(api_client, role, same_organization):
    organization = OrganizationFactory()
    file = StoredFileFactory(organization=organization)
    member_of = organization if same_organization else OrganizationFactory()
    user = MembershipFactory(organization=member_of, role=role).user
    api_client.force_authenticate(user)

    response = api_client.get(_detail_url(file))

    assert response.status_code == 404


def test_module_rule_grants_viewing_and_medical_downloads_are_audited(api_client):
    # The "attached object" here is a membership; a real module would register its message
    # or record model. The rule: members of the same organization may view.
    membership = MembershipFactory()
    colleague = MembershipFactory(organization=membership.organization).user
    file = StoredFileFactory(owner=membership.user)
    file_attach(file=file, obj=membership)
    register_access_rule(
        "access.membership",
        lambda user, obj: obj.organization.memberships.filter(user=user).exists(),
        medical=True,
    )
    api_client.force_authenticate(colleague)

    response = api_client.get(_download_url(file))

    assert response.status_code == 200
    assert _body(response) == samples.PDF
    event = AuditEvent.objects.get(action="files.file_downloaded")
    assert event.actor_id == str(colleague.pk)
    assert event.target_id == str(file.pk)
    assert event.metadata == {
        "attached_type": "access.membership",
        "attached_id": str(membership.pk),
    }


def test_rule_refusal_and_unregistered_models_grant_nothing(api_client):
    membership = MembershipFactory()
    file = StoredFileFactory(owner=membership.user)
    file_attach(file=file, obj=membership)
    stranger = UserFactory()
    api_client.force_authenticate(stranger)

    unregistered = api_client.get(_detail_url(file))
    register_access_rule("access.membership", lambda user, obj: False)
    refused = api_client.get(_detail_url(file))

    assert unregistered.status_code == 404
    assert refused.status_code == 404
    assert AuditEvent.objects.filter(action="files.file_downloaded").count() == 0


def test_owner_delete_then_everything_is_404(
    api_client, django_capture_on_commit_callbacks, stored_blobs
):
    file = StoredFileFactory()
    api_client.force_authenticate(file.owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(_detail_url(file))

    assert response.status_code == 204
    file.refresh_from_db()
    assert file.deleted_at is not None
    assert stored_blobs() == []
    assert api_client.get(_detail_url(file)).status_code == 404
    assert api_client.get(_download_url(file)).status_code == 404


def test_url_names_resolve():
    file_id = uuid.uuid4()

    assert reverse("files:file-upload") == UPLOAD_URL
    assert reverse("files:file-download", kwargs={"file_id": file_id}) == (
        f"/api/v1/files/{file_id}/download/"
    )


def test_no_public_media_route_exists(client, settings, media_root):
    file = StoredFileFactory()
    user = file.owner
    client.force_login(user)

    for path in (
        f"/media/{file.storage_name}",
        f"{settings.MEDIA_URL}{file.storage_name}",
        f"/var/media/{file.storage_name}",
    ):
        assert client.get(path).status_code == 404, path


def test_upload_spooled_to_a_temporary_file_is_accepted(api_client):
    # Above FILE_UPLOAD_MAX_MEMORY_SIZE Django hands the view a temporary file, not memory.
    recording = samples.wav() + b"\x00" * (3 * 1024 * 1024)
    api_client.force_authenticate(UserFactory())

    response = _post(api_client, recording, "call.wav", FileKind.CALL_RECORDING)

    assert response.status_code == 201
    assert response.json()["content_type"] == "audio/wav"
    assert response.json()["size_bytes"] == len(recording)


@pytest.mark.parametrize(
    ("language", "kind", "expected"),
    [
        (
            "ru",
            FileKind.IMAGE,
            ("Этот тип файлов здесь не допускается", "Можно загрузить: JPEG, PNG, WebP."),
        ),
        (
            "en",
            FileKind.IMAGE,
            ("This type of file is not allowed here", "Allowed: JPEG, PNG, WebP."),
        ),
        (
            "ru",
            FileKind.ATTACHMENT,
            ("Этот тип файлов здесь не допускается", "Можно загрузить: JPEG, PNG, WebP, PDF."),
        ),
        (
            "en",
            FileKind.DOCUMENT,
            (
                "This type of file is not allowed here",
                "Allowed: PDF, Word (DOCX), Excel (XLSX), ODT, ODS.",
            ),
        ),
    ],
)
def test_a_refused_type_names_the_allowed_types_in_the_readers_language(
    api_client, stored_blobs, language, kind, expected
):
    api_client.force_authenticate(UserFactory(language=language))

    response = api_client.post(
        UPLOAD_URL,
        {"file": SimpleUploadedFile("photo.jpg", samples.EXE), "kind": kind},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    body = response.json()
    assert response.status_code == 400
    assert (body["code"], body["title"]) == ("files.type_not_allowed", expected[0])
    assert body["detail"] == f"{expected[0]}. {expected[1]}"
    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []
