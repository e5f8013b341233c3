"""Every write to stored files: upload, attach, delete; plus the audited download open."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
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
from lifeline.core.exceptions import DomainError, NotFound
from lifeline.files import conf, kinds, staging
from lifeline.files.detection import detect_content_type
from lifeline.files.enums import FileKind, UploadStatus
from lifeline.files.exceptions import (
    FileAlreadyAttached,
    FileDeleteForbidden,
    FileEmpty,
    FileKindNotResumable,
    FileKindUnknown,
    FilesNotAvailable,
    FileTooLarge,
    FileTypeNotAllowed,
    UploadBusy,
    UploadChecksumMismatch,
    UploadChunkTooLarge,
    UploadExceedsSize,
    UploadExpired,
    UploadNotOpen,
    UploadOffsetMismatch,
    UploadTooMany,
)
from lifeline.files.images import image_reencode
from lifeline.files.models import StoredFile, UploadSession
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

    return _store_checked(
        actor=actor,
        content=uploaded_file,
        kind=kind,
        organization=organization,
        attach_to=attach_to,
        request=request,
    )


def _store_checked(
    *,
    actor: Any,
    content: File,
    kind: str,
    organization: Any | None = None,
    attach_to: models.Model | None = None,
    request: HttpRequest | None = None,
    known_digest: tuple[str, int] | None = None,
    in_transaction: Callable[[StoredFile], None] | None = None,
) -> StoredFile:
    """The checks and the storing every upload goes through, one request or resumable.

    `known_digest` (SHA-256, size) of `content` spares a second read of a large file;
    `in_transaction(file)` runs inside the transaction that creates the row, so a caller's own
    bookkeeping commits with it or the blob is deleted again.
    """
    content_type = detect_content_type(content)
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
    original_name = display_name(content.name, content_type=content_type)
    if content_type in kinds.IMAGE_TYPES:
        content = ContentFile(image_reencode(content, content_type=content_type))
        known_digest = None
    sha256, size = known_digest or _digest(content)

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
            if in_transaction is not None:
                in_transaction(file)
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


def file_attach_owned(
    *,
    actor: Any,
    file_ids: Iterable[Any],
    obj: models.Model,
    allowed_kinds: Iterable[str] | None = None,
    organization: Any | None = None,
) -> list[StoredFile]:
    """Attach files the actor uploaded earlier (e.g. by resumable upload) to `obj`.

    Each id must name a live file the actor owns (of `allowed_kinds`, when given), else
    FilesNotAvailable (400, field `file_ids`) and nothing is attached; a file attached to
    another object is FileAlreadyAttached (409). The rows are locked, so two requests cannot
    both take a file: the caller must hold a transaction (the one that records `obj`'s change).
    Files without an organization get `organization`, like files uploaded for `obj`.
    """
    wanted: list[uuid.UUID] = []
    for raw in file_ids:
        try:
            file_id = raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
        except ValueError:
            raise FilesNotAvailable(errors={"file_ids": [FilesNotAvailable.title]}) from None
        if file_id not in wanted:
            wanted.append(file_id)
    if not wanted:
        return []
    found = StoredFile.objects.select_for_update().filter(
        pk__in=wanted, owner=actor, deleted_at__isnull=True
    )
    if allowed_kinds is not None:
        found = found.filter(kind__in=list(allowed_kinds))
    files = list(found.order_by("pk"))
    if len(files) != len(wanted):
        raise FilesNotAvailable(errors={"file_ids": [FilesNotAvailable.title]})
    for file in files:
        file_attach(file=file, obj=obj)
        if organization is not None and file.organization_id is None:
            file.organization = organization
            file.save(update_fields=["organization", "updated_at"])
    by_id = {file.pk: file for file in files}
    return [by_id[file_id] for file_id in wanted]


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


# --- resumable uploads ----------------------------------------------------------------------


def upload_create(
    *,
    actor: Any,
    kind: str,
    filename: str,
    size_bytes: int,
    sha256: str = "",
    now: datetime | None = None,
) -> UploadSession:
    """Open a resumable upload of `size_bytes` bytes; parts follow with `upload_append`.

    Only kinds with a resumable limit take them (FileKindNotResumable); the declared size is
    checked against that limit now (FileTooLarge, 413), so nothing larger is ever received.
    One person has at most `conf.max_open_sessions()` unfinished uploads (UploadTooMany).
    """
    if kind not in FileKind.values:
        raise FileKindUnknown()
    limit = kinds.resumable_max_bytes(kind)
    if limit is None:
        raise FileKindNotResumable(errors={"kind": [FileKindNotResumable.title]})
    if size_bytes <= 0:
        raise FileEmpty()
    if size_bytes > limit:
        raise FileTooLarge(extra={"max_bytes": limit})
    now = now or timezone.now()
    with transaction.atomic():
        unfinished = UploadSession.objects.filter(
            owner=actor, status=UploadStatus.OPEN, expires_at__gt=now
        ).count()
        if unfinished >= conf.max_open_sessions():
            raise UploadTooMany()
        upload = UploadSession.objects.create(
            owner=actor,
            kind=kind,
            filename=display_name(filename, content_type=""),
            size_bytes=size_bytes,
            sha256=sha256.lower(),
            expires_at=now + conf.session_lifetime(),
        )
    logger.info("files.upload_created", extra={"upload_id": str(upload.pk), "kind": kind})
    return upload


def upload_append(
    *,
    actor: Any,
    upload: UploadSession,
    offset: int,
    stream: staging.Readable,
    length: int,
    request: HttpRequest | None = None,
) -> UploadSession:
    """Write the next part (`length` bytes of `stream`) at `offset`; return the session.

    `offset` must be where the upload stands (UploadOffsetMismatch, 409, says where) and the
    part must end within the declared size (UploadExceedsSize, 400) and within the part limit
    (UploadChunkTooLarge, 413). The part is streamed to the staging file under a lease, with
    no transaction open, so a slow client holds no lock. If the stream breaks off, the bytes
    received are kept and counted. With the last byte the file is checked like a one-request
    upload (type from the content, the declared SHA-256) and becomes a StoredFile owned by
    `actor` (status COMPLETED), or is refused (REJECTED, its bytes deleted, the error raised).
    """
    limit = conf.chunk_max_bytes()
    if length > limit:
        raise UploadChunkTooLarge(extra={"max_bytes": limit})
    now = timezone.now()
    _check_appendable(upload, offset=offset, length=length, now=now)
    leased = (
        UploadSession.objects.filter(pk=upload.pk, status=UploadStatus.OPEN, offset=offset)
        .filter(models.Q(writing_until__isnull=True) | models.Q(writing_until__lt=now))
        .update(writing_until=now + conf.WRITE_LEASE, updated_at=now)
    )
    if not leased:
        upload.refresh_from_db()
        _check_appendable(upload, offset=offset, length=length, now=now)
        raise UploadBusy()
    path = staging.staging_path(upload.pk)
    try:
        received = path.stat().st_size if path.exists() else 0
        if received < offset:
            # The staging bytes were lost (a purge, another disk): start again from what is
            # really there rather than leave a hole of zeros in the file.
            _release(upload, offset=received)
            raise UploadOffsetMismatch(extra={"offset": received})
        written = staging.write_at(path, offset=offset, stream=stream, length=length)
    except BaseException:
        _release(upload)
        raise
    upload.offset = offset + written
    if upload.offset < upload.size_bytes:
        _release(upload, offset=upload.offset)
        return upload
    return _upload_finish(actor=actor, upload=upload, request=request)


def _check_appendable(upload: UploadSession, *, offset: int, length: int, now: datetime) -> None:
    if upload.status != UploadStatus.OPEN:
        raise UploadNotOpen()
    if upload.expires_at <= now:
        raise UploadExpired()
    if offset != upload.offset:
        raise UploadOffsetMismatch(extra={"offset": upload.offset})
    if offset + length > upload.size_bytes:
        raise UploadExceedsSize(extra={"offset": upload.offset, "size_bytes": upload.size_bytes})


def _release(upload: UploadSession, *, offset: int | None = None, **fields: Any) -> None:
    """End the write lease; with `offset`, record the bytes received (and extend the life)."""
    now = timezone.now()
    values: dict[str, Any] = {"writing_until": None, "updated_at": now, **fields}
    if offset is not None:
        values["offset"] = offset
        values["expires_at"] = now + conf.session_lifetime()
    UploadSession.objects.filter(pk=upload.pk).update(**values)
    for name, value in values.items():
        setattr(upload, name, value)


def _upload_finish(
    *, actor: Any, upload: UploadSession, request: HttpRequest | None
) -> UploadSession:
    path = staging.staging_path(upload.pk)
    try:
        staged = staging.StagedFile(path, name=upload.filename)
        try:
            digest = _digest(staged)
            if upload.sha256 and digest[0] != upload.sha256:
                raise UploadChecksumMismatch()

            def complete(file: StoredFile) -> None:
                _release(upload, offset=upload.size_bytes, status=UploadStatus.COMPLETED, file=file)

            _store_checked(
                actor=actor,
                content=staged,
                kind=upload.kind,
                request=request,
                known_digest=digest,
                in_transaction=complete,
            )
        finally:
            staged.close()
    except DomainError as exc:
        staging.remove(path)
        _release(
            upload, offset=upload.size_bytes, status=UploadStatus.REJECTED, error_code=exc.code
        )
        logger.info("files.upload_rejected", extra={"upload_id": str(upload.pk), "code": exc.code})
        raise
    except BaseException:
        # Not the file's fault (storage, database): the last part is not counted, so the
        # client sends it again and the check runs again.
        _release(upload)
        raise
    staging.remove(path)  # left behind when the storage copied instead of moving it
    return upload


def upload_abort(*, actor: Any, upload: UploadSession) -> None:
    """Cancel an upload: the session and its received bytes go (a completed upload's file
    stays). Refused while a part is being received (UploadBusy)."""
    now = timezone.now()
    deleted, _ = (
        UploadSession.objects.filter(pk=upload.pk)
        .filter(models.Q(writing_until__isnull=True) | models.Q(writing_until__lt=now))
        .delete()
    )
    if not deleted:
        raise UploadBusy()
    staging.remove(staging.staging_path(upload.pk))


def upload_purge_expired(*, now: datetime | None = None) -> int:
    """Delete sessions past their expiry and their staging files; return how many.

    Completed sessions only lose their row (the file is a StoredFile by then). A session
    being written to is left for the next sweep.
    """
    now = now or timezone.now()
    expired = UploadSession.objects.filter(expires_at__lte=now).filter(
        models.Q(writing_until__isnull=True) | models.Q(writing_until__lt=now)
    )
    ids = list(expired.values_list("pk", flat=True))
    count, _ = expired.filter(pk__in=ids).delete()
    for upload_id in ids:
        if not UploadSession.objects.filter(pk=upload_id).exists():
            staging.remove(staging.staging_path(upload_id))
    if count:
        logger.info("files.uploads_purged", extra={"count": count})
    return count


# --- files never attached -------------------------------------------------------------------


def _references() -> list[tuple[type[models.Model], str]]:
    """Every (model, column) of any module that points at a stored file: a file one of them
    points at is in use even when it is not `attached_to` anything (e.g. a mailed call
    recording waiting for its service request). Upload sessions are the upload's own
    bookkeeping and do not count."""
    found: list[tuple[type[models.Model], str]] = []
    for relation in StoredFile._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel):
            continue  # StoredFile's own fields
        if isinstance(relation, models.ManyToManyRel):
            through = cast(type[models.Model], relation.through)
            found += [
                (through, field.attname)
                for field in through._meta.concrete_fields
                if field.related_model is StoredFile
            ]
        elif relation.related_model is not UploadSession:
            found.append((cast(type[models.Model], relation.related_model), relation.field.attname))
    return found


def file_purge_unattached(*, now: datetime | None = None, batch: int = 500) -> int:
    """Delete files uploaded more than `conf.unattached_lifetime()` ago (24 h by default) that
    are attached to nothing and that no module's row points at; rows and bytes. Returns how
    many.

    Each batch runs in one transaction that first locks its rows (skipping rows another
    transaction holds: an attach in progress), checks them again under the lock, then deletes
    them; bytes are removed after commit. A file attached, or pointed at, in the meantime is
    therefore never deleted: an attach waits for the lock and then finds the file gone
    (FilesNotAvailable), and the database refuses a reference to a deleted row. Each file is
    audited (`files.file_purged`: kind, type, size, no name) by the system.
    """
    now = now or timezone.now()
    cutoff = now - conf.unattached_lifetime()
    candidates = StoredFile.objects.filter(
        attached_type__isnull=True, deleted_at__isnull=True, created_at__lt=cutoff
    )
    references = _references()
    purged = 0
    after: tuple[datetime, Any] | None = None
    while True:
        page = candidates.order_by("created_at", "pk")
        if after is not None:
            page = page.filter(
                models.Q(created_at__gt=after[0]) | models.Q(created_at=after[0], pk__gt=after[1])
            )
        keys = list(page.values_list("created_at", "pk")[:batch])
        if not keys:
            break
        after = keys[-1]
        purged += _purge_unattached_batch(
            candidates.filter(pk__in=[pk for _created, pk in keys]), references, now=now
        )
        if len(keys) < batch:
            break
    if purged:
        logger.info("files.unattached_purged", extra={"count": purged})
    return purged


def _purge_unattached_batch(
    batch: models.QuerySet[StoredFile],
    references: list[tuple[type[models.Model], str]],
    *,
    now: datetime,
) -> int:
    with transaction.atomic():
        files = list(batch.select_for_update(skip_locked=True).order_by("pk"))
        used: set[Any] = set()
        for model, column in references:
            used.update(
                model._base_manager.filter(**{f"{column}__in": [f.pk for f in files]})
                .values_list(column, flat=True)
                .distinct()
            )
        files = [f for f in files if f.pk not in used]
        if not files:
            return 0
        for file in files:
            audit.record(
                actor=None,
                action="files.file_purged",
                target=file,
                metadata={
                    "reason": "unattached",
                    "kind": file.kind,
                    "content_type": file.content_type,
                    "size_bytes": file.size_bytes,
                    "age_hours": int((now - file.created_at).total_seconds() // 3600),
                },
            )
        StoredFile.objects.filter(pk__in=[f.pk for f in files]).delete()
        names = [f.storage_name for f in files]
        transaction.on_commit(lambda: _delete_blobs(names))
    return len(files)


def _delete_blobs(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # the row is gone; a blob left behind is only disk space
            logger.warning("files.blob_delete_failed", extra={"storage_name": name})
