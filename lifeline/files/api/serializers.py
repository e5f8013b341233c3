from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from lifeline.core.api.serializers import ModelOutput
from lifeline.files import conf
from lifeline.files.enums import FileKind
from lifeline.files.models import StoredFile, UploadSession


class FileUploadInput(serializers.Serializer):
    # Emptiness and size are the service's rules (stable `files.*` codes), not the field's.
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    kind = serializers.ChoiceField(choices=FileKind.choices)


class FileOutput(ModelOutput):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = StoredFile
        fields = (
            "id",
            "kind",
            "content_type",
            "size_bytes",
            "original_name",
            "created_at",
            "download_url",
        )
        read_only_fields = fields

    def get_download_url(self, obj: StoredFile) -> str:
        path = reverse("files:file-download", kwargs={"file_id": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class UploadCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FileKind.choices)
    filename = serializers.CharField(max_length=255)
    # Limits are the service's rules (stable `files.*` codes), not the field's.
    size_bytes = serializers.IntegerField(min_value=0)
    sha256 = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$",
        required=False,
        allow_blank=True,
        default="",
        help_text="SHA-256 of the whole file (hex); checked when the last byte arrives.",
    )


class UploadOutput(ModelOutput):
    file = FileOutput(read_only=True, allow_null=True)
    max_chunk_bytes = serializers.SerializerMethodField()

    class Meta:
        model = UploadSession
        fields = (
            "id",
            "kind",
            "filename",
            "size_bytes",
            "offset",
            "status",
            "error_code",
            "expires_at",
            "max_chunk_bytes",
            "file",
        )
        read_only_fields = fields

    def get_max_chunk_bytes(self, obj: UploadSession) -> int:
        return conf.chunk_max_bytes()
