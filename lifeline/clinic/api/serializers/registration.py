"""Input and output serializers of the clinic API:
invitations, legal documents, clinics and doctor registration."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class InvitationCreateInput(serializers.Serializer[Any]):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organization = serializers.UUIDField(required=False)


class InvitationOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    organization_id = serializers.UUIDField()
    expires_at = serializers.DateTimeField()
    used_at = serializers.DateTimeField(allow_null=True)


class InvitationPublicOutput(serializers.Serializer[Any]):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    organization_name = serializers.CharField(source="organization.name")
    doctor_name = serializers.CharField(source="invited_by.display_name")
    expires_at = serializers.DateTimeField()


class AcceptedVersionsField(serializers.DictField):
    child = serializers.CharField(max_length=32)


class InvitationAcceptInput(serializers.Serializer[Any]):
    password = serializers.CharField(write_only=True, max_length=128)
    full_name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    middle_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    accepted_versions = AcceptedVersionsField(
        required=False,
        help_text=(
            'Versions accepted, e.g. {"user_agreement": "1.0", "personal_data_policy": "1.0"}'
        ),
    )


class LegalDocumentOutput(serializers.Serializer[Any]):
    kind = serializers.CharField()
    version = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    effective_at = serializers.DateTimeField()


class DoctorRegisterInput(serializers.Serializer[Any]):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, max_length=128)
    first_name = serializers.CharField(max_length=150)
    middle_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150)
    specialty = serializers.CharField(max_length=200)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    workplace = serializers.CharField(max_length=300, required=False, allow_blank=True)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    area_of_interest = serializers.CharField(max_length=300, required=False, allow_blank=True)
    organization = serializers.UUIDField()
    accepted_versions = AcceptedVersionsField()
    language = serializers.ChoiceField(choices=["ru", "en"], required=False)


class DoctorRegisterOutput(serializers.Serializer[Any]):
    detail = serializers.CharField()


class ClinicOrganizationOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
