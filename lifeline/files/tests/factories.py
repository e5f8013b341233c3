from __future__ import annotations

import hashlib
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.accounts.tests.factories import UserFactory
from lifeline.files import kinds
from lifeline.files.enums import FileKind
from lifeline.files.names import storage_name_for
from lifeline.files.tests import samples


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "access.Organization"

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"files-clinic-{n}")
    kind = OrganizationKind.CLINIC


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "access.Membership"

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.DOCTOR
    is_active = True


class StoredFileFactory(factory.django.DjangoModelFactory):
    """A PDF document row with its blob in storage (pass `blob=b"…"` for other bytes)."""

    class Meta:
        model = "files.StoredFile"
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    organization = None
    kind = FileKind.DOCUMENT
    content_type = kinds.PDF
    size_bytes = len(samples.PDF)
    sha256 = hashlib.sha256(samples.PDF).hexdigest()
    original_name = "report.pdf"
    storage_name = factory.LazyAttribute(
        lambda o: storage_name_for(kind=o.kind, now=timezone.now())
    )

    @factory.post_generation
    def blob(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create:
            default_storage.save(obj.storage_name, ContentFile(extracted or samples.PDF))


class UploadSessionFactory(factory.django.DjangoModelFactory):
    """An open resumable upload of a deliverable with nothing received yet."""

    class Meta:
        model = "files.UploadSession"

    owner = factory.SubFactory(UserFactory)
    kind = FileKind.DELIVERABLE
    filename = "work.pdf"
    size_bytes = 1024
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))
