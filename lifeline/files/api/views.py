"""HTTP API of the file store. Downloads are streamed here; no public media URL exists."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.files import kinds, selectors, services
from lifeline.files.api.serializers import (
    FileOutput,
    FileUploadInput,
    UploadCreateInput,
    UploadOutput,
)
from lifeline.files.exceptions import UploadChunkContentType, UploadOffsetRequired
from lifeline.files.models import UploadSession
from lifeline.files.names import content_disposition


class _IgnoreAcceptNegotiation(BaseContentNegotiation):
    """Downloads answer with the file's own type whatever `Accept` says (media elements send
    `image/*` or `audio/*`); errors still leave as problem+json."""

    def select_parser(self, request, parsers):  # type: ignore[no-untyped-def]
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        return (renderers[0], renderers[0].media_type)


class FileUploadApi(APIView):
    parser_classes = (MultiPartParser, FormParser)

    @extend_schema(
        operation_id="files_file_upload",
        request={"multipart/form-data": FileUploadInput},
        responses={
            201: FileOutput,
            400: OpenApiResponse(description="files.empty, files.type_not_allowed, invalid"),
            413: OpenApiResponse(description="files.too_large"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = FileUploadInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        file = services.file_upload(
            actor=request.user,
            uploaded_file=serializer.validated_data["file"],
            kind=serializer.validated_data["kind"],
            request=request._request,
        )
        return Response(
            FileOutput(file, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class FileDetailApi(APIView):
    @extend_schema(operation_id="files_file_retrieve", responses={200: FileOutput})
    def get(self, request: Request, file_id: UUID) -> Response:
        file = selectors.file_get_for(actor=request.user, file_id=file_id)
        return Response(FileOutput(file, context={"request": request}).data)

    @extend_schema(
        operation_id="files_file_delete",
        responses={204: None, 403: OpenApiResponse(description="files.delete_forbidden")},
    )
    def delete(self, request: Request, file_id: UUID) -> Response:
        file = selectors.file_get_for(actor=request.user, file_id=file_id)
        services.file_delete(actor=request.user, file=file, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FileDownloadApi(APIView):
    content_negotiation_class = _IgnoreAcceptNegotiation

    @extend_schema(
        operation_id="files_file_download",
        parameters=[
            OpenApiParameter(
                "inline",
                OpenApiTypes.BOOL,
                description="Ask for `inline` disposition (images, audio and PDF only).",
            )
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, file_id: UUID) -> FileResponse:
        file = selectors.file_get_for(actor=request.user, file_id=file_id)
        handle = services.file_download(actor=request.user, file=file, request=request._request)
        inline = (
            request.query_params.get("inline") in ("1", "true")
            and file.content_type in kinds.INLINE_TYPES
        )
        response = FileResponse(handle, content_type=file.content_type)
        response["Content-Disposition"] = content_disposition(file.original_name, inline=inline)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- resumable uploads (modelled on tus 1.0 core: PATCH at Upload-Offset, HEAD to resume) ---

CHUNK_CONTENT_TYPE = "application/offset+octet-stream"


def _offset_headers(upload: UploadSession) -> dict[str, str]:
    return {
        "Upload-Offset": str(upload.offset),
        "Upload-Length": str(upload.size_bytes),
        "Cache-Control": "no-store",
    }


def _header_int(request: Request, name: str) -> int:
    raw = request.headers.get(name, "")
    if not raw.isdigit():
        raise UploadOffsetRequired(errors={name: [UploadOffsetRequired.title]})
    return int(raw)


UPLOAD_ERRORS = {
    400: OpenApiResponse(
        description="files.upload_exceeds_size, files.type_not_allowed, files.checksum_mismatch,"
        " files.offset_required, files.empty, files.kind_not_resumable, invalid"
    ),
    404: OpenApiResponse(description="not_found: no such upload of yours"),
    409: OpenApiResponse(
        description="files.offset_mismatch (body `offset`: where the upload stands), "
        "files.upload_busy, files.upload_not_open, files.too_many_uploads"
    ),
    410: OpenApiResponse(description="files.upload_expired"),
    413: OpenApiResponse(description="files.too_large (body `max_bytes`), files.chunk_too_large"),
    415: OpenApiResponse(description="files.chunk_content_type"),
}


class UploadCreateApi(APIView):
    @extend_schema(
        operation_id="files_upload_create",
        request=UploadCreateInput,
        responses={201: UploadOutput, **UPLOAD_ERRORS},
        description="Open a resumable upload of a kind that takes them (`deliverable`); send "
        "the bytes with PATCH to the returned `Location`.",
    )
    def post(self, request: Request) -> Response:
        serializer = UploadCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = services.upload_create(
            actor=request.user,
            kind=data["kind"],
            filename=data["filename"],
            size_bytes=data["size_bytes"],
            sha256=data["sha256"],
        )
        location = reverse("files:upload-detail", kwargs={"upload_id": upload.pk})
        return Response(
            UploadOutput(upload, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location, **_offset_headers(upload)},
        )


class UploadDetailApi(APIView):
    @extend_schema(
        operation_id="files_upload_retrieve",
        responses={200: UploadOutput, 404: UPLOAD_ERRORS[404]},
        description="The upload and where it stands. HEAD on the same address answers only "
        "the headers `Upload-Offset` and `Upload-Length`: a client resumes from that offset.",
    )
    def get(self, request: Request, upload_id: UUID) -> Response:
        upload = selectors.upload_get_for(actor=request.user, upload_id=upload_id)
        return Response(
            UploadOutput(upload, context={"request": request}).data,
            headers=_offset_headers(upload),
        )

    def head(self, request: Request, upload_id: UUID) -> Response:
        """Where the upload stands (`Upload-Offset`), without a body: resume from there."""
        upload = selectors.upload_get_for(actor=request.user, upload_id=upload_id)
        return Response(status=status.HTTP_200_OK, headers=_offset_headers(upload))

    @extend_schema(
        operation_id="files_upload_append",
        request={CHUNK_CONTENT_TYPE: OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter(
                "Upload-Offset",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                required=True,
                description="Where this part starts: the upload's current `offset`.",
            )
        ],
        responses={200: UploadOutput, **UPLOAD_ERRORS},
        description="Append the next part (at most `max_chunk_bytes`). With the last byte the "
        "file is checked like a one-request upload and the response carries it in `file`.",
    )
    def patch(self, request: Request, upload_id: UUID) -> Response:
        upload = selectors.upload_get_for(actor=request.user, upload_id=upload_id)
        if request.content_type.split(";")[0].strip().lower() != CHUNK_CONTENT_TYPE:
            raise UploadChunkContentType()
        offset = _header_int(request, "Upload-Offset")
        length = _header_int(request, "Content-Length")
        # The body is read from the request stream in small pieces (never request.body or
        # request.data), so a part is not held in memory whole.
        upload = services.upload_append(
            actor=request.user,
            upload=upload,
            offset=offset,
            stream=request._request,
            length=length,
            request=request._request,
        )
        return Response(
            UploadOutput(upload, context={"request": request}).data,
            headers=_offset_headers(upload),
        )

    @extend_schema(
        operation_id="files_upload_delete",
        responses={204: None, 404: UPLOAD_ERRORS[404], 409: UPLOAD_ERRORS[409]},
    )
    def delete(self, request: Request, upload_id: UUID) -> Response:
        upload = selectors.upload_get_for(actor=request.user, upload_id=upload_id)
        services.upload_abort(actor=request.user, upload=upload)
        return Response(status=status.HTTP_204_NO_CONTENT)
