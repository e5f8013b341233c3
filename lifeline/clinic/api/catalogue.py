"""REST endpoints of the drug and therapy catalogue (with the doctor's own note) and of
articles for patients."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.clinic.api.common import TAGS, request_user, require_clinician
from lifeline.clinic.api.serializers.catalogue import (
    ArticleCreateInput,
    ArticleFilterInput,
    ArticleOutput,
    ArticleUpdateInput,
    CatalogueFilterInput,
    CatalogueItemOutput,
    CatalogueNoteInput,
    CatalogueNoteOutput,
)
from lifeline.clinic.selectors.catalogue import (
    article_get_for,
    article_list_for,
    catalogue_item_get_for,
    catalogue_item_list_for,
)
from lifeline.clinic.services.catalogue import (
    article_create,
    article_delete,
    article_set_published,
    article_update,
    catalogue_note_set,
)
from lifeline.core.api.pagination import (
    TableLimitOffsetPagination,
    paginate,
)


# --- catalogue ---------------------------------------------------------------------------
class CatalogueListApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_catalogue_list",
        parameters=[CatalogueFilterInput],
        responses={200: CatalogueItemOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        require_clinician(request)
        filters = CatalogueFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        items = catalogue_item_list_for(
            actor=request_user(request), kind=data["kind"], query=data["q"], rule_id=data["rule_id"]
        )
        return Response(CatalogueItemOutput(items, many=True).data)


class CatalogueItemApi(APIView):
    @extend_schema(
        tags=TAGS, operation_id="clinic_catalogue_retrieve", responses={200: CatalogueItemOutput}
    )
    def get(self, request: Request, code: str) -> Response:
        require_clinician(request)
        item = catalogue_item_get_for(actor=request_user(request), code=code)
        return Response(CatalogueItemOutput(item).data)


class CatalogueNoteApi(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="clinic_catalogue_note_set",
        request=CatalogueNoteInput,
        responses={200: CatalogueNoteOutput},
    )
    def put(self, request: Request, code: str) -> Response:
        require_clinician(request)
        item = catalogue_item_get_for(actor=request_user(request), code=code)
        serializer = CatalogueNoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = catalogue_note_set(
            doctor=request_user(request), item=item, text=serializer.validated_data["text"]
        )
        return Response({"code": item.code, "text": note.text if note else ""})


# --- articles ----------------------------------------------------------------------------
class ArticleListApi(APIView):
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_article_list",
        parameters=[ArticleFilterInput],
        responses={200: ArticleOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        filters = ArticleFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginate(
            queryset=article_list_for(
                actor=request_user(request), include_drafts=filters.validated_data["drafts"]
            ),
            serializer_class=ArticleOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_article_create",
        request=ArticleCreateInput,
        responses={201: ArticleOutput, 403: OpenApiResponse(description="clinic.forbidden")},
    )
    def post(self, request: Request) -> Response:
        serializer = ArticleCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = article_create(actor=request_user(request), **serializer.validated_data)
        return Response(ArticleOutput(article).data, status=status.HTTP_201_CREATED)


class ArticleDetailApi(APIView):
    @extend_schema(
        tags=TAGS, operation_id="clinic_article_retrieve", responses={200: ArticleOutput}
    )
    def get(self, request: Request, article_id: UUID) -> Response:
        article = article_get_for(actor=request_user(request), article_id=article_id)
        return Response(ArticleOutput(article).data)

    @extend_schema(
        tags=TAGS,
        operation_id="clinic_article_update",
        request=ArticleUpdateInput,
        responses={200: ArticleOutput},
    )
    def patch(self, request: Request, article_id: UUID) -> Response:
        article = article_get_for(actor=request_user(request), article_id=article_id)
        serializer = ArticleUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = article_update(
            actor=request_user(request), article=article, **serializer.validated_data
        )
        return Response(ArticleOutput(article).data)

    @extend_schema(tags=TAGS, operation_id="clinic_article_delete", responses={204: None})
    def delete(self, request: Request, article_id: UUID) -> Response:
        article = article_get_for(actor=request_user(request), article_id=article_id)
        article_delete(actor=request_user(request), article=article)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ArticlePublishApi(APIView):
    published = True

    @extend_schema(tags=TAGS, request=None, responses={200: ArticleOutput})
    def post(self, request: Request, article_id: UUID) -> Response:
        article = article_get_for(actor=request_user(request), article_id=article_id)
        article = article_set_published(
            actor=request_user(request), article=article, published=self.published
        )
        return Response(ArticleOutput(article).data)


class ArticleUnpublishApi(ArticlePublishApi):
    published = False
