from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lifeline.core.admin_labels import column
from lifeline.market.models import Category, Order, OrderLine, Product, Review, SellerBalance


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_ru", "parent", "position")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "slug",
        "status",
        "price",
        "stock",
        "seller",
        column("created_at", _("created")),
    )
    list_filter = ("status", "condition")
    search_fields = ("title", "slug")
    raw_id_fields = ("seller", "approved_by", "organization")
    # Stock, status and rating totals change only through the services.
    readonly_fields = ("slug", "status", "stock", "rating_count", "rating_sum")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ("product", "title", "unit_price", "quantity", "line_total")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        column("id", _("ID")),
        "status",
        "subtotal",
        "fee",
        "seller",
        "buyer",
        column("created_at", _("created")),
    )
    list_filter = ("status",)
    raw_id_fields = ("buyer", "seller", "checkout", "organization")
    readonly_fields = ("status", "subtotal", "fee", "seller_amount", "currency")
    inlines = (OrderLineInline,)


@admin.register(SellerBalance)
class SellerBalanceAdmin(admin.ModelAdmin):
    list_display = ("seller", "pending", "available", "currency")
    raw_id_fields = ("seller",)
    readonly_fields = ("pending", "available", "currency")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = (
        "product",
        "author",
        "rating",
        "verified_purchase",
        column("created_at", _("created")),
    )
    raw_id_fields = ("product", "author")
