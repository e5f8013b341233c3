"""The market API: one APIView per operation, reading through selectors and writing
through services. Objects outside the caller's scope are 404."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.core.api.pagination import (
    CreatedCursorPagination,
    TableLimitOffsetPagination,
    paginate,
)
from lifeline.core.exceptions import NotFound
from lifeline.market import conf, selectors
from lifeline.market.api import serializers as s
from lifeline.market.exceptions import MarketForbidden, NotASeller
from lifeline.market.permissions import is_moderator, is_seller
from lifeline.market.services import cart as cart_services
from lifeline.market.services import images as image_services
from lifeline.market.services import orders as order_services
from lifeline.market.services import products as product_services
from lifeline.market.services import reviews as review_services
from lifeline.market.services import variants as variant_services
from lifeline.market.services import wishlists as wishlist_services

TAGS_CATALOGUE = ["market: catalogue"]
TAGS_SELLING = ["market: selling"]
TAGS_BUYING = ["market: buying"]
TAGS_WISHLISTS = ["market: wish lists"]

FILTER_PARAMETERS = [
    OpenApiParameter("category", str, description="Category slug (its subcategories too)."),
    OpenApiParameter("city", str),
    OpenApiParameter("condition", str, enum=["new", "used", "refurbished"]),
    OpenApiParameter("price_min", str, description="Decimal."),
    OpenApiParameter("price_max", str, description="Decimal."),
    OpenApiParameter("in_stock", bool),
    OpenApiParameter("min_rating", str, description="Decimal 1–5: average rating at least."),
]


def _decimal(request: Request, name: str) -> Decimal | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError({name: ["A decimal number is required."]}) from None
    if not value.is_finite() or value < 0:
        raise ValidationError({name: ["A decimal number is required."]})
    return value


def _filters(request: Request, *, q: str = "", sort: str = "") -> selectors.ProductFilters:
    condition = request.query_params.get("condition", "")
    if condition and condition not in ("new", "used", "refurbished"):
        raise ValidationError({"condition": ["Not a valid choice."]})
    return selectors.ProductFilters(
        q=q,
        category=request.query_params.get("category", ""),
        city=request.query_params.get("city", ""),
        condition=condition,
        price_min=_decimal(request, "price_min"),
        price_max=_decimal(request, "price_max"),
        in_stock=request.query_params.get("in_stock", "") in ("1", "true"),
        min_rating=_decimal(request, "min_rating"),
        sort=sort,
    )


class CategoryListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS_CATALOGUE, responses={200: s.MarketCategoryOutput(many=True)})
    def get(self, request: Request) -> Response:
        categories = selectors.category_list().select_related("parent")
        return Response(s.MarketCategoryOutput(categories, many=True).data)


class ProductListCreateApi(APIView):
    permission_classes = [AllowAny]
    pagination_class = CreatedCursorPagination

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    @extend_schema(
        tags=TAGS_CATALOGUE,
        parameters=FILTER_PARAMETERS,
        responses={200: s.MarketProductOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        products = selectors.product_list_public(filters=_filters(request))
        return paginate(
            queryset=products, serializer_class=s.MarketProductOutput, request=request, view=self
        )

    @extend_schema(
        tags=TAGS_SELLING,
        request=s.MarketProductCreateInput,
        responses={201: s.MarketProductOutput},
    )
    def post(self, request: Request) -> Response:
        data = s.MarketProductCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        product = product_services.product_create(actor=request.user, **data.validated_data)
        return Response(s.MarketProductOutput(product).data, status=status.HTTP_201_CREATED)


class SearchApi(APIView):
    """Full text (PostgreSQL tsvector ru + en with trigram similarity for typos; SQLite FTS5):
    title matches first, then by rank, then newest; limit/offset pages."""

    permission_classes = [AllowAny]
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS_CATALOGUE,
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter(
                "sort",
                str,
                enum=["relevance", *sorted(selectors.SORTS)],
                description="relevance (the default): title matches first, then the rank.",
            ),
            *FILTER_PARAMETERS,
        ],
        responses={200: s.MarketProductPageOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        if len(q) < 2:
            raise ValidationError({"q": ["At least 2 characters."]})
        sort = request.query_params.get("sort", "")
        if sort == "relevance":
            sort = ""
        if sort and sort not in selectors.SORTS:
            raise ValidationError({"sort": ["Not a valid choice."]})
        products = selectors.product_list_public(filters=_filters(request, q=q[:200], sort=sort))
        return paginate(
            queryset=products,
            serializer_class=s.MarketProductPageOutput,
            request=request,
            view=self,
        )


class FacetsApi(APIView):
    """Counts by category, condition, city, rating and in stock for the same query and
    filters as search/ (each facet ignoring its own filter)."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS_CATALOGUE,
        parameters=[OpenApiParameter("q", str), *FILTER_PARAMETERS],
        responses={200: s.MarketFacetsOutput},
    )
    def get(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()[:200]
        facets = selectors.product_facets(filters=_filters(request, q=q))
        return Response(s.MarketFacetsOutput(facets).data)


class MyProductListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(tags=TAGS_SELLING, responses={200: s.MarketProductOutput(many=True)})
    def get(self, request: Request) -> Response:
        if not is_seller(request.user):
            raise NotASeller()
        products = selectors.product_list_for_seller(actor=request.user)
        return paginate(
            queryset=products, serializer_class=s.MarketProductOutput, request=request, view=self
        )


class ModerationQueueApi(APIView):
    pagination_class = TableLimitOffsetPagination

    @extend_schema(tags=TAGS_SELLING, responses={200: s.MarketProductPageOutput(many=True)})
    def get(self, request: Request) -> Response:
        if not is_moderator(request.user):
            raise MarketForbidden()
        products = selectors.product_moderation_queue(actor=request.user)
        return paginate(
            queryset=products,
            serializer_class=s.MarketProductPageOutput,
            request=request,
            view=self,
        )


class ProductDetailApi(APIView):
    permission_classes = [AllowAny]

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "PATCH" else [AllowAny()]

    @extend_schema(tags=TAGS_CATALOGUE, responses={200: s.MarketProductOutput})
    def get(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        return Response(s.MarketProductOutput(product).data)

    @extend_schema(
        tags=TAGS_SELLING,
        request=s.MarketProductUpdateInput,
        responses={200: s.MarketProductOutput},
    )
    def patch(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        data = s.MarketProductUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        product = product_services.product_update(
            actor=request.user, product=product, **data.validated_data
        )
        return Response(s.MarketProductOutput(product).data)


class ProductActionApi(APIView):
    """submit, pause, resume, archive (the seller) and approve (a moderator)."""

    ACTIONS = {
        "submit": product_services.product_submit,
        "approve": product_services.product_approve,
        "pause": product_services.product_pause,
        "resume": product_services.product_resume,
        "archive": product_services.product_archive,
    }
    action: str = ""

    @extend_schema(tags=TAGS_SELLING, request=None, responses={200: s.MarketProductOutput})
    def post(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        product = self.ACTIONS[self.action](actor=request.user, product=product)
        return Response(s.MarketProductOutput(product).data)


class ProductRejectApi(APIView):
    @extend_schema(
        tags=TAGS_SELLING, request=s.MarketRejectInput, responses={200: s.MarketProductOutput}
    )
    def post(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        data = s.MarketRejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        product = product_services.product_reject(
            actor=request.user, product=product, reason=data.validated_data["reason"]
        )
        return Response(s.MarketProductOutput(product).data)


class ReviewListCreateApi(APIView):
    pagination_class = CreatedCursorPagination

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    @extend_schema(tags=TAGS_CATALOGUE, responses={200: s.MarketReviewOutput(many=True)})
    def get(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        return paginate(
            queryset=selectors.review_list(product=product),
            serializer_class=s.MarketReviewOutput,
            request=request,
            view=self,
        )

    @extend_schema(
        tags=TAGS_BUYING, request=s.MarketReviewInput, responses={201: s.MarketReviewOutput}
    )
    def post(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        data = s.MarketReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_services.review_create(
            actor=request.user, product=product, **data.validated_data
        )
        return Response(s.MarketReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ReviewAnswerApi(APIView):
    @extend_schema(
        tags=TAGS_SELLING, request=s.MarketReviewAnswerInput, responses={200: s.MarketReviewOutput}
    )
    def post(self, request: Request, product_id: UUID, review_id: int) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        review = selectors.review_get(product=product, review_id=review_id)
        data = s.MarketReviewAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_services.review_answer(
            actor=request.user, review=review, text=data.validated_data["text"]
        )
        return Response(s.MarketReviewOutput(review).data)


class FavouriteApi(APIView):
    @extend_schema(tags=TAGS_BUYING, request=None, responses={204: None})
    def put(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        review_services.favourite_add(actor=request.user, product=product)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(tags=TAGS_BUYING, request=None, responses={204: None})
    def delete(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        review_services.favourite_remove(actor=request.user, product=product)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FavouriteListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(tags=TAGS_BUYING, responses={200: s.MarketFavouriteOutput(many=True)})
    def get(self, request: Request) -> Response:
        return paginate(
            queryset=selectors.favourite_list_for(actor=request.user),
            serializer_class=s.MarketFavouriteOutput,
            request=request,
            view=self,
        )


def _cart_response(user: Any) -> Response:
    cart = selectors.cart_for(buyer=user)
    items = selectors.cart_items(cart=cart)
    total = sum((i.unit_price * i.quantity for i in items), Decimal("0.00"))
    return Response(
        s.MarketCartOutput({"items": items, "total": total, "currency": conf.currency()}).data
    )


class CartApi(APIView):
    @extend_schema(tags=TAGS_BUYING, responses={200: s.MarketCartOutput})
    def get(self, request: Request) -> Response:
        return _cart_response(request.user)

    @extend_schema(
        tags=TAGS_BUYING,
        request=s.MarketCartItemInput,
        responses={200: s.MarketCartOutput},
        description="Add a quantity of a product to the cart.",
    )
    def post(self, request: Request) -> Response:
        data = s.MarketCartItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        product = selectors.product_get_for(
            actor=request.user, product_id=data.validated_data["product"]
        )
        cart_services.cart_add_item(
            actor=request.user,
            product=product,
            quantity=data.validated_data["quantity"],
            variant=_variant_of(product, data.validated_data["variant"]),
        )
        return _cart_response(request.user)


class CartItemApi(APIView):
    @extend_schema(
        tags=TAGS_BUYING, request=s.MarketCartQuantityInput, responses={200: s.MarketCartOutput}
    )
    def put(self, request: Request, product_id: UUID) -> Response:
        data = s.MarketCartQuantityInput(data=request.data)
        data.is_valid(raise_exception=True)
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        cart_services.cart_set_item(
            actor=request.user,
            product=product,
            quantity=data.validated_data["quantity"],
            variant=_variant_of(product, data.validated_data["variant"]),
        )
        return _cart_response(request.user)

    @extend_schema(
        tags=TAGS_BUYING,
        request=None,
        parameters=[OpenApiParameter("variant", int, description="Only this variant's line.")],
        responses={200: s.MarketCartOutput},
    )
    def delete(self, request: Request, product_id: UUID) -> Response:
        raw = request.query_params.get("variant", "")
        if raw and not raw.isdigit():
            raise ValidationError({"variant": ["A valid integer is required."]})
        cart_services.cart_remove_item(
            actor=request.user, product_id=product_id, variant_id=int(raw) if raw else None
        )
        return _cart_response(request.user)


def _variant_of(product: Any, variant_id: int | None) -> Any:
    """The product's variant `variant_id` (404 when it is not one of the product's)."""
    if variant_id is None:
        return None
    return selectors.variant_get(product=product, variant_id=variant_id)


class VariantListCreateApi(APIView):
    """A product's variants with the attributes of its category; the seller adds one."""

    permission_classes = [AllowAny]

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    @extend_schema(tags=TAGS_CATALOGUE, responses={200: s.MarketVariantsOutput})
    def get(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        return Response(_variants_body(product))

    @extend_schema(
        tags=TAGS_SELLING,
        request=s.MarketVariantCreateInput,
        responses={201: s.MarketVariantsOutput},
    )
    def post(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        data = s.MarketVariantCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        variant_services.variant_create(actor=request.user, product=product, **data.validated_data)
        return Response(_variants_body(product), status=status.HTTP_201_CREATED)


class VariantDetailApi(APIView):
    @extend_schema(
        tags=TAGS_SELLING,
        request=s.MarketVariantUpdateInput,
        responses={200: s.MarketVariantOutput},
    )
    def patch(self, request: Request, product_id: UUID, variant_id: int) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        variant = selectors.variant_get(product=product, variant_id=variant_id)
        data = s.MarketVariantUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        variant = variant_services.variant_update(
            actor=request.user, variant=variant, **data.validated_data
        )
        return Response(s.MarketVariantOutput(variant).data)


class ImageListCreateApi(APIView):
    """A product's images (the primary first); the seller uploads one (multipart `file`)."""

    permission_classes = [AllowAny]
    parser_classes = (MultiPartParser,)

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    @extend_schema(tags=TAGS_CATALOGUE, responses={200: s.MarketImageOutput(many=True)})
    def get(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        return Response(s.MarketImageOutput(selectors.image_list(product=product), many=True).data)

    @extend_schema(
        tags=TAGS_SELLING,
        request={"multipart/form-data": s.MarketImageInput},
        responses={201: s.MarketImageOutput},
    )
    def post(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        data = s.MarketImageInput(data=request.data)
        data.is_valid(raise_exception=True)
        image = image_services.image_add(
            actor=request.user, product=product, uploaded_file=data.validated_data["file"]
        )
        return Response(s.MarketImageOutput(image).data, status=status.HTTP_201_CREATED)


class ImageDetailApi(APIView):
    @extend_schema(tags=TAGS_SELLING, request=None, responses={204: None})
    def delete(self, request: Request, product_id: UUID, image_id: UUID) -> Response:
        image = _image_of(request, product_id, image_id)
        image_services.image_remove(actor=request.user, image=image)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ImagePrimaryApi(APIView):
    @extend_schema(tags=TAGS_SELLING, request=None, responses={200: s.MarketImageOutput})
    def post(self, request: Request, product_id: UUID, image_id: UUID) -> Response:
        image = _image_of(request, product_id, image_id)
        image = image_services.image_make_primary(actor=request.user, image=image)
        return Response(s.MarketImageOutput(image).data)


class ImageOrderApi(APIView):
    @extend_schema(
        tags=TAGS_SELLING,
        request=s.MarketImageOrderInput,
        responses={200: s.MarketImageOutput(many=True)},
        description="Reorder the seller's own product's images (and choose the primary); "
        "another seller's product is 404.",
    )
    def put(self, request: Request, product_id: UUID) -> Response:
        product = selectors.product_get_own(actor=request.user, product_id=product_id)
        data = s.MarketImageOrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        images = image_services.image_reorder(
            actor=request.user,
            product=product,
            image_ids=data.validated_data["images"],
            primary_id=data.validated_data.get("primary"),
        )
        return Response(s.MarketImageOutput(images, many=True).data)


def _image_of(request: Request, product_id: UUID, image_id: UUID) -> Any:
    image = selectors.image_get_for(actor=request.user, image_id=image_id)
    if image.product_id != product_id:
        raise NotFound()
    return image


def _variants_body(product: Any) -> Any:
    return s.MarketVariantsOutput(
        {
            "attributes": selectors.attributes_for(category=product.category),
            "variants": selectors.variant_list(product=product),
        }
    ).data


class CheckoutApi(APIView):
    @extend_schema(tags=TAGS_BUYING, request=None, responses={201: s.MarketCheckoutOutput})
    def post(self, request: Request) -> Response:
        checkout = order_services.checkout_place(actor=request.user)
        return Response(s.MarketCheckoutOutput(checkout).data, status=status.HTTP_201_CREATED)


class OrderListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=TAGS_BUYING,
        parameters=[
            OpenApiParameter(
                "as", str, enum=["buyer", "seller"], description="Seller: your parts of orders."
            )
        ],
        responses={200: s.MarketOrderOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        as_seller = request.query_params.get("as", "buyer") == "seller"
        return paginate(
            queryset=selectors.order_list_for(actor=request.user, as_seller=as_seller),
            serializer_class=s.MarketOrderOutput,
            request=request,
            view=self,
        )


class OrderDetailApi(APIView):
    @extend_schema(tags=TAGS_BUYING, responses={200: s.MarketOrderOutput})
    def get(self, request: Request, order_id: UUID) -> Response:
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        return Response(s.MarketOrderOutput(order).data)


class OrderAdvanceApi(APIView):
    """confirm, ship, deliver: the seller's steps."""

    step: str = ""

    @extend_schema(tags=TAGS_SELLING, request=None, responses={200: s.MarketOrderOutput})
    def post(self, request: Request, order_id: UUID) -> Response:
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        order = order_services.order_advance(actor=request.user, order=order, step=self.step)
        return Response(s.MarketOrderOutput(order).data)


class OrderCancelApi(APIView):
    @extend_schema(
        tags=TAGS_BUYING, request=s.MarketOrderCancelInput, responses={200: s.MarketOrderOutput}
    )
    def post(self, request: Request, order_id: UUID) -> Response:
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        data = s.MarketOrderCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_services.order_cancel(
            actor=request.user, order=order, reason=data.validated_data["reason"]
        )
        return Response(s.MarketOrderOutput(order).data)


class BalanceApi(APIView):
    @extend_schema(tags=TAGS_SELLING, responses={200: s.MarketBalanceOutput})
    def get(self, request: Request) -> Response:
        if not is_seller(request.user):
            raise NotASeller()
        balance = selectors.balance_for(seller=request.user)
        zero = Decimal("0.00")
        return Response(
            s.MarketBalanceOutput(
                {
                    "pending": balance.pending if balance else zero,
                    "available": balance.available if balance else zero,
                    "currency": balance.currency if balance else conf.currency(),
                }
            ).data
        )


def _wishlist(wish_list: Any) -> Response:
    return Response(s.MarketWishListOutput(wish_list, context={"owner": True}).data)


class WishListListCreateApi(APIView):
    @extend_schema(tags=TAGS_WISHLISTS, responses={200: s.MarketWishListOutput(many=True)})
    def get(self, request: Request) -> Response:
        lists = selectors.wishlist_list_for(actor=request.user)[:100]
        return Response(s.MarketWishListOutput(lists, many=True, context={"owner": True}).data)

    @extend_schema(
        tags=TAGS_WISHLISTS, request=s.MarketWishListInput, responses={201: s.MarketWishListOutput}
    )
    def post(self, request: Request) -> Response:
        data = s.MarketWishListInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = wishlist_services.wishlist_create(
            actor=request.user, name=data.validated_data["name"]
        )
        wish_list = selectors.wishlist_get_for(actor=request.user, wishlist_id=created.pk)
        response = _wishlist(wish_list)
        response.status_code = status.HTTP_201_CREATED
        return response


class WishListDetailApi(APIView):
    @extend_schema(tags=TAGS_WISHLISTS, responses={200: s.MarketWishListOutput})
    def get(self, request: Request, wishlist_id: UUID) -> Response:
        return _wishlist(selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id))

    @extend_schema(
        tags=TAGS_WISHLISTS, request=s.MarketWishListInput, responses={200: s.MarketWishListOutput}
    )
    def patch(self, request: Request, wishlist_id: UUID) -> Response:
        wish_list = selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id)
        data = s.MarketWishListInput(data=request.data)
        data.is_valid(raise_exception=True)
        wishlist_services.wishlist_rename(wish_list=wish_list, name=data.validated_data["name"])
        return _wishlist(selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id))

    @extend_schema(tags=TAGS_WISHLISTS, responses={204: None})
    def delete(self, request: Request, wishlist_id: UUID) -> Response:
        wish_list = selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id)
        wishlist_services.wishlist_delete(wish_list=wish_list)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishListItemApi(APIView):
    @extend_schema(tags=TAGS_WISHLISTS, request=None, responses={200: s.MarketWishListOutput})
    def put(self, request: Request, wishlist_id: UUID, product_id: UUID) -> Response:
        wish_list = selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id)
        product = selectors.product_get_for(actor=request.user, product_id=product_id)
        wishlist_services.wishlist_add(wish_list=wish_list, product=product)
        return _wishlist(selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id))

    @extend_schema(tags=TAGS_WISHLISTS, request=None, responses={200: s.MarketWishListOutput})
    def delete(self, request: Request, wishlist_id: UUID, product_id: UUID) -> Response:
        wish_list = selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id)
        wishlist_services.wishlist_remove(wish_list=wish_list, product_id=product_id)
        return _wishlist(selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id))


class WishListShareApi(APIView):
    @extend_schema(
        tags=TAGS_WISHLISTS,
        request=None,
        responses={200: s.MarketWishListOutput},
        description="A new private link (`share_token`); an earlier one stops working.",
    )
    def post(self, request: Request, wishlist_id: UUID) -> Response:
        wish_list = selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id)
        wishlist_services.wishlist_share(wish_list=wish_list)
        return _wishlist(selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id))

    @extend_schema(tags=TAGS_WISHLISTS, request=None, responses={200: s.MarketWishListOutput})
    def delete(self, request: Request, wishlist_id: UUID) -> Response:
        wish_list = selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id)
        wishlist_services.wishlist_unshare(wish_list=wish_list)
        return _wishlist(selectors.wishlist_get_for(actor=request.user, wishlist_id=wishlist_id))


class SharedWishListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS_WISHLISTS, responses={200: s.MarketWishListOutput})
    def get(self, request: Request, token: str) -> Response:
        wish_list = selectors.wishlist_get_shared(token=token)
        return Response(s.MarketWishListOutput(wish_list).data)
