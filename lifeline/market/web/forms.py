"""Forms of the market pages: they parse GETs and POSTs; the views call one selector or
service with the result."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.market.enums import Condition
from lifeline.market.models import Category


class CategoryChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Category) -> str:
        return f"— {obj.name}" if obj.parent_id else obj.name


RATING_CHOICES = [("4", _("4 and above")), ("3", _("3 and above"))]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("search field", "Search"), required=False, max_length=200
    )
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All categories"),
    )
    condition = forms.ChoiceField(
        label=_("Condition"),
        choices=[("", _("Any condition")), *Condition.choices],
        required=False,
    )
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    price_min = forms.DecimalField(
        label=_("Price from"), required=False, min_value=Decimal(0), decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("Price to"), required=False, min_value=Decimal(0), decimal_places=2
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    min_rating = forms.TypedChoiceField(
        label=_("Rating"),
        required=False,
        coerce=Decimal,
        empty_value=None,
        choices=[("", _("Any rating")), *RATING_CHOICES],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            # Empty: by relevance with a query (title matches first), else newest first.
            ("", _("Best match")),
            ("newest", _("Newest first")),
            ("price_asc", _("Cheapest first")),
            ("price_desc", _("Most expensive first")),
            ("rating", _("Best rated first")),
        ],
    )

    def show_counts(
        self,
        *,
        categories: list[Category],
        category_counts: dict[str, int],
        facets: dict[str, Any],
    ) -> None:
        """Each choice with the number of products choosing it would give ("Phones (7)"), from
        one `product_facets()` result: no query here (`categories` is the loaded tree)."""

        def counted(label: Any, count: int) -> str:
            return f"{label} ({count})"

        category = cast(CategoryChoiceField, self.fields["category"])
        category.choices = [
            ("", category.empty_label),
            *(
                (c.slug, counted(category.label_from_instance(c), category_counts.get(c.slug, 0)))
                for c in categories
            ),
        ]
        conditions = {row["value"]: row["count"] for row in facets["conditions"]}
        condition = cast(forms.ChoiceField, self.fields["condition"])
        condition.choices = [
            ("", _("Any condition")),
            *(
                (value, counted(label, conditions.get(value, 0)))
                for value, label in Condition.choices
            ),
        ]
        ratings = {row["value"]: row["count"] for row in facets["ratings"]}
        rating = cast(forms.ChoiceField, self.fields["min_rating"])
        rating.choices = [
            ("", _("Any rating")),
            *((value, counted(label, ratings.get(value, 0))) for value, label in RATING_CHOICES),
        ]
        in_stock = counted(_("In stock only"), facets["in_stock"])
        # A bound form has made its bound fields already (validation), each with the label.
        self.fields["in_stock"].label = self["in_stock"].label = in_stock


class ProductForm(forms.Form):
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.all(), to_field_name="slug"
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )
    price = forms.DecimalField(
        label=_("Price"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    old_price = forms.DecimalField(
        label=_("Old price"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    stock = forms.IntegerField(label=_("In stock"), min_value=0, max_value=1_000_000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        price, old = data.get("price"), data.get("old_price")
        if price is not None and old is not None and old <= price:
            self.add_error("old_price", _("Must be above the price."))
        return data


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999)
    variant = forms.IntegerField(label=_("Variant"), required=False, min_value=1)


class VariantForm(forms.Form):
    """A new variant: one text field per attribute of the product's category."""

    price = forms.DecimalField(
        label=_("Price"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    stock = forms.IntegerField(label=_("In stock"), min_value=0, max_value=1_000_000)

    def __init__(self, *args: Any, attributes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attribute_codes = [a.code for a in attributes]
        for attribute in attributes:
            self.fields[f"attr_{attribute.code}"] = forms.CharField(
                label=attribute.name, max_length=60, required=False
            )
        # The attributes first, then the price and the stock.
        self.order_fields([f"attr_{a.code}" for a in attributes])

    def attribute_values(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"attr_{code}", "") or "" for code in self.attribute_codes
        }


class VariantStockForm(forms.Form):
    price = forms.DecimalField(
        label=_("Price"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    stock = forms.IntegerField(label=_("In stock"), min_value=0, max_value=1_000_000)


class WishListNameForm(forms.Form):
    name = forms.CharField(label=_("List name"), max_length=100)


class WishListChoiceForm(forms.Form):
    """Add a product to one of the buyer's lists, or to a new list named here."""

    wishlist = forms.UUIDField(required=False)
    name = forms.CharField(label=_("New list"), max_length=100, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)]
    )
    text = forms.CharField(
        label=_("Review"), max_length=3000, required=False, widget=forms.Textarea
    )
    pros = forms.CharField(label=_("Pros"), max_length=1000, required=False)
    cons = forms.CharField(label=_("Cons"), max_length=1000, required=False)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), max_length=3000, widget=forms.Textarea)
