"""HTTP API of the file store. Downloads are streamed here; no public media URL exists."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.files import kinds, selectors, services
from lifeline.files.api.serializers import FileOutput, FileUploadInput
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
