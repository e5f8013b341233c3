"""What each kind of upload may contain and how large it may be.

Content types here are the canonical types `detection.detect_content_type` returns. Size limits
can be overridden per kind with `LIFELINE_UPLOAD_MAX_BYTES_<KIND>` (one request) and
`LIFELINE_UPLOAD_RESUMABLE_MAX_BYTES_<KIND>` (resumable, chunked uploads; only kinds with a
resumable limit accept them), see config/settings.py.
Legacy binary Office formats (.doc/.xls) are deliberately absent: they cannot be told apart
reliably by content and commonly carry macros.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from lifeline.files.enums import FileKind

MB = 1024 * 1024

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
OGG = "audio/ogg"
WEBM = "audio/webm"
MP3 = "audio/mpeg"
WAV = "audio/wav"
M4A = "audio/mp4"
ZIP = "application/zip"

IMAGE_TYPES = frozenset({JPEG, PNG, WEBP})
OFFICE_TYPES = frozenset({DOCX, XLSX, ODT, ODS})
AUDIO_TYPES = frozenset({OGG, WEBM, MP3, WAV, M4A})

# Types a browser may render inline (`?inline=1`); everything else is always an attachment.
INLINE_TYPES = IMAGE_TYPES | AUDIO_TYPES | {PDF}

# The extension a download gets for each type, whatever the uploader called the file.
EXTENSIONS = {
    JPEG: "jpg",
    PNG: "png",
    WEBP: "webp",
    PDF: "pdf",
    DOCX: "docx",
    XLSX: "xlsx",
    ODT: "odt",
    ODS: "ods",
    OGG: "ogg",
    WEBM: "webm",
    MP3: "mp3",
    WAV: "wav",
    M4A: "m4a",
    ZIP: "zip",
}

# What a person reads for each type ("JPEG, PNG, PDF"), in this order, never a MIME code.
TYPE_NAMES = {
    JPEG: "JPEG",
    PNG: "PNG",
    WEBP: "WebP",
    PDF: "PDF",
    DOCX: "Word (DOCX)",
    XLSX: "Excel (XLSX)",
    ODT: "ODT",
    ODS: "ODS",
    OGG: "OGG",
    WEBM: "WebM",
    MP3: "MP3",
    WAV: "WAV",
    M4A: "M4A",
    ZIP: "ZIP",
}


@dataclass(frozen=True)
class KindPolicy:
    content_types: frozenset[str]
    default_max_bytes: int
    # None: this kind is uploaded in one request only (no resumable upload sessions).
    default_resumable_max_bytes: int | None = None


POLICIES: dict[str, KindPolicy] = {
    FileKind.IMAGE: KindPolicy(IMAGE_TYPES, 10 * MB),
    FileKind.DOCUMENT: KindPolicy(OFFICE_TYPES | {PDF}, 20 * MB),
    FileKind.ATTACHMENT: KindPolicy(IMAGE_TYPES | {PDF}, 20 * MB),
    FileKind.VOICE: KindPolicy(AUDIO_TYPES, 20 * MB),
    FileKind.CALL_RECORDING: KindPolicy(AUDIO_TYPES, 100 * MB),
    # Work handed over between people (a freelance delivery): archives and large files, sent
    # in chunks through a resumable upload session.
    FileKind.DELIVERABLE: KindPolicy(
        IMAGE_TYPES | OFFICE_TYPES | AUDIO_TYPES | {PDF, ZIP}, 20 * MB, 1024 * MB
    ),
}

DEFAULT_MAX_IMAGE_PIXELS = 50_000_000


def allowed_types(kind: str) -> frozenset[str]:
    return POLICIES[kind].content_types


def allowed_type_names(kind: str) -> str:
    """The types a kind accepts as a person names them: "JPEG, PNG, WebP, PDF"."""
    allowed = allowed_types(kind)
    return ", ".join(name for content_type, name in TYPE_NAMES.items() if content_type in allowed)


def max_bytes(kind: str) -> int:
    overrides: dict[str, int] = getattr(settings, "LIFELINE_UPLOAD_MAX_BYTES", {})
    return int(overrides.get(kind, POLICIES[kind].default_max_bytes))


def resumable_max_bytes(kind: str) -> int | None:
    """The largest resumable upload of `kind`, or None when the kind does not take them."""
    default = POLICIES[kind].default_resumable_max_bytes
    if default is None:
        return None
    overrides: dict[str, int] = getattr(settings, "LIFELINE_UPLOAD_RESUMABLE_MAX_BYTES", {})
    return int(overrides.get(kind, default))


def max_image_pixels() -> int:
    return int(getattr(settings, "LIFELINE_UPLOAD_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))
