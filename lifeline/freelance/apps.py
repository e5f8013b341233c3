from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def order_page(data: Mapping[str, Any]) -> str:
    return reverse("freelance-web:order", kwargs={"order_id": data["order_id"]})


def gig_page(data: Mapping[str, Any]) -> str:
    return reverse("freelance-web:gig-edit", kwargs={"gig_id": data["gig_id"]})


def offers_page(data: Mapping[str, Any]) -> str:
    return reverse("freelance-web:offers")


class FreelanceConfig(AppConfig):
    name = "lifeline.freelance"
    label = "freelance"
    verbose_name = _("Freelance")

    def ready(self) -> None:
        from lifeline.access.enums import Role
        from lifeline.core.demo import register
        from lifeline.core.home import register_home_tile
        from lifeline.files.permissions import register_access_rule
        from lifeline.freelance.demo import seed
        from lifeline.freelance.permissions import can_view_gig_image, can_view_order_files
        from lifeline.notifications.enums import Channel
        from lifeline.notifications.topics import register_topic

        register_home_tile(
            "freelance-web:home",
            title=_("Freelance"),
            description=_("Gigs, orders from requirements to delivery, and gig moderation."),
            roles=[Role.SELLER, Role.FREELANCER, Role.BUYER, Role.MODERATOR],
        )

        quiet = [Channel.IN_APP, Channel.EMAIL]
        register_topic(
            "freelance.order_updated",
            link=order_page,
            title=_("Your order has news"),
            default_channels=quiet,
        )
        register_topic(
            "freelance.order_auto_complete_soon",
            link=order_page,
            title=_("A delivered order completes itself tomorrow"),
            default_channels=quiet,
        )
        register_topic(
            "freelance.dispute_opened",
            link=order_page,
            title=_("An order dispute waits for a moderator"),
            default_channels=quiet,
        )
        register_topic(
            "freelance.offer_received",
            link=offers_page,
            title=_("A seller sent you a custom offer"),
            default_channels=quiet,
        )
        register_topic(
            "freelance.offer_decided",
            link=offers_page,
            title=_("A custom offer was answered"),
            default_channels=quiet,
        )
        register_topic(
            "freelance.gig_moderated",
            link=gig_page,
            title=_("A moderator has reviewed your gig"),
            default_channels=quiet,
        )
        # Portfolio images are public (the profile shows them): any signed-in user may download
        # them through the files API; anonymous visitors get them from the profile's image view.
        register_access_rule("freelance.portfolioitem", lambda user, item: True)
        # Requirement and delivery files: the order's parties, a moderator once it is disputed.
        register_access_rule("freelance.order", can_view_order_files)
        # Gig images: whoever may open the gig (anyone, for an active gig).
        register_access_rule("freelance.gigimage", can_view_gig_image)
        register(seed)
        from lifeline.freelance import chat_policy

        chat_policy.register()  # the messenger's "freelance.order" conversations

        from django.db.models.signals import post_migrate

        from lifeline.freelance.search import GIGS

        # SQLite drops the search index's triggers when a migration rebuilds the gig table.
        post_migrate.connect(GIGS.ensure, sender=self, dispatch_uid="freelance-search-index")
