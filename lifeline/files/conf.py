"""Settings of resumable uploads (env variables in config/settings.py; defaults here)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

MB = 1024 * 1024


def chunk_max_bytes() -> int:
    """The largest part one PATCH may carry; the reverse proxy's body limit must allow it."""
    return int(getattr(settings, "LIFELINE_UPLOAD_CHUNK_MAX_BYTES", 8 * MB))


def session_lifetime() -> timedelta:
    """How long an upload session lives after its last part (then it is purged)."""
    return timedelta(hours=int(getattr(settings, "LIFELINE_UPLOAD_SESSION_HOURS", 24)))


def unattached_lifetime() -> timedelta:
    """How long a stored file may wait to be attached to something (a delivery, a gig image, a
    message…) before the hourly purge deletes it with its bytes."""
    return timedelta(hours=int(getattr(settings, "LIFELINE_UPLOAD_UNATTACHED_HOURS", 24)))


def max_open_sessions() -> int:
    """Unfinished uploads one person may have at once (each holds staging disk space)."""
    return int(getattr(settings, "LIFELINE_UPLOAD_MAX_OPEN_SESSIONS", 10))


# A request appending a part holds the session this long at most; a lease left behind by a
# crashed process runs out and the client resumes. An 8 MB part at 30 KB/s fits.
WRITE_LEASE = timedelta(minutes=5)
