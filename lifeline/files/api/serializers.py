from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from lifeline.core.api.serializers import ModelOutput
from lifeline.files.enums import FileKind
from lifeline.files.models import StoredFile


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
