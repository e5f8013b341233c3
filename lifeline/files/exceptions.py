"""Refusals raised by the files services; each has a stable `code` for API clients."""

from __future__ import annotations

# Titles are translated by the API error handler; gettext_noop only marks them for extraction.
from django.utils.translation import gettext_noop as _

from lifeline.core.exceptions import Conflict, DomainError


class FileEmpty(DomainError):
    code = "files.empty"
    title = _("The file is empty")
    http_status = 400


class FileTooLarge(DomainError):
    code = "files.too_large"
    title = _("The file is too large")
    http_status = 413


class FileTypeNotAllowed(DomainError):
    code = "files.type_not_allowed"
    title = _("This type of file is not allowed here")
    http_status = 400


class FileKindUnknown(DomainError):
    code = "files.kind_unknown"
    title = _("Unknown kind of file")
    http_status = 400


class FileAlreadyAttached(Conflict):
    code = "files.already_attached"
    title = _("The file is already attached to another object")


class FileDeleteForbidden(DomainError):
    code = "files.delete_forbidden"
    title = _("Only the owner may delete this file")
    http_status = 403


class FileKindNotResumable(DomainError):
    code = "files.kind_not_resumable"
    title = _("Files of this kind cannot be uploaded in parts")
    http_status = 400


class FilesNotAvailable(DomainError):
    code = "files.not_available"
    title = _("Some of the files were not found among your uploads")
    http_status = 400


class UploadTooMany(Conflict):
    code = "files.too_many_uploads"
    title = _("Too many unfinished uploads; finish or cancel one first")


class UploadOffsetMismatch(Conflict):
    code = "files.offset_mismatch"
    title = _("The part does not start where the upload stands")


class UploadBusy(Conflict):
    code = "files.upload_busy"
    title = _("Another part of this upload is being received")


class UploadNotOpen(Conflict):
    code = "files.upload_not_open"
    title = _("This upload is already finished")


class UploadExpired(DomainError):
    code = "files.upload_expired"
    title = _("This upload has expired; start again")
    http_status = 410


class UploadExceedsSize(DomainError):
    code = "files.upload_exceeds_size"
    title = _("The part goes beyond the declared size of the file")
    http_status = 400


class UploadChunkTooLarge(DomainError):
    code = "files.chunk_too_large"
    title = _("The part is too large")
    http_status = 413


class UploadChecksumMismatch(DomainError):
    code = "files.checksum_mismatch"
    title = _("The file received does not match its checksum")
    http_status = 400


class UploadChunkContentType(DomainError):
    code = "files.chunk_content_type"
    title = _("A part must be sent as application/offset+octet-stream")
    http_status = 415


class UploadOffsetRequired(DomainError):
    code = "files.offset_required"
    title = _("Upload-Offset and Content-Length must be whole numbers")
    http_status = 400
