"""File names: the random storage name, the sanitized display name, Content-Disposition."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import datetime
from urllib.parse import quote

from lifeline.files import kinds

MAX_NAME_LENGTH = 200
_RESERVED = re.compile(r'[<>:"/\\|?*;%]')
_NON_ASCII_FALLBACK = re.compile(r"[^A-Za-z0-9._ -]")


def storage_name_for(*, kind: str, now: datetime) -> str:
    """A storage path with nothing the user typed: `<kind>/<yyyy>/<mm>/<uuid4 hex>`."""
    return f"{kind}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"


def display_name(raw: str | None, *, content_type: str) -> str:
    """Sanitize the client's file name and give it the extension of the detected type.

    Path parts, control characters (CR, LF, NUL …) and characters that are special in file
    systems or HTTP headers are removed, so the result is safe to show and to put in a header.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _RESERVED.sub("_", name).strip().lstrip(".").strip()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem = name
    expected = kinds.EXTENSIONS.get(content_type)
    if (
        expected
        and extension.lower() != expected
        and not (expected == "jpg" and extension.lower() == "jpeg")
    ):
        extension = expected
    stem = stem.strip() or "file"
    suffix = f".{extension}" if extension else ""
    return stem[: MAX_NAME_LENGTH - len(suffix)] + suffix


def content_disposition(name: str, *, inline: bool) -> str:
    """An RFC 6266 header value with an ASCII fallback and an RFC 5987 UTF-8 `filename*`."""
    disposition = "inline" if inline else "attachment"
    fallback = _NON_ASCII_FALLBACK.sub("_", name) or "file"
    encoded = quote(name, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
