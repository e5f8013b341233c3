"""Only what makes tests faster or hermetic; everything else is config.settings."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("LIFELINE_HTTPS", "false")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="lifeline-test-media-"))
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405
# Tests assert the English source strings; a compiled Russian catalogue must not change them.
LANGUAGE_CODE = "en"

# SQLite tests use a file database, not Django's default in-memory one: the live servers'
# threads share that one through shared-cache table locks, which `busy_timeout` does not wait
# on ("database table is locked" from a download's audit write). A file gets the settings'
# WAL, busy timeout and IMMEDIATE transactions, as the embedded default runs. One file per
# process (each xdist worker imports this anew), so no two runs or workers share one; Django
# deletes it when the run ends.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"lifeline-test-{os.getpid()}.sqlite3")
    }

# Each pytest-xdist worker gets its own Redis cache database: the tests clear the cache around
# every test (FLUSHDB), which would otherwise wipe another worker's counters mid-test.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _worker.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(REDIS_URL)  # noqa: F405
    _base_db = int(_url.path.lstrip("/") or 0)
    _db = (_base_db + 4 + int(_worker[2:])) % 16
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))  # noqa: F405
