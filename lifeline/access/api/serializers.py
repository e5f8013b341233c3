from __future__ import annotations

from rest_framework import serializers

from lifeline.access.enums import Role
from lifeline.access.models import Membership, Organization
from lifeline.core.api.serializers import ModelOutput


class OrganizationOutput(ModelOutput[Organization]):
    class Meta:
        model = Organization
        fields = ("id", "name", "slug", "kind", "is_active", "created_at")
        read_only_fields = fields


class MembershipUserOutput(serializers.Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()
    email = serializers.EmailField(allow_null=True)


class MembershipOutput(ModelOutput[Membership]):
    user = MembershipUserOutput()
    organization_id = serializers.UUIDField()

    class Meta:
        model = Membership
        fields = (
            "id",
            "user",
            "organization_id",
            "role",
            "is_active",
            "approved_at",
            "revoked_at",
            "created_at",
        )
        read_only_fields = fields


class MembershipGrantInput(serializers.Serializer):
    user_id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=Role.choices)
