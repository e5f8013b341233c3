"""Input and output shapes of the freelance API (money: decimal string plus currency)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lifeline.core.api.serializers import ModelOutput
from lifeline.freelance import names
from lifeline.freelance.enums import TIERS, DisputeOutcome, PackageTier
from lifeline.freelance.levels import SellerLevel
from lifeline.freelance.models import (
    MAX_PRICE,
    MIN_PRICE,
    Category,
    CustomOffer,
    Dispute,
    DisputeMessage,
    Gig,
    GigImage,
    GigPackage,
    LedgerEntry,
    Order,
    OrderEvent,
    OrderFile,
    PortfolioImage,
    PortfolioItem,
    Review,
)
from lifeline.freelance.selectors import GIG_SORT_CHOICES


# --- output ---------------------------------------------------------------------------------
class FreelanceCategoryOutput(ModelOutput[Category]):
    name = serializers.CharField(read_only=True)
    parent: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Category
        fields = ("slug", "name", "parent")


class FreelancePackageOutput(ModelOutput[GigPackage]):
    class Meta:
        model = GigPackage
        fields = ("tier", "title", "price", "delivery_days", "revisions", "features")


class FreelanceGigOutput(ModelOutput[Gig]):
    category: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    seller = serializers.UUIDField(source="seller_id", read_only=True)
    seller_name = serializers.SerializerMethodField()
    packages = FreelancePackageOutput(many=True, read_only=True)
    rating_average = serializers.DecimalField(
        max_digits=3, decimal_places=2, read_only=True, allow_null=True
    )
    currency = serializers.SerializerMethodField()
    primary_image = serializers.SerializerMethodField(
        help_text="URL of the primary image (shown on cards), or null."
    )

    class Meta:
        model = Gig
        fields: tuple[str, ...] = (
            "id",
            "title",
            "description",
            "category",
            "tags",
            "status",
            "rejection_reason",
            "seller",
            "seller_name",
            "packages",
            "primary_image",
            "currency",
            "rating_average",
            "reviews_count",
            "orders_completed",
            "favourites_count",
            "created_at",
        )

    def get_currency(self, obj: Gig) -> str:
        return "USD"

    def get_seller_name(self, obj: Gig) -> str:
        return names.public_name(obj.seller)  # public: never the e-mail or phone

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_primary_image(self, obj: Gig) -> str | None:
        image_id = getattr(obj, "primary_image_id", None)
        return gig_image_url(image_id) if image_id else None


def gig_image_url(image_id: Any) -> str:
    return reverse("freelance-web:gig-image", kwargs={"image_id": image_id})


class FreelanceGigImageOutput(ModelOutput[GigImage]):
    url = serializers.SerializerMethodField()
    content_type = serializers.CharField(source="file.content_type", read_only=True)

    class Meta:
        model = GigImage
        fields = ("id", "url", "content_type", "position", "is_primary")

    def get_url(self, obj: GigImage) -> str:
        return gig_image_url(obj.pk)


class FreelanceGigDetailOutput(FreelanceGigOutput):
    images = serializers.SerializerMethodField()

    class Meta(FreelanceGigOutput.Meta):
        fields = (*FreelanceGigOutput.Meta.fields, "images")

    @extend_schema_field(FreelanceGigImageOutput(many=True))
    def get_images(self, obj: Gig) -> list[dict[str, Any]]:
        from lifeline.freelance.selectors import gig_images

        return list(FreelanceGigImageOutput(gig_images(gig=obj), many=True).data)


class FreelanceOrderFileOutput(ModelOutput[OrderFile]):
    id = serializers.UUIDField(
        source="file_id",
        read_only=True,
        help_text="The stored file: GET /api/v1/files/{id}/download/ (parties and a dispute's "
        "moderators only).",
    )
    name = serializers.CharField(source="file.original_name", read_only=True)
    content_type = serializers.CharField(source="file.content_type", read_only=True)
    size_bytes = serializers.IntegerField(source="file.size_bytes", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = OrderFile
        fields = ("id", "name", "content_type", "size_bytes", "url")

    def get_url(self, obj: OrderFile) -> str:
        return reverse(
            "freelance-web:order-file", kwargs={"order_id": obj.order_id, "file_id": obj.file_id}
        )


class FreelanceOrderEventOutput(ModelOutput[OrderEvent]):
    actor_name = serializers.CharField(
        source="actor.display_name", read_only=True, default=None, allow_null=True
    )
    files = FreelanceOrderFileOutput(many=True, read_only=True)

    class Meta:
        model = OrderEvent
        fields = ("kind", "actor_name", "message", "files", "created_at")


class FreelanceDisputeMessageOutput(ModelOutput[DisputeMessage]):
    author_name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = DisputeMessage
        fields = ("id", "author_name", "from_moderator", "text", "created_at")


class FreelanceDisputeSummaryOutput(ModelOutput[Dispute]):
    order = serializers.UUIDField(source="order_id", read_only=True)
    order_title = serializers.CharField(source="order.gig_title", read_only=True)
    opened_by_name = serializers.CharField(source="opened_by.display_name", read_only=True)
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = (
            "id",
            "order",
            "order_title",
            "status",
            "status_before",
            "opened_by_name",
            "reason",
            "outcome",
            "refund_amount",
            "resolution",
            "resolved_at",
            "created_at",
        )

    @extend_schema_field(
        serializers.ChoiceField(choices=DisputeOutcome.choices, allow_null=True)  # type: ignore[arg-type]
    )
    def get_outcome(self, obj: Dispute) -> str | None:
        return obj.outcome or None


class FreelanceDisputeOutput(FreelanceDisputeSummaryOutput):
    messages = serializers.SerializerMethodField()

    class Meta(FreelanceDisputeSummaryOutput.Meta):
        fields = (*FreelanceDisputeSummaryOutput.Meta.fields, "messages")  # type: ignore[assignment]

    @extend_schema_field(FreelanceDisputeMessageOutput(many=True))
    def get_messages(self, obj: Dispute) -> Any:
        from lifeline.freelance.selectors import dispute_messages

        return FreelanceDisputeMessageOutput(dispute_messages(obj), many=True).data


class FreelanceOrderOutput(ModelOutput[Order]):
    gig = serializers.UUIDField(source="gig_id", read_only=True)
    buyer_name = serializers.CharField(source="buyer.display_name", read_only=True)
    seller_name = serializers.CharField(source="seller.display_name", read_only=True)
    revisions_left = serializers.IntegerField(read_only=True)
    cancel_requested = serializers.SerializerMethodField()
    is_late = serializers.BooleanField(read_only=True)
    dispute_status = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = (
            "id",
            "gig",
            "gig_title",
            "tier",
            "package_title",
            "price",
            "currency",
            "delivery_days",
            "revisions_allowed",
            "revisions_used",
            "revisions_left",
            "features",
            "status",
            "buyer_name",
            "seller_name",
            "requirements",
            "portfolio_consent",
            "cancel_requested",
            "dispute_status",
            "is_late",
            "late_at",
            "fee_percent",
            "platform_fee",
            "seller_net",
            "refunded_amount",
            "clears_at",
            "cleared_at",
            "due_at",
            "delivered_at",
            "auto_complete_at",
            "completed_at",
            "cancelled_at",
            "created_at",
        )

    def get_cancel_requested(self, obj: Order) -> bool:
        return obj.cancel_requested_by_id is not None

    def get_dispute_status(self, obj: Order) -> str | None:
        dispute = getattr(obj, "dispute", None)
        return dispute.status if dispute is not None else None


class FreelanceOrderDetailOutput(FreelanceOrderOutput):
    events = FreelanceOrderEventOutput(many=True, read_only=True)

    class Meta(FreelanceOrderOutput.Meta):
        fields = (*FreelanceOrderOutput.Meta.fields, "events")  # type: ignore[assignment]


class FreelanceReviewOutput(ModelOutput[Review]):
    class Meta:
        model = Review
        fields = (
            "id",
            "rating",
            "communication",
            "as_described",
            "would_recommend",
            "comment",
            "reply",
            "replied_at",
            "helpful_count",
            "created_at",
        )


class FreelanceLedgerEntryOutput(ModelOutput[LedgerEntry]):
    order = serializers.UUIDField(source="order_id", read_only=True)
    order_title = serializers.CharField(source="order.gig_title", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = (
            "id",
            "order",
            "order_title",
            "account",
            "kind",
            "amount",
            "currency",
            "created_at",
        )


class FreelanceBalanceOutput(serializers.Serializer[Any]):
    currency = serializers.CharField(read_only=True)
    pending = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    cleared = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    clearance_days = serializers.IntegerField(read_only=True)
    fee_percent = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)


class FreelanceOfferOutput(ModelOutput[CustomOffer]):
    gig = serializers.UUIDField(source="gig_id", read_only=True)
    gig_title = serializers.CharField(source="gig.title", read_only=True)
    seller_name = serializers.CharField(source="seller.display_name", read_only=True)
    buyer_name = serializers.CharField(source="buyer.display_name", read_only=True)
    order = serializers.UUIDField(source="order_id", read_only=True, allow_null=True)
    currency = serializers.SerializerMethodField()

    class Meta:
        model = CustomOffer
        fields = (
            "id",
            "gig",
            "gig_title",
            "seller_name",
            "buyer_name",
            "description",
            "price",
            "currency",
            "delivery_days",
            "revisions",
            "status",
            "expires_at",
            "decided_at",
            "order",
            "created_at",
        )

    def get_currency(self, obj: CustomOffer) -> str:
        return "USD"


class FreelanceSavedGigOutput(FreelanceGigOutput):
    """A gig in the caller's favourites (its own name: its list pages by limit and offset, the
    gig lists by cursor, and each paginated list needs its own schema component)."""


class FreelanceFavouriteOutput(serializers.Serializer[Any]):
    gig = serializers.UUIDField()
    favourited = serializers.BooleanField()
    favourites_count = serializers.IntegerField()


class FreelancePublicReviewOutput(ModelOutput[Review]):
    gig = serializers.UUIDField(source="gig_id", read_only=True)
    gig_title = serializers.CharField(source="gig.title", read_only=True)
    reviewer_name = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = (
            "id",
            "gig",
            "gig_title",
            "rating",
            "communication",
            "as_described",
            "would_recommend",
            "comment",
            "reviewer_name",
            "reply",
            "replied_at",
            "helpful_count",
            "created_at",
        )

    def get_reviewer_name(self, obj: Review) -> str:
        return names.reviewer_name(obj.buyer)


class FreelancePortfolioImageOutput(ModelOutput[PortfolioImage]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = PortfolioImage
        fields = ("id", "url")

    def get_url(self, obj: PortfolioImage) -> str:
        return reverse("freelance-web:portfolio-image", kwargs={"image_id": obj.pk})


class FreelancePortfolioItemOutput(ModelOutput[PortfolioItem]):
    seller = serializers.UUIDField(source="seller_id", read_only=True)
    order = serializers.UUIDField(source="order_id", read_only=True, allow_null=True)
    order_title = serializers.CharField(
        source="order.gig_title", read_only=True, default=None, allow_null=True
    )
    images = FreelancePortfolioImageOutput(many=True, read_only=True)

    class Meta:
        model = PortfolioItem
        fields = (
            "id",
            "seller",
            "title",
            "description",
            "order",
            "order_title",
            "images",
            "created_at",
        )


class FreelanceSellerProfileOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="seller.pk")
    name = serializers.SerializerMethodField()
    member_since = serializers.DateTimeField()
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    reviews_count = serializers.IntegerField()
    orders_completed = serializers.IntegerField()
    response_time_seconds = serializers.SerializerMethodField(
        help_text="Median seconds from the buyer's requirements to the seller's first action "
        "on the order (delivery or cancellation proposal); null without such orders."
    )
    gigs = FreelanceGigOutput(many=True)
    reviews = FreelancePublicReviewOutput(many=True)
    portfolio = FreelancePortfolioItemOutput(many=True)

    def get_name(self, obj: Any) -> str:
        return names.public_name(obj.seller)

    def get_response_time_seconds(self, obj: Any) -> int | None:
        return None if obj.response_time is None else int(obj.response_time.total_seconds())


class FreelanceAnalyticsGigOutput(serializers.Serializer[Any]):
    gig = serializers.UUIDField(source="gig.pk")
    title = serializers.CharField(source="gig.title")
    status = serializers.CharField(source="gig.status")
    orders = serializers.IntegerField()
    completed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    reviews_count = serializers.IntegerField()
    impressions = serializers.IntegerField(help_text="Times the gig was shown in the catalogue.")
    clicks = serializers.IntegerField(help_text="Times the gig's page was opened.")
    conversion = serializers.DecimalField(
        max_digits=7,
        decimal_places=1,
        allow_null=True,
        help_text="Orders placed per 100 clicks in the period, percent; null without clicks.",
    )


class FreelanceRevenuePointOutput(serializers.Serializer[Any]):
    start = serializers.DateField()
    orders = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)


class FreelanceAnalyticsOutput(serializers.Serializer[Any]):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    days = serializers.IntegerField()
    group = serializers.CharField()
    currency = serializers.SerializerMethodField()
    orders = serializers.IntegerField()
    orders_previous = serializers.IntegerField()
    completed = serializers.IntegerField()
    completed_previous = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    revenue_previous = serializers.DecimalField(max_digits=14, decimal_places=2)
    completion_rate = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="Percent."
    )
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    reviews_count = serializers.IntegerField()
    impressions = serializers.IntegerField()
    impressions_previous = serializers.IntegerField()
    clicks = serializers.IntegerField()
    clicks_previous = serializers.IntegerField()
    conversion = serializers.DecimalField(
        max_digits=7,
        decimal_places=1,
        allow_null=True,
        help_text="Orders placed per 100 clicks in the period, percent; null without clicks.",
    )
    gigs = FreelanceAnalyticsGigOutput(many=True)
    series = FreelanceRevenuePointOutput(many=True)

    def get_currency(self, obj: Any) -> str:
        return "USD"


# --- input ----------------------------------------------------------------------------------
class FreelancePackageInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=80)
    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=MIN_PRICE, max_value=MAX_PRICE
    )
    delivery_days = serializers.IntegerField(min_value=1, max_value=90)
    revisions = serializers.IntegerField(min_value=0, max_value=10)
    features = serializers.ListField(
        child=serializers.CharField(max_length=120), max_length=10, default=list
    )


class FreelancePackagesInput(serializers.Serializer[Any]):
    basic = FreelancePackageInput()
    standard = FreelancePackageInput()
    premium = FreelancePackageInput()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and set(data) - set(TIERS):
            raise serializers.ValidationError(
                _("Exactly three packages: basic, standard and premium.")
            )
        return super().to_internal_value(data)


class FreelanceGigCreateInput(serializers.Serializer[Any]):
    title = serializers.CharField(min_length=10, max_length=120)
    description = serializers.CharField(min_length=20, max_length=5000)
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    tags = serializers.ListField(
        child=serializers.CharField(max_length=30), max_length=5, default=list
    )
    packages = FreelancePackagesInput()


class FreelanceGigUpdateInput(serializers.Serializer[Any]):
    title = serializers.CharField(min_length=10, max_length=120, required=False)
    description = serializers.CharField(min_length=20, max_length=5000, required=False)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=30), max_length=5, required=False
    )
    packages = FreelancePackagesInput(required=False)


class FreelanceGigStatusInput(serializers.Serializer[Any]):
    move = serializers.ChoiceField(choices=["submit", "pause", "resume", "archive"])


class FreelanceRejectInput(serializers.Serializer[Any]):
    reason = serializers.CharField(min_length=1, max_length=500)


class FreelanceOrderCreateInput(serializers.Serializer[Any]):
    gig = serializers.UUIDField()
    tier = serializers.ChoiceField(choices=PackageTier.choices)


ORDER_FILES_HELP = (
    "Up to 10 files (multipart/form-data): JPEG, PNG, WebP, PDF or office documents, the type "
    "read from the bytes, images re-encoded without metadata."
)
ORDER_FILE_IDS_HELP = (
    "Ids of files the caller already uploaded and that are attached to nothing yet: large "
    "files (archives too, up to the `deliverable` limit) sent in parts through "
    "POST /api/v1/files/uploads/. Together with `files`, at most 10."
)


class FreelanceRequirementsInput(serializers.Serializer[Any]):
    requirements = serializers.CharField(min_length=1, max_length=5000)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=ORDER_FILES_HELP
    )
    file_ids = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=10,
        help_text=ORDER_FILE_IDS_HELP,
    )


class FreelanceDeliverInput(serializers.Serializer[Any]):
    message = serializers.CharField(min_length=10, max_length=5000)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=ORDER_FILES_HELP
    )
    file_ids = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=10,
        help_text=ORDER_FILE_IDS_HELP,
    )


class FreelanceMessageInput(serializers.Serializer[Any]):
    message = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class FreelanceDisputeOpenInput(serializers.Serializer[Any]):
    reason = serializers.CharField(min_length=20, max_length=2000)


class FreelanceDisputeMessageInput(serializers.Serializer[Any]):
    text = serializers.CharField(min_length=1, max_length=2000)


class FreelanceDisputeResolveInput(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=DisputeOutcome.choices)
    resolution = serializers.CharField(min_length=20, max_length=2000)
    refund_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["outcome"] == DisputeOutcome.PARTIAL and attrs.get("refund_amount") is None:
            raise serializers.ValidationError(
                {"refund_amount": [_("A partial settlement names the amount refunded.")]}
            )
        return attrs


class FreelanceReviewInput(serializers.Serializer[Any]):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    communication = serializers.IntegerField(min_value=1, max_value=5)
    as_described = serializers.IntegerField(min_value=1, max_value=5)
    would_recommend = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class FreelanceOfferInput(serializers.Serializer[Any]):
    gig = serializers.UUIDField(required=False, help_text="Required without `conversation`.")
    buyer = serializers.UUIDField(required=False, help_text="Required without `conversation`.")
    conversation = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "The buyer's conversation with you about the gig (messenger): the offer is posted "
            "there as a card message; `gig` and `buyer` default to its gig and buyer."
        ),
    )
    description = serializers.CharField(min_length=10, max_length=2000)
    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=MIN_PRICE, max_value=MAX_PRICE
    )
    delivery_days = serializers.IntegerField(min_value=1, max_value=90)
    revisions = serializers.IntegerField(min_value=0, max_value=10)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("conversation") is None:
            missing = [name for name in ("gig", "buyer") if attrs.get(name) is None]
            if missing:
                message = serializers.Field.default_error_messages["required"]
                raise serializers.ValidationError({name: [message] for name in missing})
        return attrs


class FreelancePortfolioItemInput(serializers.Serializer[Any]):
    title = serializers.CharField(min_length=3, max_length=120)
    description = serializers.CharField(
        max_length=5000, required=False, default="", allow_blank=True
    )
    order = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A completed order of yours whose buyer allowed it (portfolio consent).",
    )


class FreelancePortfolioImageInput(serializers.Serializer[Any]):
    file = serializers.FileField()


class FreelanceInquiryOutput(serializers.Serializer[Any]):
    gig = serializers.UUIDField(source="gig_id")
    created_at = serializers.DateTimeField()
    conversation_kind = serializers.SerializerMethodField(
        help_text="Open the conversation with POST /api/v1/chat/conversations/ "
        "{kind, subject_id: the gig}."
    )

    def get_conversation_kind(self, obj: Any) -> str:
        return "freelance.gig"


class FreelancePortfolioConsentInput(serializers.Serializer[Any]):
    allowed = serializers.BooleanField()


class FreelanceGigSearchInput(serializers.Serializer[Any]):
    """The query string of `GET search/` (bad values are 400s naming the parameter)."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, trim_whitespace=True
    )
    category = serializers.SlugField(required=False, allow_blank=True, max_length=64)
    price_min = serializers.DecimalField(
        required=False, max_digits=10, decimal_places=2, min_value=Decimal("0")
    )
    price_max = serializers.DecimalField(
        required=False, max_digits=10, decimal_places=2, min_value=Decimal("0")
    )
    delivery_days = serializers.IntegerField(required=False, min_value=1, max_value=90)
    min_rating = serializers.DecimalField(
        required=False,
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("1"),
        max_value=Decimal("5"),
    )
    seller_level = serializers.ChoiceField(
        required=False, allow_blank=True, choices=SellerLevel.choices
    )
    sort = serializers.ChoiceField(
        required=False, allow_blank=True, choices=[(c, c) for c in GIG_SORT_CHOICES]
    )


class FreelanceGigImageInput(serializers.Serializer[Any]):
    file = serializers.FileField()


class FreelanceGigImageOrderInput(serializers.Serializer[Any]):
    images = serializers.ListField(child=serializers.UUIDField(), max_length=20)


# --- reviews ----------------------------------------------------------------------------------
class FreelanceReviewListOutput(FreelancePublicReviewOutput):
    helpful_by_me = serializers.BooleanField(read_only=True)

    class Meta(FreelancePublicReviewOutput.Meta):
        fields = (*FreelancePublicReviewOutput.Meta.fields, "helpful_by_me")  # type: ignore[assignment]


class FreelanceReviewCreateInput(FreelanceReviewInput):
    order = serializers.UUIDField()


class FreelanceReviewReplyInput(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=2000)


class FreelanceReviewHelpfulOutput(serializers.Serializer[Any]):
    review = serializers.UUIDField()
    helpful = serializers.BooleanField()
    helpful_count = serializers.IntegerField()
