from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from lifeline.audit.models import AuditEvent
from lifeline.core.api.serializers import ModelOutput


class AuditEventOutput(ModelOutput[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "created_at",
            "actor_id",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "organization_id",
            "result",
            "ip_address",
            "user_agent",
            "request_id",
            "changes",
            "metadata",
        )
        read_only_fields = fields


class AuditEventFilterInput(serializers.Serializer):
    actor = serializers.UUIDField(required=False)
    action = serializers.CharField(required=False, max_length=100)
    target_type = serializers.CharField(required=False, max_length=100)
    target_id = serializers.CharField(required=False, max_length=64)
    organization = serializers.UUIDField(required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since >= until:
            raise serializers.ValidationError({"until": [_("Must be later than since.")]})
        return attrs
