from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from lifeline.audit.models import AuditEvent
from lifeline.files import services
from lifeline.files.enums import FileKind
from lifeline.files.exceptions import (
    FileAlreadyAttached,
    FileDeleteForbidden,
    FileEmpty,
    FileKindUnknown,
    FileTooLarge,
    FileTypeNotAllowed,
)
from lifeline.files.models import StoredFile
from lifeline.files.services import file_attach, file_delete, file_upload
from lifeline.files.tests import samples
from lifeline.files.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    StoredFileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _upload(content: bytes, name: str, kind: str, **kwargs):
    actor = kwargs.pop("actor", None) or UserFactory()
    return file_upload(
        actor=actor, uploaded_file=SimpleUploadedFile(name, content), kind=kind, **kwargs
    )


def _stored_bytes(file: StoredFile) -> bytes:
    with default_storage.open(file.storage_name, "rb") as handle:
        return handle.read()


@pytest.mark.parametrize(
    ("kind", "name", "content", "content_type", "original_name"),
    [
        (FileKind.DOCUMENT, "report.pdf", samples.PDF, "application/pdf", "report.pdf"),
        (
            FileKind.DOCUMENT,
            "letter.docx",
            samples.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "letter.docx",
        ),
        (
            FileKind.DOCUMENT,
            "letter.odt",
            samples.odt(),
            "application/vnd.oasis.opendocument.text",
            "letter.odt",
        ),
        (FileKind.ATTACHMENT, "scan.pdf", samples.PDF, "application/pdf", "scan.pdf"),
        (FileKind.VOICE, "voice.ogg", samples.ogg_opus(), "audio/ogg", "voice.ogg"),
        (FileKind.VOICE, "voice.wav", samples.wav(), "audio/wav", "voice.wav"),
        (FileKind.CALL_RECORDING, "call.mp3", samples.MP3, "audio/mpeg", "call.mp3"),
    ],
)
def test_non_image_upload_is_stored_as_is(kind, name, content, content_type, original_name):
    owner = UserFactory()

    file = _upload(content, name, kind, actor=owner)

    file.refresh_from_db()
    assert file.owner == owner
    assert file.kind == kind
    assert file.content_type == content_type
    assert file.size_bytes == len(content)
    assert file.sha256 == hashlib.sha256(content).hexdigest()
    assert file.original_name == original_name
    assert _stored_bytes(file) == content
    assert file.deleted_at is None


def test_storage_name_is_random_and_holds_nothing_the_user_typed(stored_blobs, media_root):
    file = _upload(samples.PDF, "Ivanov diagnosis.pdf", FileKind.DOCUMENT)

    now = timezone.now()
    assert re.fullmatch(rf"document/{now:%Y}/{now:%m}/[0-9a-f]{{32}}", file.storage_name)
    assert "Ivanov" not in file.storage_name
    assert stored_blobs() == [media_root / file.storage_name]


@pytest.mark.parametrize(
    ("builder", "content_type", "pil_format"),
    [
        (samples.jpeg, "image/jpeg", "JPEG"),
        (samples.png, "image/png", "PNG"),
        (samples.webp, "image/webp", "WEBP"),
    ],
)
def test_image_is_reencoded_without_metadata(builder, content_type, pil_format):
    original = builder()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825) != {}  # the sample really carries GPS

    file = _upload(original, "photo", FileKind.IMAGE)

    stored = _stored_bytes(file)
    assert file.content_type == content_type
    assert file.size_bytes == len(stored)
    assert file.sha256 == hashlib.sha256(stored).hexdigest()
    assert b"Phone maker" not in stored
    assert b"Ivanov" not in stored
    with Image.open(io.BytesIO(stored)) as after:
        assert after.format == pil_format
        assert dict(after.getexif()) == {}
        assert "exif" not in after.info
        assert "Comment" not in after.info
        assert "comment" not in after.info
        assert after.size == (4, 2)


def test_exif_orientation_is_applied_before_it_is_stripped():
    # Orientation 6: the camera was held sideways; viewers rotate 90 degrees clockwise.
    file = _upload(samples.jpeg(size=(4, 2), orientation=6), "p.jpg", FileKind.IMAGE)

    with Image.open(io.BytesIO(_stored_bytes(file))) as after:
        assert after.size == (2, 4)
        assert dict(after.getexif()) == {}


def test_png_named_pdf_is_stored_as_png_when_the_kind_allows_images():
    file = _upload(samples.png(), "scan.pdf", FileKind.ATTACHMENT)

    assert file.content_type == "image/png"
    assert file.original_name == "scan.png"


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (samples.png(), "scan.pdf", FileKind.DOCUMENT),
        (samples.EXE, "photo.jpg", FileKind.IMAGE),
        (samples.EXE, "photo.jpg", FileKind.ATTACHMENT),
        (samples.HTML, "page.pdf", FileKind.DOCUMENT),
        (samples.SVG, "logo.png", FileKind.IMAGE),
        (samples.PDF, "voice.ogg", FileKind.VOICE),
        (samples.wav(), "photo.png", FileKind.IMAGE),
        (samples.docx(with_macros=True), "letter.docx", FileKind.DOCUMENT),
        (samples.plain_zip(), "letter.docx", FileKind.DOCUMENT),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "broken.png", FileKind.IMAGE),
    ],
)
def test_disallowed_or_fake_content_is_refused_and_nothing_is_stored(
    content, name, kind, stored_blobs
):
    with pytest.raises(FileTypeNotAllowed) as excinfo:
        _upload(content, name, kind)

    assert excinfo.value.code == "files.type_not_allowed"
    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []
    assert AuditEvent.objects.filter(action="files.file_uploaded").count() == 0


def test_too_large_upload_is_refused_and_nothing_is_stored(settings, stored_blobs):
    settings.LIFELINE_UPLOAD_MAX_BYTES = {"document": len(samples.PDF) - 1}

    with pytest.raises(FileTooLarge) as excinfo:
        _upload(samples.PDF, "report.pdf", FileKind.DOCUMENT)

    assert excinfo.value.code == "files.too_large"
    assert excinfo.value.http_status == 413
    assert excinfo.value.extra == {"max_bytes": len(samples.PDF) - 1}
    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []


def test_size_limits_default_per_kind():
    from lifeline.files.kinds import max_bytes

    assert max_bytes(FileKind.IMAGE) == 10 * 1024 * 1024
    assert max_bytes(FileKind.VOICE) == 20 * 1024 * 1024
    assert max_bytes(FileKind.CALL_RECORDING) == 100 * 1024 * 1024


def test_image_over_the_pixel_limit_is_refused(settings, stored_blobs):
    settings.LIFELINE_UPLOAD_MAX_IMAGE_PIXELS = 100

    with pytest.raises(FileTypeNotAllowed):
        _upload(samples.png(size=(20, 20)), "bomb.png", FileKind.IMAGE)

    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []


def test_empty_upload_is_refused():
    with pytest.raises(FileEmpty) as excinfo:
        _upload(b"", "empty.pdf", FileKind.DOCUMENT)

    assert excinfo.value.code == "files.empty"
    assert StoredFile.objects.count() == 0


def test_unknown_kind_is_refused():
    with pytest.raises(FileKindUnknown):
        _upload(samples.PDF, "report.pdf", "video")


def test_failure_after_the_storage_write_removes_the_blob(monkeypatch, stored_blobs):
    def broken_record(**kwargs):
        raise RuntimeError("audit is down")

    monkeypatch.setattr(services.audit, "record", broken_record)

    with pytest.raises(RuntimeError):
        _upload(samples.PDF, "report.pdf", FileKind.DOCUMENT)

    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []


def test_upload_is_audited_without_the_file_name():
    owner = UserFactory()
    organization = OrganizationFactory()

    file = _upload(
        samples.PDF, "hiv-test.pdf", FileKind.DOCUMENT, actor=owner, organization=organization
    )

    event = AuditEvent.objects.get(action="files.file_uploaded")
    assert event.actor_id == str(owner.pk)
    assert event.target_type == "files.storedfile"
    assert event.target_id == str(file.pk)
    assert event.organization_id == str(organization.pk)
    assert event.metadata == {
        "kind": "document",
        "content_type": "application/pdf",
        "size_bytes": len(samples.PDF),
    }
    assert "hiv" not in str(event.metadata)


def test_upload_can_attach_to_an_object():
    membership = MembershipFactory()

    file = _upload(samples.PDF, "r.pdf", FileKind.DOCUMENT, attach_to=membership)

    file.refresh_from_db()
    assert file.attached_to == membership
    assert file.attached_label == "access.membership"


def test_attach_is_idempotent_for_the_same_object_and_refuses_another():
    file = StoredFileFactory()
    first, second = MembershipFactory(), MembershipFactory()

    file_attach(file=file, obj=first)
    file_attach(file=file, obj=first)
    with pytest.raises(FileAlreadyAttached):
        file_attach(file=file, obj=second)

    file.refresh_from_db()
    assert file.attached_id == str(first.pk)


def test_owner_delete_is_soft_and_removes_the_blob_after_commit(
    django_capture_on_commit_callbacks, stored_blobs
):
    file = StoredFileFactory()
    assert len(stored_blobs()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        file_delete(actor=file.owner, file=file)

    file.refresh_from_db()
    assert file.deleted_at is not None
    assert stored_blobs() == []
    assert AuditEvent.objects.filter(action="files.file_deleted").count() == 1


def test_only_the_owner_may_delete(stored_blobs):
    file = StoredFileFactory()
    other = UserFactory()

    with pytest.raises(FileDeleteForbidden):
        file_delete(actor=other, file=file)

    file.refresh_from_db()
    assert file.deleted_at is None
    assert len(stored_blobs()) == 1
