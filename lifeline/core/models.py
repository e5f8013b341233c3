"""Abstract base models every app builds on."""

from __future__ import annotations

import uuid

from django.db import models


class TimestampedModel(models.Model):
    """Adds `created_at` and `updated_at`, both set by the database layer on save."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UUIDModel(TimestampedModel):
    """A timestamped model whose primary key is a random UUID (safe to expose in URLs)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True
