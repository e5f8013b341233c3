from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FileKind(models.TextChoices):
    """What an upload is for; each kind has its own allow-list and size limit (`kinds.py`)."""

    IMAGE = "image", _("Image")
    DOCUMENT = "document", _("Document (PDF or office)")
    ATTACHMENT = "attachment", _("Attachment (image or PDF)")
    VOICE = "voice", _("Voice message")
    CALL_RECORDING = "call_recording", _("Call recording")
    DELIVERABLE = "deliverable", _("Work file (archive, document, image or audio)")


class UploadStatus(models.TextChoices):
    """Where a resumable upload stands: receiving chunks, stored as a file, or refused."""

    # With a context: the project-wide catalogue is searched before every app's, so a bare
    # "Completed" here would replace the word on every page (a freelance order showed the
    # upload's «Завершено»).
    OPEN = "open", pgettext_lazy("upload status", "Receiving")
    COMPLETED = "completed", pgettext_lazy("upload status", "Completed")
    REJECTED = "rejected", pgettext_lazy("upload status", "Rejected")
