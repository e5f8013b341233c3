from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lifeline.core.admin_labels import column
from lifeline.notifications.models import Delivery, Notification, PushDevice


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "target", "status", "attempts", "provider_message_id", "sent_at")
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("topic", "recipient", "critical", column("created_at", _("created")), "read_at")
    list_select_related = ("recipient",)
    list_filter = ("topic", "critical")
    raw_id_fields = ("recipient",)
    inlines = (DeliveryInline,)
    # The body may be personal: the admin shows the delivery log, not a way to edit text.
    readonly_fields = ("recipient", "topic", "title", "body", "data", "critical")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "notification",
        "channel",
        "status",
        "attempts",
        "sent_at",
        column("created_at", _("created")),
    )
    list_filter = ("channel", "status")
    raw_id_fields = ("notification", "device")
    readonly_fields = ("provider_response",)


@admin.register(PushDevice)
class PushDeviceAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "kind",
        "user_agent",
        "last_used_at",
        column("created_at", _("created")),
    )
    list_filter = ("kind",)
    raw_id_fields = ("user",)
    exclude = ("token", "p256dh", "auth")
