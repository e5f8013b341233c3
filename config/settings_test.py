"""Only what makes tests faster or hermetic; everything else is config.settings."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("LIFELINE_HTTPS", "false")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="lifeline-test-media-"))
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405
# Tests assert the English source strings; a compiled Russian catalogue must not change them.
LANGUAGE_CODE = "en"
