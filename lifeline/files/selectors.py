"""Reads of stored files, always scoped by the actor."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from lifeline.core.exceptions import NotFound
from lifeline.core.selectors import get_or_not_found
from lifeline.files.models import StoredFile, UploadSession
from lifeline.files.permissions import can_view_file


def file_get_for(*, actor: Any, file_id: UUID | str) -> StoredFile:
    """Return the live file if `actor` may view it; otherwise raise NotFound (never 403)."""
    file = get_or_not_found(StoredFile.objects.filter(deleted_at__isnull=True), pk=file_id)
    if not can_view_file(actor, file):
        raise NotFound()
    return file


def upload_get_for(*, actor: Any, upload_id: UUID | str) -> UploadSession:
    """Return the actor's own upload session; anyone else's is NotFound (uploads are private
    until they become files)."""
    uploads = UploadSession.objects.filter(owner_id=getattr(actor, "pk", None))
    return get_or_not_found(uploads.select_related("file"), pk=upload_id)
