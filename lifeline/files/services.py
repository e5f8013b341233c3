"""Every write to stored files: upload, attach, delete; plus the audited download open."""

from __future__ import annotations

import hashlib
import logging
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from lifeline.audit import services as audit
from lifeline.core.exceptions import NotFound
from lifeline.files import kinds
from lifeline.files.detection import detect_content_type
from lifeline.files.enums import FileKind
from lifeline.files.exceptions import (
    FileAlreadyAttached,
    FileDeleteForbidden,
    FileEmpty,
    FileKindUnknown,
    FileTooLarge,
    FileTypeNotAllowed,
)
from lifeline.files.images import image_reencode
from lifeline.files.models import StoredFile
from lifeline.files.names import display_name, storage_name_for
from lifeline.files.permissions import can_delete_file, is_medical

logger = logging.getLogger(__name__)


def file_upload(
    *,
    actor: Any,
    uploaded_file: File,
    kind: str,
    organization: Any | None = None,
    attach_to: models.Model | None = None,
    request: HttpRequest | None = None,
) -> StoredFile:
    """Check, clean and store an upload; return its metadata row.

    The size is checked against the kind's limit, the type is detected from the content and
    checked against the kind's allow-list, images are re-encoded without metadata. The blob is
    written under a random name, then the row is created and the upload audited; if anything
    fails after the write, the blob is deleted again, so a rejected upload stores nothing.
    (A rollback of an outer transaction the caller holds cannot be seen from here; callers
    should not wrap uploads in long transactions.)
    """
    if kind not in FileKind.values:
        raise FileKindUnknown()
    size = uploaded_file.size or 0
    if size <= 0:
        raise FileEmpty()
    limit = kinds.max_bytes(kind)
    if size > limit:
        raise FileTooLarge(extra={"max_bytes": limit})

    content_type = detect_content_type(uploaded_file)
    if content_type is None or content_type not in kinds.allowed_types(kind):
        raise FileTypeNotAllowed(
            # Lazy: the response is rendered in the request's language.
            detail=cast(
                str,
                format_lazy(
                    "{title}. {allowed}",
                    title=gettext_lazy(FileTypeNotAllowed.title),
                    allowed=format_lazy(
                        gettext_lazy("Allowed: {types}."), types=kinds.allowed_type_names(kind)
                    ),
                ),
            )
        )
    content: File = uploaded_file
    if content_type in kinds.IMAGE_TYPES:
        content = ContentFile(image_reencode(uploaded_file, content_type=content_type))
    sha256, size = _digest(content)
    original_name = display_name(uploaded_file.name, content_type=content_type)

    stored_name = default_storage.save(storage_name_for(kind=kind, now=timezone.now()), content)
    try:
        with transaction.atomic():
            file = StoredFile(
                owner=actor,
                organization=organization,
                kind=kind,
                content_type=content_type,
                size_bytes=size,
                sha256=sha256,
                original_name=original_name,
                storage_name=stored_name,
            )
            if attach_to is not None:
                _set_attachment(file, attach_to)
            file.save()
            audit.record(
                actor=actor,
                action="files.file_uploaded",
                target=file,
                organization=organization,
                request=request,
                metadata={"kind": kind, "content_type": content_type, "size_bytes": size},
            )
    except BaseException:
        default_storage.delete(stored_name)
        raise
    logger.info("files.file_uploaded", extra={"file_id": str(file.pk), "kind": kind})
    return file


def file_attach(*, file: StoredFile, obj: models.Model) -> StoredFile:
    """Attach `file` to `obj` (any model). Re-attaching to the same object is a no-op.

    The caller has already decided that the actor may attach this file (typically: the actor
    owns it and may write `obj`). Raises FileAlreadyAttached if it belongs to another object.
    """
    if file.is_deleted:
        raise NotFound()
    content_type = ContentType.objects.get_for_model(obj)
    if file.attached_type_id is not None:
        if file.attached_type_id == content_type.pk and file.attached_id == str(obj.pk):
            return file
        raise FileAlreadyAttached()
    _set_attachment(file, obj)
    file.save(update_fields=["attached_type", "attached_id", "updated_at"])
    return file


@transaction.atomic
def file_delete(*, actor: Any, file: StoredFile, request: HttpRequest | None = None) -> None:
    """Soft-delete the row and remove the blob from storage once the transaction commits.

    Only the owner may delete (FileDeleteForbidden otherwise). Deleting twice is a no-op.
    """
    if not can_delete_file(actor, file):
        raise FileDeleteForbidden()
    if file.is_deleted:
        return
    file.deleted_at = timezone.now()
    file.save(update_fields=["deleted_at", "updated_at"])
    audit.record(actor=actor, action="files.file_deleted", target=file, request=request)
    storage_name = file.storage_name
    transaction.on_commit(lambda: default_storage.delete(storage_name))


def file_download(*, actor: Any, file: StoredFile, request: HttpRequest | None = None) -> File:
    """Open the blob of a file the actor may view (the caller checked, via `file_get_for`).

    Downloads of files attached to medical data are audited. The caller closes the file
    (FileResponse does).
    """
    try:
        handle = default_storage.open(file.storage_name, "rb")
    except FileNotFoundError as exc:
        logger.error("files.blob_missing", extra={"file_id": str(file.pk)})
        raise NotFound() from exc
    if is_medical(file):
        # record_access is the audit trail's entry point for reads of medical data.
        record_access = getattr(audit, "record_access", audit.record)
        record_access(
            actor=actor,
            action="files.file_downloaded",
            target=file,
            request=request,
            metadata={"attached_type": file.attached_label, "attached_id": file.attached_id},
        )
    return handle


def _set_attachment(file: StoredFile, obj: models.Model) -> None:
    file.attached_type = ContentType.objects.get_for_model(obj)
    file.attached_id = str(obj.pk)


def _digest(content: File) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in content.chunks():
        digest.update(chunk)
        size += len(chunk)
    content.seek(0)
    return digest.hexdigest(), size
