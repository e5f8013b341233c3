"""Categories, gigs with their three packages, orders (with a package snapshot), timelines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lifeline.core.models import TimestampedModel, UUIDModel
from lifeline.freelance.enums import (
    DisputeOutcome,
    DisputeStatus,
    GigStatus,
    LedgerAccount,
    LedgerKind,
    OfferStatus,
    OrderEventKind,
    OrderStatus,
    OrderTier,
    PackageTier,
)

MIN_PRICE = Decimal("1.00")
MAX_PRICE = Decimal("100000.00")


class Category(models.Model):
    """A category or (with a parent) a subcategory; seeded by a data migration."""

    slug = models.SlugField(max_length=64, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_en = models.CharField(max_length=100)
    name_ru = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "slug")
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ru if (get_language() or "").startswith("ru") else self.name_en


class Gig(UUIDModel):
    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="freelance_gigs"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="freelance_gigs"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="gigs")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=5000)
    tags = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=GigStatus.choices, default=GigStatus.DRAFT, db_index=True
    )
    rejection_reason = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Exact averages: the sum and the count change together in one UPDATE (F expressions).
    rating_sum = models.PositiveIntegerField(default=0)
    reviews_count = models.PositiveIntegerField(default=0)
    communication_sum = models.PositiveIntegerField(default=0)
    as_described_sum = models.PositiveIntegerField(default=0)
    recommend_count = models.PositiveIntegerField(default=0)
    orders_completed = models.PositiveIntegerField(default=0)
    # Moves with the Favourite rows in the same transaction, only when a row is really
    # inserted or deleted (F expressions), so it stays equal to COUNT(favourites).
    favourites_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("gig")
        verbose_name_plural = _("gigs")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self) -> str:
        return self.title

    def _per_review(self, total: int) -> Decimal | None:
        if not self.reviews_count:
            return None
        return (Decimal(total) / Decimal(self.reviews_count)).quantize(Decimal("0.01"))

    @property
    def rating_average(self) -> Decimal | None:
        return self._per_review(self.rating_sum)

    @property
    def communication_average(self) -> Decimal | None:
        return self._per_review(self.communication_sum)

    @property
    def as_described_average(self) -> Decimal | None:
        return self._per_review(self.as_described_sum)

    @property
    def recommend_percent(self) -> int | None:
        if not self.reviews_count:
            return None
        return round(100 * self.recommend_count / self.reviews_count)


class GigPackage(models.Model):
    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="packages")
    tier = models.CharField(max_length=10, choices=PackageTier.choices)
    title = models.CharField(max_length=80)
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(MIN_PRICE), MaxValueValidator(MAX_PRICE)],
    )
    delivery_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    revisions = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    features = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("gig package")
        verbose_name_plural = _("gig packages")
        constraints = [
            models.UniqueConstraint(fields=["gig", "tier"], name="freelance_package_tier_unique"),
            models.CheckConstraint(condition=Q(price__gt=0), name="freelance_package_price_pos"),
            models.CheckConstraint(
                condition=Q(delivery_days__gte=1, delivery_days__lte=90),
                name="freelance_package_days_range",
            ),
            models.CheckConstraint(
                condition=Q(revisions__lte=10), name="freelance_package_revisions_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gig_id}:{self.tier}"


class Order(UUIDModel):
    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="freelance_orders"
    )
    gig = models.ForeignKey(Gig, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="freelance_purchases"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="freelance_sales"
    )
    # The package as bought: later edits of the gig never change an order in flight.
    gig_title = models.CharField(max_length=120)
    tier = models.CharField(max_length=10, choices=OrderTier.choices)
    package_title = models.CharField(max_length=80)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    delivery_days = models.PositiveSmallIntegerField()
    revisions_allowed = models.PositiveSmallIntegerField()
    revisions_used = models.PositiveSmallIntegerField(default=0)
    features = models.JSONField(default=list, blank=True)

    status = models.CharField(
        max_length=24,
        choices=OrderStatus.choices,
        default=OrderStatus.AWAITING_REQUIREMENTS,
        db_index=True,
    )
    requirements = models.TextField(max_length=5000, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The buyer's consent to show this order in the seller's portfolio (set by the buyer only).
    portfolio_consent = models.BooleanField(default=False)
    cancel_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Durable deadlines swept by `freelance.run_due` (lifeline.core.jobs.claim_due).
    auto_complete_at = models.DateTimeField(null=True, blank=True, db_index=True)
    auto_complete_claimed_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True, db_index=True)
    remind_claimed_at = models.DateTimeField(null=True, blank=True)
    # Late: the sweep claims in-progress orders past `due_at` and flags them (`late_at`).
    late_at = models.DateTimeField(null=True, blank=True)
    late_claimed_at = models.DateTimeField(null=True, blank=True)
    # Money, recorded not moved (the ledger holds the movements; these are the order's terms).
    fee_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    platform_fee = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    seller_net = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    refunded_amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    clears_at = models.DateTimeField(null=True, blank=True, db_index=True)
    clearance_claimed_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "due_at"], name="freelance_order_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(buyer=models.F("seller")), name="freelance_order_not_self"
            ),
            models.CheckConstraint(
                condition=Q(revisions_used__lte=models.F("revisions_allowed")),
                name="freelance_order_revisions_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gig_title} ({self.tier})"

    @property
    def revisions_left(self) -> int:
        return max(self.revisions_allowed - self.revisions_used, 0)

    @property
    def is_late(self) -> bool:
        """In progress past the due time (flagged by the sweep, or due before the next sweep)."""
        if self.status != OrderStatus.IN_PROGRESS or self.due_at is None:
            return False
        return self.late_at is not None or self.due_at <= timezone.now()


class OrderEvent(TimestampedModel):
    """One line of an order's timeline (deliveries and revision requests carry a message)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=OrderEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(max_length=5000, blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ("created_at", "id")


class Review(UUIDModel):
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="review")
    gig = models.ForeignKey(Gig, on_delete=models.PROTECT, related_name="reviews")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    communication = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    as_described = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_recommend = models.BooleanField()
    comment = models.TextField(max_length=2000, blank=True)
    # The gig's seller answers once; the answer is not edited afterwards.
    reply = models.TextField(max_length=2000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    # Moves with the ReviewHelpfulVote rows in the same transaction (F expressions), only
    # when a vote row is really inserted or deleted, so it stays equal to COUNT(votes).
    helpful_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["gig", "-helpful_count", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="freelance_review_rating_range"
            ),
            models.CheckConstraint(
                condition=Q(communication__gte=1, communication__lte=5),
                name="freelance_review_communication_range",
            ),
            models.CheckConstraint(
                condition=Q(as_described__gte=1, as_described__lte=5),
                name="freelance_review_as_described_range",
            ),
        ]


class ReviewHelpfulVote(models.Model):
    """One "helpful" vote per user and review: voting twice changes nothing."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="freelance_helpful_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.review_id}"


class LedgerEntry(TimestampedModel):
    """One line of the money record. Each posting (an order's payment, earning, clearance or
    refund) writes entries that sum to zero, once (unique per order, kind and account), so
    every balance can be rebuilt from this table and stays exact (Decimal, no floats)."""

    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="ledger")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    account = models.CharField(max_length=20, choices=LedgerAccount.choices)
    kind = models.CharField(max_length=12, choices=LedgerKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["holder", "account"], name="freelance_ledger_holder")]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "account"], name="freelance_ledger_once"
            )
        ]


class SellerBalance(models.Model):
    """A seller's balance per currency, moved in the same transaction as its ledger entries
    (F expressions) and rebuildable from them (`services.money.balance_rebuild`)."""

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="freelance_balances"
    )
    currency = models.CharField(max_length=3, default="USD")
    pending = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    cleared = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("seller balance")
        verbose_name_plural = _("seller balances")
        constraints = [
            models.UniqueConstraint(fields=["seller", "currency"], name="freelance_balance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.seller_id}: {self.pending}/{self.cleared} {self.currency}"


class Dispute(UUIDModel):
    """One per order: opened by a party from in progress or delivered; the order is frozen
    (status `disputed`) until a moderator of its marketplace resolves it."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="dispute")
    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN, db_index=True
    )
    status_before = models.CharField(max_length=24, choices=OrderStatus.choices)
    outcome = models.CharField(max_length=10, choices=DisputeOutcome.choices, blank=True)
    refund_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    resolution = models.TextField(max_length=2000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status}"


class Favourite(TimestampedModel):
    """A gig a buyer saved; one row per buyer and gig."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="freelance_favourites"
    )
    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="favourites")

    class Meta:
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["user", "gig"], name="freelance_favourite_unique")
        ]


class PortfolioItem(UUIDModel):
    """A sample of a seller's work; optionally linked to a completed order the buyer allowed."""

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="freelance_portfolio"
    )
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=5000, blank=True)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="portfolio_items"
    )

    class Meta:
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        ordering = ("-created_at", "-id")


class DisputeMessage(TimestampedModel):
    """The dispute's thread between the two parties and the marketplace's moderators."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    from_moderator = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("dispute message")
        verbose_name_plural = _("dispute messages")
        ordering = ("created_at", "id")


class CustomOffer(UUIDModel):
    """A seller's offer to one buyer, tied to one of the seller's gigs: what, for how much, in
    how many days, with how many revisions. The buyer accepts it into an order (a snapshot of
    the offer) or declines; it expires after `FREELANCE_OFFER_EXPIRY_DAYS`. One pending offer
    per gig and buyer (a partial unique constraint)."""

    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="+"
    )
    gig = models.ForeignKey(Gig, on_delete=models.PROTECT, related_name="offers")
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(max_length=2000)
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(MIN_PRICE), MaxValueValidator(MAX_PRICE)],
    )
    delivery_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    revisions = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING, db_index=True
    )
    expires_at = models.DateTimeField(db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    order = models.OneToOneField(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="offer"
    )

    class Meta:
        verbose_name = _("custom offer")
        verbose_name_plural = _("custom offers")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["gig", "buyer"],
                condition=Q(status="pending"),
                name="freelance_offer_one_pending",
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="freelance_offer_price_pos"),
            models.CheckConstraint(
                condition=Q(delivery_days__gte=1, delivery_days__lte=90),
                name="freelance_offer_days_range",
            ),
            models.CheckConstraint(
                condition=Q(revisions__lte=10), name="freelance_offer_revisions_range"
            ),
            models.CheckConstraint(
                condition=~Q(buyer=models.F("seller")), name="freelance_offer_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gig_id} -> {self.buyer_id}: {self.status}"


class PortfolioImage(TimestampedModel):
    """An image of a portfolio item: a stored file (files service, re-encoded) attached to it."""

    item = models.ForeignKey(PortfolioItem, on_delete=models.CASCADE, related_name="images")
    file = models.OneToOneField("files.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("portfolio image")
        verbose_name_plural = _("portfolio images")
        ordering = ("created_at", "id")


class OrderFile(TimestampedModel):
    """A file of an order: given with the requirements (buyer) or with a delivery (seller).

    The stored file (files service: type from the bytes, images re-encoded) is attached to the
    order, so the files access rule for "freelance.order" decides who downloads it: the buyer,
    the seller, and a moderator of the marketplace once the order is disputed.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="files")
    event = models.ForeignKey(OrderEvent, on_delete=models.CASCADE, related_name="files")
    file = models.OneToOneField("files.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("order file")
        verbose_name_plural = _("order files")
        ordering = ("created_at", "id")


class GigDailyStat(models.Model):
    """Impressions (the gig shown in the catalogue or search) and clicks (its page opened) of a
    gig on one day: one row per gig and day, moved by F expressions, never a row per view."""

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="daily_stats")
    day = models.DateField()
    impressions = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("gig daily statistics")
        verbose_name_plural = _("gig daily statistics")
        constraints = [
            models.UniqueConstraint(fields=["gig", "day"], name="freelance_gig_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.gig_id} {self.day}: {self.impressions}/{self.clicks}"


class GigInquiry(TimestampedModel):
    """A buyer asked the seller about a gig before ordering (opened the gig's conversation in
    the messenger through this module). It is what lets the seller answer with a custom offer:
    a seller cannot approach a buyer who never wrote to them."""

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="inquiries")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="freelance_inquiries"
    )

    class Meta:
        verbose_name = _("gig inquiry")
        verbose_name_plural = _("gig inquiries")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["gig", "buyer"], name="freelance_inquiry_unique")
        ]


class GigImage(UUIDModel):
    """A picture of a gig, stored by the files service (re-encoded without metadata, served
    only through the access-checked views); one is the primary (shown on cards), the others
    follow `position`."""

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="images")
    file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="freelance_gig_image"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_primary = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("gig image")
        verbose_name_plural = _("gig images")
        ordering = ("-is_primary", "position", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["gig"], condition=Q(is_primary=True), name="freelance_gig_image_one_primary"
            ),
        ]
