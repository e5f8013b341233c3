"""Re-encode uploaded images so that no metadata (EXIF, GPS, XMP, comments) survives."""

from __future__ import annotations

import io
import warnings
from typing import IO, Any

from PIL import Image, ImageOps, UnidentifiedImageError

from lifeline.files import kinds
from lifeline.files.exceptions import FileTypeNotAllowed

PIL_FORMATS = {kinds.JPEG: "JPEG", kinds.PNG: "PNG", kinds.WEBP: "WEBP"}

_DECODE_ERRORS = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
    OSError,
    SyntaxError,  # Pillow's plugins raise it for malformed headers
    ValueError,
)


def image_reencode(fileobj: IO[bytes], *, content_type: str) -> bytes:
    """Decode the image and encode it again in the same format, without its metadata.

    EXIF orientation is applied to the pixels first, so the picture still looks upright
    after the EXIF block is gone. The ICC colour profile is kept (it holds no personal
    data and the colours would shift without it). Raises FileTypeNotAllowed for images that
    do not decode or exceed the pixel limit (decompression bombs); only the first frame of an
    animation is kept.
    """
    pil_format = PIL_FORMATS[content_type]
    limit = kinds.max_image_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            fileobj.seek(0)
            with Image.open(fileobj, formats=[pil_format]) as probe:
                _check_pixels(probe.size, limit)
                probe.verify()
            fileobj.seek(0)
            with Image.open(fileobj, formats=[pil_format]) as image:
                _check_pixels(image.size, limit)
                image.load()
                return _encode(image, pil_format)
    except _DECODE_ERRORS as exc:
        raise FileTypeNotAllowed() from exc
    finally:
        fileobj.seek(0)


def _check_pixels(size: tuple[int, int], limit: int) -> None:
    width, height = size
    if width <= 0 or height <= 0 or width * height > limit:
        raise FileTypeNotAllowed()


def _encode(image: Image.Image, pil_format: str) -> bytes:
    icc_profile = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    upright = ImageOps.exif_transpose(image) or image
    upright.info = {}  # drop exif, xmp, comments, text chunks: nothing is carried over
    params: dict[str, Any] = {}
    if icc_profile:
        params["icc_profile"] = icc_profile
    if pil_format == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        params.update(quality=90, optimize=True)
    elif pil_format == "PNG":
        if transparency is not None and upright.mode in ("P", "L", "RGB"):
            params["transparency"] = transparency
        params["optimize"] = True
    else:
        params["quality"] = 90
    out = io.BytesIO()
    upright.save(out, format=pil_format, **params)
    return out.getvalue()
