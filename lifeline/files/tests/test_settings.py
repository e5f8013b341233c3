from __future__ import annotations

import runpy

from django.conf import settings
from storages.backends.s3 import S3Storage

SETTINGS_FILE = settings.BASE_DIR / "config" / "settings.py"
S3_VARIABLES = (
    "LIFELINE_S3_BUCKET",
    "AWS_STORAGE_BUCKET_NAME",
    "LIFELINE_S3_ENDPOINT_URL",
    "LIFELINE_S3_REGION",
    "LIFELINE_S3_PREFIX",
    "LIFELINE_S3_ACCESS_KEY_ID",
    "LIFELINE_S3_SECRET_ACCESS_KEY",
    "LIFELINE_UPLOAD_MAX_BYTES_VOICE",
)


def _load_settings(monkeypatch, **env: str) -> dict:
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_default_storage_is_the_local_file_system(monkeypatch):
    loaded = _load_settings(monkeypatch)

    assert loaded["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert loaded["LIFELINE_UPLOAD_MAX_BYTES"] == {}


def test_bucket_switches_uploads_to_private_s3(monkeypatch):
    loaded = _load_settings(
        monkeypatch,
        LIFELINE_S3_BUCKET="lifeline-files",
        LIFELINE_S3_ENDPOINT_URL="https://storage.example.org",
        LIFELINE_S3_REGION="ru-central1",
        LIFELINE_S3_ACCESS_KEY_ID="key-id",
        LIFELINE_S3_SECRET_ACCESS_KEY="key-secret",
        LIFELINE_UPLOAD_MAX_BYTES_VOICE="1000",
    )

    assert loaded["STORAGES"]["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "lifeline-files",
            "endpoint_url": "https://storage.example.org",
            "region_name": "ru-central1",
            "location": "",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "private, no-store"},
            "access_key": "key-id",
            "secret_key": "key-secret",
        },
    }
    assert loaded["STORAGES"]["staticfiles"]["BACKEND"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    assert loaded["LIFELINE_UPLOAD_MAX_BYTES"] == {"voice": 1000}
    # Every option is one django-storages knows (it raises on unknown ones); no network here.
    storage = S3Storage(**loaded["STORAGES"]["default"]["OPTIONS"])
    assert storage.bucket_name == "lifeline-files"
    assert storage.default_acl is None


def test_aws_bucket_variable_is_understood_too(monkeypatch):
    loaded = _load_settings(monkeypatch, AWS_STORAGE_BUCKET_NAME="legacy-bucket")

    options = loaded["STORAGES"]["default"]["OPTIONS"]
    assert options["bucket_name"] == "legacy-bucket"
    assert "access_key" not in options
