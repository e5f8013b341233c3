"""Tell what an upload really is from its bytes; the name and the client's claim are ignored."""

from __future__ import annotations

import zipfile
from typing import IO

import filetype

from lifeline.files import kinds

HEAD_BYTES = 8192
_ZIP_MAGIC = b"PK\x03\x04"
_UTF8_BOM = b"\xef\xbb\xbf"
_MAX_MANIFEST_BYTES = 1024 * 1024

# filetype's names for the types we accept, mapped to the canonical ones in `kinds`. WebM and
# MP4 containers carry no reliable "audio only" marker in their first bytes; browsers record
# voice messages as `video/webm`-looking files, so both count as audio here.
_CANONICAL = {
    "audio/x-wav": kinds.WAV,
    "video/webm": kinds.WEBM,
    "video/mp4": kinds.M4A,
    "audio/mp4": kinds.M4A,
}


def detect_content_type(fileobj: IO[bytes]) -> str | None:
    """Return the canonical MIME type of `fileobj`'s content, or None if unrecognized.

    `fileobj` must be seekable; it is left at position 0. Zip-based office documents are
    opened as archives and must have the members their format requires (and no macros).
    """
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if head.startswith(b"%PDF-") or head.startswith(_UTF8_BOM + b"%PDF-"):
        return kinds.PDF
    if head.startswith(_ZIP_MAGIC):
        return _zip_document_type(fileobj)
    guessed = filetype.guess(head)
    if guessed is None:
        return None
    mime: str = guessed.mime
    if mime == "audio/ogg":
        # OggS is also Theora video; accept only the audio codecs voice recorders produce.
        return kinds.OGG if (b"OpusHead" in head or b"\x01vorbis" in head) else None
    return _CANONICAL.get(mime, mime)


def _zip_document_type(fileobj: IO[bytes]) -> str | None:
    """Identify OOXML (docx/xlsx) and OpenDocument (odt/ods) archives; any other readable zip
    is a plain archive (ZIP). An office-looking archive that fails the office checks (macros,
    missing members) is None, not ZIP: it must not slip in as an archive."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return _office_type(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError):
        return None
    finally:
        fileobj.seek(0)


def _office_type(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    lowered = {name.lower() for name in names}
    if any(name.endswith("vbaproject.bin") for name in lowered):
        return None  # macro-enabled Office document
    if any(name.startswith(("basic/", "scripts/")) for name in lowered):
        return None  # OpenDocument with embedded macros
    if "[Content_Types].xml" in names:
        if archive.getinfo("[Content_Types].xml").file_size > _MAX_MANIFEST_BYTES:
            return None
        if b"macroEnabled" in archive.read("[Content_Types].xml"):
            return None
        if "word/document.xml" in names:
            return kinds.DOCX
        if "xl/workbook.xml" in names:
            return kinds.XLSX
        return None
    if "mimetype" in names:
        if archive.getinfo("mimetype").file_size > 128:
            return None
        declared = archive.read("mimetype").decode("ascii", "replace").strip()
        return declared if declared in (kinds.ODT, kinds.ODS) else None
    return kinds.ZIP
