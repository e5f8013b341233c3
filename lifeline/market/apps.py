from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def order_page(data: Mapping[str, Any]) -> str:
    return reverse("market-web:order", kwargs={"order_id": data["order_id"]})


def product_page(data: Mapping[str, Any]) -> str:
    return reverse("market-web:product", kwargs={"slug": data["slug"]})


class MarketConfig(AppConfig):
    name = "lifeline.market"
    label = "market"
    verbose_name = _("Marketplace")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from lifeline.access.enums import Role
        from lifeline.core.demo import register
        from lifeline.core.home import register_home_tile
        from lifeline.files.permissions import register_access_rule
        from lifeline.market.demo import seed
        from lifeline.market.permissions import can_view_product_image
        from lifeline.market.search import ensure_search_index
        from lifeline.market.web.session_cart import merge_at_sign_in
        from lifeline.notifications.enums import Channel
        from lifeline.notifications.topics import register_topic

        register_home_tile(
            "market-web:home",
            title=_("Marketplace"),
            description=_("Products of many sellers: cart, orders, reviews and moderation."),
            roles=[Role.SELLER, Role.BUYER, Role.MODERATOR],
        )

        normal = [Channel.IN_APP, Channel.PUSH]
        register_topic(
            "market.order_placed",
            link=order_page,
            title=_("You have a new order"),
            default_channels=normal,
        )
        register_topic(
            "market.order_updated",
            link=order_page,
            title=_("Your order has changed"),
            default_channels=normal,
        )
        register_topic(
            "market.product_reviewed",
            link=product_page,
            title=_("A moderator has reviewed your product"),
            default_channels=[Channel.IN_APP],
        )
        register(seed)
        # Files attached to product images: whoever may open the product sees them.
        register_access_rule("market.productimage", can_view_product_image)
        post_migrate.connect(ensure_search_index, sender=self)
        # A visitor's session cart joins the buyer's cart at sign-in.
        user_logged_in.connect(merge_at_sign_in, dispatch_uid="market-merge-session-cart")
