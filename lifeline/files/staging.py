"""Where the bytes of a resumable upload wait until the last chunk arrives.

A staging file is a plain local file, written at the offset each chunk starts at, so a chunk is
streamed to disk in small pieces and never held in memory whole. Object stores cannot append,
so staging is local whatever `STORAGES["default"]` is; the checked file then goes to the
storage like any upload (on the file system storage by a rename, without a copy).
`LIFELINE_UPLOAD_STAGING_DIR` must be one directory shared by every web process of a site
(they all append to the same sessions); by default it is `MEDIA_ROOT/partial-uploads`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Protocol
from uuid import UUID

from django.conf import settings
from django.core.files import File

READ_BYTES = 64 * 1024


class Readable(Protocol):
    """What a part is read from: a request (its body stream) or any binary file."""

    def read(self, size: int, /) -> bytes: ...


def staging_dir() -> Path:
    configured = getattr(settings, "LIFELINE_UPLOAD_STAGING_DIR", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "partial-uploads"


def staging_path(upload_id: UUID) -> Path:
    return staging_dir() / upload_id.hex


def write_at(path: Path, *, offset: int, stream: Readable, length: int) -> int:
    """Copy up to `length` bytes of `stream` into `path` from `offset`; return how many came.

    What arrived before the stream broke off (a dropped connection: OSError, or an early end)
    is kept and counted, so the client resumes from there. Anything after the new end (left by
    an earlier write that was never acknowledged) is cut off.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    written = 0
    try:
        os.lseek(fd, offset, os.SEEK_SET)
        while written < length:
            try:
                piece = stream.read(min(READ_BYTES, length - written))
            except OSError:
                break
            if not piece:
                break
            os.write(fd, piece)
            written += len(piece)
        os.ftruncate(fd, offset + written)
    finally:
        os.close(fd)
    return written


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class StagedFile(File):
    """A complete staging file, offered to the storage as a temporary upload is: the file
    system storage moves it into place instead of copying it."""

    def __init__(self, path: Path, *, name: str) -> None:
        super().__init__(path.open("rb"), name=name)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)
