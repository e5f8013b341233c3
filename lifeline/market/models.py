"""Market models: categories, products, carts, orders (one per seller), balances, reviews,
favourites. Money is Decimal with two places in one currency (settings.MARKET_CURRENCY)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from lifeline.core.models import TimestampedModel, UUIDModel
from lifeline.market.enums import Condition, OrderStatus, ProductStatus


class Category(models.Model):
    """A node of the category tree, with its name in each language (seeded by a migration)."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    name_en = models.CharField(max_length=120, verbose_name=_("name in English"))
    name_ru = models.CharField(max_length=120, verbose_name=_("name in Russian"))
    position = models.PositiveSmallIntegerField(
        default=0, verbose_name=pgettext_lazy("market", "position")
    )

    class Meta:
        ordering = ("position", "slug")
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ru if (get_language() or "en").startswith("ru") else self.name_en


class Product(UUIDModel):
    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="market_products"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="market_products",
        verbose_name=_("seller"),
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    title = models.CharField(max_length=200, verbose_name=pgettext_lazy("market", "title"))
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    description = models.TextField(max_length=5000, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, verbose_name=_("price"))
    old_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    condition = models.CharField(
        max_length=16, choices=Condition.choices, default=Condition.NEW, verbose_name=_("condition")
    )
    city = models.CharField(max_length=100, blank=True)
    stock = models.PositiveIntegerField(default=0, verbose_name=_("stock"))
    status = models.CharField(
        max_length=16,
        choices=ProductStatus.choices,
        default=ProductStatus.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    # Set when a moderator approved it (not for sellers in good standing, whose products go
    # live at once).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_reason = models.CharField(max_length=500, blank=True)
    # Kept exact by the review service in the database (F expressions), never recomputed from
    # a float average.
    rating_count = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["status", "category", "price"]),
            models.Index(fields=["seller", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="market_product_price_positive"),
            models.CheckConstraint(
                condition=Q(old_price__isnull=True) | Q(old_price__gt=models.F("price")),
                name="market_product_old_price_above_price",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rating_average(self) -> Decimal | None:
        """The exact mean rating, rounded to two places; None without reviews."""
        if not self.rating_count:
            return None
        return (Decimal(self.rating_sum) / Decimal(self.rating_count)).quantize(Decimal("0.01"))


class Attribute(models.Model):
    """A property the products of a category (and of its subcategories) are offered in, e.g.
    size or colour; a variant gives it a value. Seeded by a migration."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(max_length=40)
    name_en = models.CharField(max_length=80)
    name_ru = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ("position", "code")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="market_attribute_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ru if (get_language() or "en").startswith("ru") else self.name_en


class Variant(TimestampedModel):
    """One way a product is offered (e.g. size M in red) with its own price and stock. A
    product with variants is sold only by variant: its own `price` is the lowest variant
    price and its `stock` the sum of theirs (kept by the services)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    # {attribute code: value}, codes from the category's attributes.
    attributes = models.JSONField(default=dict)
    name = models.CharField(max_length=200)  # "M / red", built from the values
    price = models.DecimalField(max_digits=12, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ("price", "id")
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="market_variant_once"),
            models.CheckConstraint(condition=Q(price__gt=0), name="market_variant_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductImage(UUIDModel):
    """A picture of a product, stored by the files service (re-encoded, private URL); one is
    the primary (shown on cards), the others follow `position`."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="market_product_image"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_primary = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ("-is_primary", "position", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(is_primary=True),
                name="market_image_one_primary",
            ),
        ]


class Cart(TimestampedModel):
    buyer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_cart"
    )

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")


class CartItem(TimestampedModel):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("cart item")
        verbose_name_plural = _("cart items")
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "product"],
                condition=Q(variant__isnull=True),
                name="market_cart_item_unique",
            ),
            models.UniqueConstraint(
                fields=["cart", "variant"],
                condition=Q(variant__isnull=False),
                name="market_cart_variant_unique",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="market_cart_qty_positive"),
        ]

    @property
    def unit_price(self) -> Decimal:
        return self.variant.price if self.variant is not None else self.product.price

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class Checkout(UUIDModel):
    """One checkout of one cart: the buyer's view of what was paid, split into orders."""

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="market_checkouts"
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")


class Order(UUIDModel):
    """One seller's part of a checkout: that seller sees and fulfils only this."""

    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
    organization = models.ForeignKey(
        "access.Organization", on_delete=models.PROTECT, related_name="market_orders"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="market_orders",
        verbose_name=_("buyer"),
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="market_sales",
        verbose_name=_("seller"),
    )
    status = models.CharField(
        max_length=16,
        choices=OrderStatus.choices,
        default=OrderStatus.NEW,
        db_index=True,
        verbose_name=_("status"),
    )
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, verbose_name=_("subtotal"))
    fee = models.DecimalField(max_digits=12, decimal_places=2, verbose_name=_("fee"))
    seller_amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    cancel_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["seller", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(seller_amount=models.F("subtotal") - models.F("fee")),
                name="market_order_amounts_add_up",
            ),
        ]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.PROTECT, related_name="order_lines"
    )
    title = models.CharField(max_length=200)  # as it was at checkout
    variant_name = models.CharField(max_length=200, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.quantity} x {self.title}"


class SellerBalance(TimestampedModel):
    """What the platform owes a seller: `pending` for orders not yet delivered, `available`
    once delivered. Changed only in the database (F expressions) by the order services."""

    seller = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="market_balance",
        verbose_name=_("seller"),
    )
    pending = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), verbose_name=_("pending")
    )
    available = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), verbose_name=_("available")
    )
    currency = models.CharField(max_length=3, verbose_name=_("currency"))

    class Meta:
        verbose_name = _("seller balance")
        verbose_name_plural = _("seller balances")


class Review(TimestampedModel):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("product")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="market_reviews",
        verbose_name=_("author"),
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], verbose_name=_("rating")
    )
    text = models.TextField(max_length=3000, blank=True)
    pros = models.CharField(max_length=1000, blank=True)
    cons = models.CharField(max_length=1000, blank=True)
    verified_purchase = models.BooleanField(default=False, verbose_name=_("verified purchase"))
    seller_answer = models.TextField(max_length=3000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["product", "author"], name="market_review_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="market_review_rating_range"
            ),
        ]


class Favourite(TimestampedModel):
    """`created_at` is the date the product was added to favourites."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_favourites"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="favourites")

    class Meta:
        # A context: freelance's catalogue translates the bare words as «избранная услуга».
        verbose_name = pgettext_lazy("product", "favourite")
        verbose_name_plural = pgettext_lazy("product", "favourites")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="market_favourite_once"),
        ]


class WishList(UUIDModel):
    """A named list of products; anyone with its private link may read it while shared."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_wish_lists"
    )
    name = models.CharField(max_length=100)
    # A random token (secrets.token_urlsafe); empty while not shared. Unsharing clears it,
    # so an old link stops working.
    share_token = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("wish list")
        verbose_name_plural = _("wish lists")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.name


class WishListItem(TimestampedModel):
    wish_list = models.ForeignKey(WishList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("wish list item")
        verbose_name_plural = _("wish list items")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["wish_list", "product"], name="market_wish_once"),
        ]
