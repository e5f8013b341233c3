"""Small real files of every accepted type (and a few impostors), built in memory."""

from __future__ import annotations

import io
import struct
import wave
import zipfile

from PIL import ExifTags, Image, PngImagePlugin

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!doctype html><script>alert(1)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 413


def _exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone maker"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (55.0, 45.0, 21.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (37.0, 37.0, 4.0)
    return exif


def jpeg(*, size: tuple[int, int] = (4, 2), orientation: int = 1) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 10, 10))
    image.save(out, "JPEG", exif=_exif_with_gps(orientation), comment=b"patient Ivanov")
    return out.getvalue()


def png(*, size: tuple[int, int] = (4, 2)) -> bytes:
    out = io.BytesIO()
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "patient Ivanov")
    image = Image.new("RGBA", size, (10, 200, 10, 128))
    image.save(out, "PNG", exif=_exif_with_gps(), pnginfo=text)
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 2), (10, 10, 200)).save(out, "WEBP", exif=_exif_with_gps())
    return out.getvalue()


def wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"\x00\x00" * 800)
    return out.getvalue()


def ogg_opus() -> bytes:
    """The first Ogg page of an Opus stream (OpusHead identification header)."""
    opus_head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    page_header = (
        b"OggS"
        + bytes([0, 0x02])  # version, beginning-of-stream
        + struct.pack("<qIII", 0, 0x1234, 0, 0)  # granule, serial, sequence, CRC
        + bytes([1, len(opus_head)])  # one segment
    )
    return page_header + opus_head


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


_CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx(*, with_macros: bool = False) -> bytes:
    members = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document/>",
    }
    if with_macros:
        members["word/vbaProject.bin"] = b"\x00" * 16
    return _zip(members)


def odt() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest:manifest/>",
        }
    )


def plain_zip() -> bytes:
    return _zip({"notes.txt": b"hello"})
