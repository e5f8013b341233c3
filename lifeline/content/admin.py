from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lifeline.content.models import Channel, ChannelMembership, Flag, Post
from lifeline.core.admin_labels import column


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "visibility", "member_count", "deleted_at")
    search_fields = ("name", "slug")


@admin.register(ChannelMembership)
class ChannelMembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("channel", "user", "role", "status", "muted_until")
    list_filter = ("role", "status")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "channel", "status", "like_count", "comment_count", "flag_score")
    list_filter = ("status",)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "channel",
        "reason",
        "status",
        "weight",
        column("created_at", _("created")),
    )
    list_filter = ("status", "reason")
