"""Stored files: one metadata row per uploaded blob."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifeline.core.models import UUIDModel
from lifeline.files.enums import FileKind, UploadStatus


class StoredFile(UUIDModel):
    """An uploaded file: who owns it, what it really is, where its bytes live.

    `content_type` is the MIME type detected from the bytes (never the client's claim or the
    extension). `storage_name` is random (`<kind>/<yyyy>/<mm>/<uuid4 hex>`) and holds nothing
    the user typed; `original_name` is a sanitized copy of the client's file name, for display
    and for the download's Content-Disposition only. The file may be attached to one object of
    any module (`attached_to`), whose module decides who else may view it (see
    `permissions.register_access_rule`). Deleting is soft: `deleted_at` is set and the blob is
    removed from storage after commit.
    """

    owner = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="stored_files"
    )
    organization = models.ForeignKey(
        "access.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stored_files",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=FileKind.choices)
    content_type = models.CharField(_("content type"), max_length=127)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("original name"), max_length=255)
    storage_name = models.CharField(_("storage name"), max_length=255, unique=True)
    attached_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    attached_id = models.CharField(max_length=64, blank=True, default="")
    attached_to = GenericForeignKey("attached_type", "attached_id")
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["attached_type", "attached_id"]),
            models.Index(fields=["owner", "-created_at"]),
        ]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FileKind.values), name="storedfile_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(attached_type__isnull=True, attached_id="")
                    | (models.Q(attached_type__isnull=False) & ~models.Q(attached_id=""))
                ),
                name="storedfile_attachment_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def attached_label(self) -> str:
        """`app_label.model` of the attached object's model, or "" when unattached."""
        if self.attached_type_id is None:
            return ""
        content_type = ContentType.objects.get_for_id(self.attached_type_id)  # cached
        return f"{content_type.app_label}.{content_type.model}"


class UploadSession(UUIDModel):
    """A resumable upload: a file sent in chunks, each appended at the offset received so far.

    The bytes wait in a staging file (`files.uploads.staging_path`) until the last one arrives;
    then the whole file is checked like a one-request upload and becomes a `StoredFile`
    (`file`), or is refused (`REJECTED`, `error_code`) and its bytes deleted. `writing_until`
    is a short lease taken by the request that is appending, so two requests never write the
    same session at once; a lease left by a crashed process simply runs out. Sessions past
    `expires_at` (extended by every chunk) are purged with their staging files.
    """

    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, choices=FileKind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    size_bytes = models.PositiveBigIntegerField(_("declared size in bytes"))
    sha256 = models.CharField(_("declared SHA-256"), max_length=64, blank=True, default="")
    offset = models.PositiveBigIntegerField(_("bytes received"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=UploadStatus.choices, default=UploadStatus.OPEN
    )
    error_code = models.CharField(_("error code"), max_length=64, blank=True, default="")
    expires_at = models.DateTimeField(_("expires at"))
    writing_until = models.DateTimeField(null=True, blank=True)
    file = models.OneToOneField(
        StoredFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("upload session")
        verbose_name_plural = _("upload sessions")
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["expires_at"]),
            models.Index(fields=["owner", "status"]),
        ]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(offset__lte=models.F("size_bytes")),
                name="uploadsession_offset_within_size",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=FileKind.values), name="uploadsession_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"upload {self.pk} {self.offset}/{self.size_bytes}"
