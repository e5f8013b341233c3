"""Input and output serializers of the market API (input and output are separate classes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from rest_framework import serializers

from lifeline.market.enums import Condition
from lifeline.market.models import (
    Attribute,
    CartItem,
    Category,
    Checkout,
    Favourite,
    Order,
    OrderLine,
    Product,
    ProductImage,
    Review,
    Variant,
    WishList,
    WishListItem,
)


class MarketCategoryOutput(serializers.ModelSerializer[Category]):
    name = serializers.CharField(read_only=True)
    parent_slug = serializers.CharField(
        source="parent.slug", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Category
        fields = ("id", "slug", "name", "parent_slug")


class MarketProductOutput(serializers.ModelSerializer[Product]):
    category: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    seller_id = serializers.UUIDField(read_only=True)
    seller_name = serializers.SerializerMethodField()
    rating_average = serializers.DecimalField(
        max_digits=3, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = Product
        fields = (
            "id",
            "slug",
            "title",
            "description",
            "category",
            "price",
            "old_price",
            "condition",
            "city",
            "stock",
            "status",
            "seller_id",
            "seller_name",
            "rating_count",
            "rating_average",
            "rejection_reason",
            "created_at",
            "updated_at",
        )

    def get_seller_name(self, product: Product) -> str:
        return str(product.seller.get_short_name() or product.seller)


class MarketProductCreateInput(serializers.Serializer[Any]):
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, default="")
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    old_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    condition = serializers.ChoiceField(choices=Condition.choices, default=Condition.NEW)
    city = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)


class MarketProductUpdateInput(serializers.Serializer[Any]):
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False
    )
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    old_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    condition = serializers.ChoiceField(choices=Condition.choices, required=False)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)


class MarketRejectInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class MarketCartItemInput(serializers.Serializer[Any]):
    product = serializers.UUIDField()
    variant = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Required for a product with variants.",
    )
    quantity = serializers.IntegerField(min_value=1, max_value=999, default=1)


class MarketCartQuantityInput(serializers.Serializer[Any]):
    variant = serializers.IntegerField(required=False, allow_null=True, default=None)
    quantity = serializers.IntegerField(min_value=1, max_value=999)


class MarketAttributeOutput(serializers.ModelSerializer[Attribute]):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Attribute
        fields = ("code", "name")


class MarketVariantOutput(serializers.ModelSerializer[Variant]):
    class Meta:
        model = Variant
        fields = ("id", "name", "attributes", "price", "stock")


class MarketVariantsOutput(serializers.Serializer[Any]):
    attributes = MarketAttributeOutput(many=True, help_text="Of the category and its parents.")
    variants = MarketVariantOutput(many=True)


class MarketVariantCreateInput(serializers.Serializer[Any]):
    attributes = serializers.DictField(
        child=serializers.CharField(max_length=60, allow_blank=True),
        help_text="{attribute code: value}, codes from the product's category.",
    )
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("9999999999")
    )
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000)


class MarketVariantUpdateInput(serializers.Serializer[Any]):
    price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("9999999999"),
        required=False,
    )
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)


class MarketCartItemOutput(serializers.ModelSerializer[CartItem]):
    product = MarketProductOutput(read_only=True)
    variant = MarketVariantOutput(read_only=True, allow_null=True)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = CartItem
        fields = ("product", "variant", "quantity", "unit_price", "line_total")


class MarketCartOutput(serializers.Serializer[Any]):
    items = MarketCartItemOutput(many=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()


class MarketOrderLineOutput(serializers.ModelSerializer[OrderLine]):
    class Meta:
        model = OrderLine
        fields = (
            "product_id",
            "variant_id",
            "title",
            "variant_name",
            "unit_price",
            "quantity",
            "line_total",
        )


class MarketOrderOutput(serializers.ModelSerializer[Order]):
    lines = MarketOrderLineOutput(many=True, read_only=True)

    class Meta:
        model = Order
        fields = (
            "id",
            "checkout_id",
            "buyer_id",
            "seller_id",
            "status",
            "subtotal",
            "fee",
            "seller_amount",
            "currency",
            "cancel_reason",
            "lines",
            "created_at",
            "updated_at",
        )


class MarketCheckoutOutput(serializers.ModelSerializer[Checkout]):
    orders = MarketOrderOutput(many=True, read_only=True)

    class Meta:
        model = Checkout
        fields = ("id", "total", "currency", "orders", "created_at")


class MarketOrderCancelInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class MarketReviewInput(serializers.Serializer[Any]):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=3000, required=False, default="", allow_blank=True)
    pros = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    cons = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class MarketReviewAnswerInput(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=3000)


class MarketReviewOutput(serializers.ModelSerializer[Review]):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = (
            "id",
            "author_id",
            "author_name",
            "rating",
            "text",
            "pros",
            "cons",
            "verified_purchase",
            "seller_answer",
            "answered_at",
            "created_at",
        )

    def get_author_name(self, review: Review) -> str:
        return str(review.author.get_short_name() or review.author)


class MarketFavouriteOutput(serializers.ModelSerializer[Favourite]):
    product = MarketProductOutput(read_only=True)
    added_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Favourite
        fields = ("product", "added_at")


class MarketBalanceOutput(serializers.Serializer[Any]):
    pending = serializers.DecimalField(max_digits=12, decimal_places=2)
    available = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()


class MarketFacetValueOutput(serializers.Serializer[Any]):
    value = serializers.CharField()
    count = serializers.IntegerField()


class MarketFacetsOutput(serializers.Serializer[Any]):
    categories = MarketFacetValueOutput(
        many=True, help_text="Per category slug (the product's own category, not its parents)."
    )
    conditions = MarketFacetValueOutput(many=True)
    cities = MarketFacetValueOutput(
        many=True,
        help_text="The 20 most common cities, most products first (grouped ignoring case).",
    )
    ratings = MarketFacetValueOutput(
        many=True, help_text="Products whose average rating is at least `value` (4, 3, 2, 1)."
    )
    in_stock = serializers.IntegerField(help_text="Products on sale with stock left.")


class MarketWishListInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)


class MarketWishListItemOutput(serializers.ModelSerializer[WishListItem]):
    product = MarketProductOutput(read_only=True)
    added_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = WishListItem
        fields = ("product", "added_at")


class MarketWishListOutput(serializers.ModelSerializer[WishList]):
    items = MarketWishListItemOutput(many=True, read_only=True)
    share_token = serializers.SerializerMethodField()

    class Meta:
        model = WishList
        fields = ("id", "name", "share_token", "items", "created_at")

    def get_share_token(self, wish_list: WishList) -> str | None:
        """Only the owner sees the token (a shared view does not reveal it again)."""
        return wish_list.share_token or None if self.context.get("owner") else None


class MarketProductPageOutput(MarketProductOutput):
    """A product in a limit/offset page (search, moderation queue): its own name, so the
    schema's paginated envelope with `count` is not the one of the cursor-paged `products/`."""


class MarketImageOutput(serializers.ModelSerializer[ProductImage]):
    url = serializers.SerializerMethodField(help_text="Served to whoever may see the product.")

    class Meta:
        model = ProductImage
        fields = ("id", "url", "is_primary", "position")

    def get_url(self, image: ProductImage) -> str:
        return reverse("market-web:image", kwargs={"image_id": image.pk})


class MarketImageOrderInput(serializers.Serializer[Any]):
    images = serializers.ListField(
        child=serializers.UUIDField(),
        min_length=1,
        max_length=10,
        help_text="Every image of the product, each once, in the new order.",
    )
    primary = serializers.UUIDField(
        required=False, allow_null=True, help_text="Make this image the primary."
    )


class MarketImageInput(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="JPEG, PNG or WebP; re-encoded without metadata.")
