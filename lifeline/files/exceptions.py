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
