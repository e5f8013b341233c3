"""Files of a request: BSO photos, expense receipts, call recordings, stored by the files
app (content-checked, random names, access-checked downloads)."""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.http import HttpRequest

from lifeline.access.enums import Role
from lifeline.fieldservice.exceptions import FieldServiceForbidden
from lifeline.fieldservice.models import RequestFile, ServiceRequest
from lifeline.fieldservice.permissions import STAFF_ROLES, roles_in
from lifeline.files.enums import FileKind
from lifeline.files.services import file_upload

KIND_BY_PURPOSE = {
    RequestFile.Purpose.BSO: FileKind.ATTACHMENT,
    RequestFile.Purpose.EXPENSE: FileKind.ATTACHMENT,
    RequestFile.Purpose.OTHER: FileKind.ATTACHMENT,
    RequestFile.Purpose.RECORDING: FileKind.CALL_RECORDING,
}


def request_file_add(
    *,
    actor: Any,
    request: ServiceRequest,
    uploaded_file: File,
    purpose: str,
    http_request: HttpRequest | None = None,
) -> RequestFile:
    """Attach an upload to a request the actor already loaded through `request_get_for`:
    its master or staff of the company. Recordings come from the telephony, not people."""
    roles = roles_in(actor, request.organization_id)
    is_own = Role.MASTER in roles and request.master_id == actor.pk
    if purpose == RequestFile.Purpose.RECORDING or not (is_own or roles & STAFF_ROLES):
        raise FieldServiceForbidden()
    stored = file_upload(
        actor=actor,
        uploaded_file=uploaded_file,
        kind=KIND_BY_PURPOSE[RequestFile.Purpose(purpose)],
        organization=request.organization,
        attach_to=request,
        request=http_request,
    )
    return RequestFile.objects.create(
        request=request, file=stored, purpose=purpose, uploaded_by=actor
    )
