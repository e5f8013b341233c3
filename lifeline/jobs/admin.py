from django.contrib import admin

from lifeline.jobs.models import ScheduledJob


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ("task_name", "run_at", "status", "attempts", "queue", "finished_at")
    list_filter = ("status", "queue")
    search_fields = ("task_name", "idempotency_key")
    readonly_fields = ("claimed_at", "claimed_by", "finished_at", "attempts", "last_error")
    ordering = ("-run_at",)
