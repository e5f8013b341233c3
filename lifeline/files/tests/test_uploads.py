from __future__ import annotations

import hashlib
import io
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from lifeline.audit.models import AuditEvent
from lifeline.files import staging
from lifeline.files.enums import FileKind, UploadStatus
from lifeline.files.exceptions import UploadOffsetMismatch
from lifeline.files.models import StoredFile, UploadSession
from lifeline.files.services import upload_append, upload_purge_expired
from lifeline.files.tests import samples
from lifeline.files.tests.factories import StoredFileFactory, UploadSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE_URL = "/api/v1/files/uploads/"
CHUNK = "application/offset+octet-stream"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _small_chunks(settings):
    settings.LIFELINE_UPLOAD_CHUNK_MAX_BYTES = 1 * MB


def _pdf(size: int) -> bytes:
    """A PDF by its signature, padded with random (incompressible) bytes to `size`."""
    return samples.PDF + os.urandom(size - len(samples.PDF))


def _url(upload_id) -> str:
    return f"/api/v1/files/uploads/{upload_id}/"


def _create(client, *, size: int, kind: str = FileKind.DELIVERABLE, **extra):
    body = {"kind": kind, "filename": "final work.pdf", "size_bytes": size, **extra}
    return client.post(CREATE_URL, body, format="json")


def _patch(client, upload_id, data: bytes, *, offset: int, content_type: str = CHUNK):
    return client.generic(
        "PATCH",
        _url(upload_id),
        data,
        content_type=content_type,
        headers={"Upload-Offset": str(offset)},
    )


def _send(client, upload_id, data: bytes, *, start: int = 0, chunk: int = MB):
    response = None
    for offset in range(start, len(data), chunk):
        response = _patch(client, upload_id, data[offset : offset + chunk], offset=offset)
        assert response.status_code == 200, response.json()
    return response


def _snapshot(upload_id) -> tuple:
    upload = UploadSession.objects.get(pk=upload_id)
    path = staging.staging_path(upload.pk)
    return (
        upload.offset,
        upload.status,
        upload.expires_at,
        path.read_bytes() if path.exists() else None,
    )


def test_three_parts_reassemble_byte_exact_into_a_stored_file(api_client, stored_blobs):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    content = _pdf(2 * MB + 123)
    digest = hashlib.sha256(content).hexdigest()

    created = _create(api_client, size=len(content), sha256=digest.upper())
    assert created.status_code == 201
    upload_id = created.json()["id"]
    assert created["Location"] == _url(upload_id)
    assert created["Upload-Offset"] == "0"
    assert created.json()["max_chunk_bytes"] == MB

    first = _patch(api_client, upload_id, content[:MB], offset=0)
    assert first.status_code == 200
    assert first["Upload-Offset"] == str(MB)
    assert first.json()["status"] == "open"
    assert first.json()["file"] is None
    second = _patch(api_client, upload_id, content[MB : 2 * MB], offset=MB)
    assert second["Upload-Offset"] == str(2 * MB)
    last = _patch(api_client, upload_id, content[2 * MB :], offset=2 * MB)

    assert last.status_code == 200
    file = StoredFile.objects.get()
    body = last.json()
    assert body["status"] == "completed"
    assert body["offset"] == len(content)
    assert body["file"]["id"] == str(file.pk)
    assert body["file"]["content_type"] == "application/pdf"
    assert body["file"]["original_name"] == "final work.pdf"
    assert (file.owner, file.kind, file.size_bytes, file.sha256) == (
        owner,
        FileKind.DELIVERABLE,
        len(content),
        digest,
    )
    download = api_client.get(f"/api/v1/files/{file.pk}/download/")
    assert b"".join(download.streaming_content) == content
    # The staging file became the stored blob (moved, not copied): one blob, nothing partial.
    assert [path.name for path in stored_blobs()] == [file.storage_name.rsplit("/", 1)[1]]
    event = AuditEvent.objects.get(action="files.file_uploaded")
    assert event.target_id == str(file.pk)
    assert event.metadata == {
        "kind": "deliverable",
        "content_type": "application/pdf",
        "size_bytes": len(content),
    }
    assert UploadSession.objects.get().file == file


def test_a_part_cut_off_keeps_what_arrived_and_the_client_resumes_from_head(api_client):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    content = _pdf(MB + 500_000)
    upload_id = _create(api_client, size=len(content)).json()["id"]

    class DroppedConnection(io.BytesIO):
        """Delivers 300 000 bytes of the part, then the connection breaks."""

        def read(self, size: int | None = -1) -> bytes:
            if self.tell() >= 300_000:
                raise OSError("connection reset by peer")
            return super().read(min(size or MB, 300_000 - self.tell()))

    upload = UploadSession.objects.get(pk=upload_id)
    upload_append(
        actor=owner, upload=upload, offset=0, stream=DroppedConnection(content[:MB]), length=MB
    )

    head = api_client.head(_url(upload_id))
    assert head.status_code == 200
    assert head["Upload-Offset"] == "300000"
    assert head["Upload-Length"] == str(len(content))
    assert head.content == b""
    _send(api_client, upload_id, content, start=300_000)
    file = StoredFile.objects.get()
    assert file.sha256 == hashlib.sha256(content).hexdigest()
    assert file.size_bytes == len(content)


def test_a_part_at_the_wrong_offset_is_409_with_the_right_one_and_changes_nothing(api_client):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    content = _pdf(2 * MB)
    upload_id = _create(api_client, size=len(content)).json()["id"]
    _patch(api_client, upload_id, content[:MB], offset=0)
    before = _snapshot(upload_id)

    response = _patch(api_client, upload_id, content[:MB], offset=0)

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "files.offset_mismatch"
    assert response.json()["offset"] == MB
    assert _snapshot(upload_id) == before


def test_a_part_beyond_the_declared_size_is_400_and_changes_nothing(api_client):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    upload_id = _create(api_client, size=1000).json()["id"]
    _patch(api_client, upload_id, samples.PDF, offset=0)
    before = _snapshot(upload_id)

    response = _patch(api_client, upload_id, b"x" * 1001, offset=len(samples.PDF))

    assert response.status_code == 400
    assert response.json()["code"] == "files.upload_exceeds_size"
    assert _snapshot(upload_id) == before
    assert StoredFile.objects.count() == 0


def test_a_part_over_the_part_limit_is_413_before_anything_is_read(api_client, stored_blobs):
    api_client.force_authenticate(UserFactory())
    upload_id = _create(api_client, size=3 * MB).json()["id"]

    response = _patch(api_client, upload_id, b"%PDF-" + b"x" * MB, offset=0)

    assert response.status_code == 413
    assert response.json()["code"] == "files.chunk_too_large"
    assert response.json()["max_bytes"] == MB
    assert UploadSession.objects.get().offset == 0
    assert stored_blobs() == []


@pytest.mark.parametrize(
    ("content_type", "headers", "status", "code"),
    [
        ("application/octet-stream", {"Upload-Offset": "0"}, 415, "files.chunk_content_type"),
        (CHUNK, {}, 400, "files.offset_required"),
        (CHUNK, {"Upload-Offset": "-1"}, 400, "files.offset_required"),
    ],
)
def test_a_part_without_the_protocol_headers_is_refused(
    api_client, stored_blobs, content_type, headers, status, code
):
    api_client.force_authenticate(UserFactory())
    upload_id = _create(api_client, size=100).json()["id"]

    response = api_client.generic(
        "PATCH", _url(upload_id), samples.PDF, content_type=content_type, headers=headers
    )

    assert response.status_code == status
    assert response.json()["code"] == code
    assert UploadSession.objects.get().offset == 0
    assert stored_blobs() == []


def test_a_wrong_type_found_after_the_last_part_stores_nothing_and_deletes_the_bytes(
    api_client, stored_blobs
):
    api_client.force_authenticate(UserFactory())
    content = b"MZ" + os.urandom(MB + 10)  # an executable is no deliverable
    upload_id = _create(api_client, size=len(content)).json()["id"]
    _patch(api_client, upload_id, content[:MB], offset=0)
    assert len(stored_blobs()) == 1  # the staging file

    response = _patch(api_client, upload_id, content[MB:], offset=MB)

    assert response.status_code == 400
    assert response.json()["code"] == "files.type_not_allowed"
    assert "ZIP" in response.json()["detail"]
    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []
    upload = UploadSession.objects.get()
    assert (upload.status, upload.error_code, upload.file) == (
        UploadStatus.REJECTED,
        "files.type_not_allowed",
        None,
    )
    again = _patch(api_client, upload_id, content[MB:], offset=MB)
    assert again.status_code == 409
    assert again.json()["code"] == "files.upload_not_open"


def test_a_checksum_that_does_not_match_stores_nothing(api_client, stored_blobs):
    api_client.force_authenticate(UserFactory())
    content = _pdf(5000)
    declared = hashlib.sha256(content + b"!").hexdigest()
    upload_id = _create(api_client, size=len(content), sha256=declared).json()["id"]

    response = _patch(api_client, upload_id, content, offset=0)

    assert response.status_code == 400
    assert response.json()["code"] == "files.checksum_mismatch"
    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []
    assert UploadSession.objects.get().status == UploadStatus.REJECTED


def test_a_zip_archive_is_a_deliverable(api_client):
    api_client.force_authenticate(UserFactory())
    content = samples.plain_zip()
    upload_id = _create(api_client, size=len(content)).json()["id"]

    response = _patch(api_client, upload_id, content, offset=0)

    assert response.status_code == 200
    assert response.json()["file"]["content_type"] == "application/zip"
    assert response.json()["file"]["original_name"] == "final work.zip"


def test_another_users_upload_is_404_for_every_verb_and_unchanged(api_client):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    content = _pdf(2 * MB)
    upload_id = _create(api_client, size=len(content)).json()["id"]
    _patch(api_client, upload_id, content[:MB], offset=0)
    before = _snapshot(upload_id)
    api_client.force_authenticate(UserFactory())

    responses = [
        api_client.get(_url(upload_id)),
        api_client.head(_url(upload_id)),
        _patch(api_client, upload_id, content[MB:], offset=MB),
        api_client.delete(_url(upload_id)),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert "Upload-Offset" not in responses[1]
    assert _snapshot(upload_id) == before
    assert StoredFile.objects.count() == 0


def test_anonymous_callers_cannot_open_uploads(api_client):
    response = _create(api_client, size=100)

    assert response.status_code in (401, 403)
    assert UploadSession.objects.count() == 0


def test_the_owner_reads_the_session(api_client):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    upload = UploadSessionFactory(owner=owner, size_bytes=2048)

    response = api_client.get(_url(upload.pk))

    assert response.status_code == 200
    assert response["Upload-Offset"] == "0"
    assert response.json() == {
        "id": str(upload.pk),
        "kind": "deliverable",
        "filename": "work.pdf",
        "size_bytes": 2048,
        "offset": 0,
        "status": "open",
        "error_code": "",
        "expires_at": upload.expires_at.isoformat().replace("+00:00", "Z"),
        "max_chunk_bytes": MB,
        "file": None,
    }


def test_only_kinds_with_a_resumable_limit_take_uploads(api_client):
    api_client.force_authenticate(UserFactory())

    response = _create(api_client, size=100, kind=FileKind.DOCUMENT)

    assert response.status_code == 400
    assert response.json()["code"] == "files.kind_not_resumable"
    assert response.json()["errors"] == {"kind": ["Files of this kind cannot be uploaded in parts"]}
    assert UploadSession.objects.count() == 0


def test_large_declared_sizes_are_checked_against_the_limit_without_writing_them(
    api_client, settings, stored_blobs
):
    api_client.force_authenticate(UserFactory())
    settings.LIFELINE_UPLOAD_RESUMABLE_MAX_BYTES = {"deliverable": 600 * MB}

    too_large = _create(api_client, size=600 * MB + 1)
    accepted = _create(api_client, size=600 * MB)

    assert too_large.status_code == 413
    assert too_large.json()["code"] == "files.too_large"
    assert too_large.json()["max_bytes"] == 600 * MB
    assert accepted.status_code == 201
    upload_id = accepted.json()["id"]
    content = _pdf(3 * MB)
    last = _send(api_client, upload_id, content)
    assert last["Upload-Offset"] == str(3 * MB)
    assert last.json()["status"] == "open"
    # Only what arrived is on disk: no space is reserved for the declared 600 MB.
    assert [path.stat().st_size for path in stored_blobs()] == [3 * MB]
    assert UploadSession.objects.count() == 1


def test_the_default_deliverable_limit_allows_at_least_500_mb(api_client, settings):
    settings.LIFELINE_UPLOAD_RESUMABLE_MAX_BYTES = {}
    api_client.force_authenticate(UserFactory())

    response = _create(api_client, size=1024 * MB)

    assert response.status_code == 201
    assert _create(api_client, size=1024 * MB + 1).status_code == 413


def test_an_empty_file_is_refused(api_client):
    api_client.force_authenticate(UserFactory())

    response = _create(api_client, size=0)

    assert response.status_code == 400
    assert response.json()["code"] == "files.empty"


def test_unfinished_uploads_per_person_are_capped(api_client, settings):
    settings.LIFELINE_UPLOAD_MAX_OPEN_SESSIONS = 2
    owner = UserFactory()
    api_client.force_authenticate(owner)
    UploadSessionFactory.create_batch(2, owner=owner)
    UploadSessionFactory(owner=owner, status=UploadStatus.COMPLETED)
    UploadSessionFactory()  # someone else's

    response = _create(api_client, size=100)

    assert response.status_code == 409
    assert response.json()["code"] == "files.too_many_uploads"
    assert UploadSession.objects.filter(owner=owner).count() == 3


def test_a_part_while_another_is_being_received_is_409(api_client):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    upload = UploadSessionFactory(
        owner=owner, size_bytes=100, writing_until=timezone.now() + timedelta(minutes=1)
    )

    response = _patch(api_client, upload.pk, samples.PDF, offset=0)

    assert response.status_code == 409
    assert response.json()["code"] == "files.upload_busy"
    upload.refresh_from_db()
    assert upload.offset == 0


def test_a_lease_left_by_a_crashed_process_runs_out(api_client):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    upload = UploadSessionFactory(
        owner=owner, size_bytes=len(samples.PDF), writing_until=timezone.now() - timedelta(1)
    )

    response = _patch(api_client, upload.pk, samples.PDF, offset=0)

    assert response.status_code == 200
    assert response.json()["status"] == "completed"


def test_an_expired_upload_takes_no_more_parts(api_client):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    upload = UploadSessionFactory(owner=owner, expires_at=timezone.now() - timedelta(seconds=1))

    response = _patch(api_client, upload.pk, samples.PDF, offset=0)

    assert response.status_code == 410
    assert response.json()["code"] == "files.upload_expired"


def test_lost_staging_bytes_send_the_client_back_to_what_is_there(settings):
    owner = UserFactory()
    upload = UploadSessionFactory(owner=owner, size_bytes=2000, offset=1000)

    with pytest.raises(UploadOffsetMismatch) as raised:
        upload_append(actor=owner, upload=upload, offset=1000, stream=io.BytesIO(b"x"), length=1)

    assert raised.value.extra == {"offset": 0}
    upload.refresh_from_db()
    assert (upload.offset, upload.writing_until) == (0, None)


def test_cancelling_deletes_the_session_and_its_bytes(api_client, stored_blobs):
    owner = UserFactory()
    api_client.force_authenticate(owner)
    upload_id = _create(api_client, size=2 * MB).json()["id"]
    _patch(api_client, upload_id, _pdf(MB), offset=0)

    response = api_client.delete(_url(upload_id))

    assert response.status_code == 204
    assert UploadSession.objects.count() == 0
    assert stored_blobs() == []


def test_the_sweep_purges_expired_uploads_and_their_bytes(stored_blobs):
    now = timezone.now()
    expired = UploadSessionFactory(expires_at=now - timedelta(minutes=1), offset=10)
    staging.write_at(
        staging.staging_path(expired.pk), offset=0, stream=io.BytesIO(b"x" * 10), length=10
    )
    file = StoredFileFactory()
    completed = UploadSessionFactory(
        expires_at=now - timedelta(minutes=1), status=UploadStatus.COMPLETED, file=file
    )
    fresh = UploadSessionFactory(expires_at=now + timedelta(hours=1), offset=5)
    staging.write_at(
        staging.staging_path(fresh.pk), offset=0, stream=io.BytesIO(b"y" * 5), length=5
    )

    purged = upload_purge_expired(now=now)

    assert purged == 2
    assert list(UploadSession.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not staging.staging_path(expired.pk).exists()
    assert staging.staging_path(fresh.pk).read_bytes() == b"yyyyy"
    assert StoredFile.objects.get() == file
    assert completed.pk not in set(UploadSession.objects.values_list("pk", flat=True))


def test_the_purge_is_a_periodic_job() -> None:
    from config.celery import app
    from lifeline.files.tasks import purge_expired_uploads

    UploadSessionFactory(expires_at=timezone.now() - timedelta(minutes=1))
    entry = app.conf.beat_schedule["files.purge_expired_uploads"]

    assert entry == {"task": purge_expired_uploads.name, "schedule": 3600.0}
    assert purge_expired_uploads.apply().get() == 1
    assert UploadSession.objects.count() == 0
