"""Forms of the freelance pages (the same limits as the API's serializers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifeline.freelance.enums import TIERS, PackageTier
from lifeline.freelance.levels import SellerLevel
from lifeline.freelance.models import MAX_PRICE, MIN_PRICE, Category, Gig


def _category_choices() -> list[tuple[str, str]]:
    return [(c.slug, str(c)) for c in Category.objects.filter(parent__isnull=False)]


class GigForm(forms.Form):
    title = forms.CharField(label=_("Title"), min_length=10, max_length=120)
    description = forms.CharField(
        label=_("Description"), min_length=20, max_length=5000, widget=forms.Textarea
    )
    category = forms.ChoiceField(label=_("Category"), choices=_category_choices)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=200, help_text=_("Up to 5, comma-separated.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for tier in TIERS:
            name = PackageTier(tier).label
            self.fields[f"{tier}_title"] = forms.CharField(
                label=_("%(tier)s: name") % {"tier": name}, max_length=80
            )
            self.fields[f"{tier}_price"] = forms.DecimalField(
                label=_("%(tier)s: price, USD") % {"tier": name},
                max_digits=10,
                decimal_places=2,
                min_value=MIN_PRICE,
                max_value=MAX_PRICE,
            )
            self.fields[f"{tier}_delivery_days"] = forms.IntegerField(
                label=_("%(tier)s: delivery days") % {"tier": name}, min_value=1, max_value=90
            )
            self.fields[f"{tier}_revisions"] = forms.IntegerField(
                label=_("%(tier)s: revisions") % {"tier": name}, min_value=0, max_value=10
            )
            self.fields[f"{tier}_features"] = forms.CharField(
                label=_("%(tier)s: features (one a line)") % {"tier": name},
                required=False,
                max_length=1200,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean_tags(self) -> list[str]:
        tags = [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]
        if len(tags) > 5 or any(len(t) > 30 for t in tags):
            raise forms.ValidationError(_("Up to 5 tags of up to 30 characters."))
        return tags

    def service_data(self) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "description": data["description"],
            "category": Category.objects.get(slug=data["category"]),
            "tags": data["tags"],
        }
        packages = {
            tier: {
                "title": data[f"{tier}_title"],
                "price": data[f"{tier}_price"],
                "delivery_days": data[f"{tier}_delivery_days"],
                "revisions": data[f"{tier}_revisions"],
                "features": [
                    line.strip()
                    for line in (data[f"{tier}_features"] or "").splitlines()
                    if line.strip()
                ][:10],
            }
            for tier in TIERS
        }
        return fields, packages

    @classmethod
    def initial_for(cls, gig: Gig) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": gig.title,
            "description": gig.description,
            "category": gig.category.slug,
            "tags": ", ".join(gig.tags),
        }
        for package in gig.packages.all():
            for name in ("title", "price", "delivery_days", "revisions"):
                initial[f"{package.tier}_{name}"] = getattr(package, name)
            initial[f"{package.tier}_features"] = "\n".join(package.features)
        return initial


class OfferForm(forms.Form):
    """A custom offer: one of the seller's active gigs, a buyer they have dealt with, terms."""

    gig = forms.ChoiceField(label=pgettext_lazy("freelance", "Gig"))
    buyer = forms.ChoiceField(label=pgettext_lazy("freelance", "Buyer"))
    description = forms.CharField(
        label=_("What you will do"), min_length=10, max_length=2000, widget=forms.Textarea
    )
    price = forms.DecimalField(
        label=_("Price, USD"),
        max_digits=10,
        decimal_places=2,
        min_value=MIN_PRICE,
        max_value=MAX_PRICE,
    )
    delivery_days = forms.IntegerField(
        label=pgettext_lazy("freelance", "Delivery days"), min_value=1, max_value=90
    )
    revisions = forms.IntegerField(
        label=pgettext_lazy("freelance", "Revisions"), min_value=0, max_value=10
    )

    def __init__(self, *args: Any, gigs: Any = (), buyers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gig"].choices = [(str(g.pk), g.title) for g in gigs]  # type: ignore[attr-defined]
        self.fields["buyer"].choices = [(str(b.pk), b.display_name) for b in buyers]  # type: ignore[attr-defined]


class PortfolioItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), min_length=3, max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea
    )
    order = forms.ChoiceField(
        label=_("Completed order (its buyer allowed showing it)"),
        required=False,
        help_text=_(
            "Optional. Only completed orders whose buyers allowed it are listed; ask the buyer "
            "to allow it on the order page."
        ),
    )

    def __init__(self, *args: Any, orders: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order_field = cast("forms.ChoiceField", self.fields["order"])
        order_field.choices = [("", _("Not linked to an order"))] + [
            (
                str(o.pk),
                f"{o.gig_title} · {o.completed_at:%Y-%m-%d}" if o.completed_at else o.gig_title,
            )
            for o in orders
        ]


def _search_category_choices() -> list[tuple[str, str]]:
    categories = list(Category.objects.select_related("parent").order_by("position", "slug"))
    choices: list[tuple[str, str]] = [("", str(_("All categories")))]
    for top in (c for c in categories if c.parent_id is None):
        choices.append((top.slug, str(top)))
        choices += [(c.slug, f"— {c}") for c in categories if c.parent_id == top.pk]
    return choices


class GigSearchForm(forms.Form):
    """The catalogue's search box and filters (the same limits as `GET search/`)."""

    q = forms.CharField(label=_("Search services"), required=False, max_length=200)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_search_category_choices
    )
    price_min = forms.DecimalField(
        label=_("Price from, USD"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("Price up to, USD"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    delivery_days = forms.TypedChoiceField(
        label=_("Delivery"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any time")),
            ("1", _("Within 24 hours")),
            ("3", _("Up to 3 days")),
            ("7", _("Up to 7 days")),
        ],
    )
    min_rating = forms.TypedChoiceField(
        label=_("Rating"),
        required=False,
        coerce=Decimal,
        empty_value=None,
        choices=[("", _("Any rating")), ("4.5", "4.5+"), ("4", "4+"), ("3", "3+")],
    )
    seller_level = forms.ChoiceField(
        label=_("Seller level"),
        required=False,
        choices=[("", _("Any level")), *SellerLevel.choices],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Relevance")),
            ("best_selling", _("Best selling")),
            ("newest", _("Newest")),
            ("price_asc", _("Price: low to high")),
            ("price_desc", _("Price: high to low")),
            ("rating", _("Rating")),
        ],
    )

    def filters(self) -> dict[str, Any]:
        """The valid fields' values (a wrong one is shown with its error and left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value not in (None, "")}
