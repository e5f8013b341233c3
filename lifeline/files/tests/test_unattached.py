"""The hourly purge of files uploaded (in one request or resumable) but never attached to
anything: rows and bytes go after LIFELINE_UPLOAD_UNATTACHED_HOURS; a file attached, or
pointed at by any module's row, is never deleted, even when the attach races the purge."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.audit.models import AuditEvent
from lifeline.files import services
from lifeline.files.enums import UploadStatus
from lifeline.files.models import StoredFile, UploadSession
from lifeline.files.services import file_attach, file_attach_owned, file_purge_unattached
from lifeline.files.tests.factories import StoredFileFactory, UploadSessionFactory
from lifeline.freelance.models import GigImage
from lifeline.freelance.tests.factories import gig_factory


def _aged(file: StoredFile, hours: float) -> StoredFile:
    StoredFile.objects.filter(pk=file.pk).update(created_at=timezone.now() - timedelta(hours=hours))
    file.refresh_from_db()
    return file


@pytest.fixture
def purge(django_capture_on_commit_callbacks: Any) -> Any:
    """The purge with its after-commit work (removing the bytes) run, as in production."""

    def _run(**kwargs: Any) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return file_purge_unattached(**kwargs)

    return _run


def _gig() -> Any:
    market = OrganizationFactory(kind=OrganizationKind.MARKETPLACE)
    return gig_factory(seller=user_with_role(Role.SELLER, market), organization=market)


@pytest.mark.django_db
def test_only_old_unattached_files_are_purged_with_their_bytes(
    stored_blobs: Any, purge: Any
) -> None:
    old = _aged(StoredFileFactory(), 25)
    young = _aged(StoredFileFactory(), 23)
    attached = _aged(StoredFileFactory(), 48)
    gig = _gig()
    file_attach(file=attached, obj=gig)
    pointed_at = _aged(StoredFileFactory(), 48)  # a module's row points at it, unattached
    GigImage.objects.create(gig=gig, file=pointed_at, position=0)
    deleted = _aged(StoredFileFactory(), 48)
    StoredFile.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    before = len(stored_blobs())

    assert purge() == 1

    assert set(StoredFile.objects.values_list("pk", flat=True)) == {
        young.pk,
        attached.pk,
        pointed_at.pk,
        deleted.pk,
    }
    assert len(stored_blobs()) == before - 1
    assert not any(p.name == old.storage_name.rsplit("/", 1)[-1] for p in stored_blobs())
    event = AuditEvent.objects.get(action="files.file_purged")
    assert (event.actor_id, event.target_type, event.target_id) == (
        "",
        "files.storedfile",
        str(old.pk),
    )
    assert event.metadata == {
        "reason": "unattached",
        "kind": "document",
        "content_type": "application/pdf",
        "size_bytes": old.size_bytes,
        "age_hours": 25,
    }
    assert "report.pdf" not in str(event.metadata)  # no name the user typed
    assert purge() == 0  # nothing left to do


@pytest.mark.django_db
def test_the_age_is_a_setting(settings: Any) -> None:
    settings.LIFELINE_UPLOAD_UNATTACHED_HOURS = 48
    kept = _aged(StoredFileFactory(), 47)
    _aged(StoredFileFactory(), 49)
    assert file_purge_unattached() == 1
    assert list(StoredFile.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db
def test_a_completed_resumable_upload_never_attached_is_purged(
    stored_blobs: Any, purge: Any
) -> None:
    file = _aged(StoredFileFactory(), 30)
    upload = UploadSessionFactory(status=UploadStatus.COMPLETED, file=file, offset=1024)
    assert purge() == 1
    assert StoredFile.objects.count() == 0
    assert stored_blobs() == []
    assert UploadSession.objects.get(pk=upload.pk).file is None  # the session goes at its expiry


@pytest.mark.django_db
def test_many_files_go_in_batches(stored_blobs: Any, purge: Any) -> None:
    for _ in range(5):
        _aged(StoredFileFactory(), 30)
    kept = _aged(StoredFileFactory(), 30)
    file_attach(file=kept, obj=_gig())
    assert purge(batch=2) == 5
    assert list(StoredFile.objects.values_list("pk", flat=True)) == [kept.pk]
    assert len(stored_blobs()) == 1
    assert AuditEvent.objects.filter(action="files.file_purged").count() == 5


@pytest.mark.django_db
def test_a_file_attached_after_it_was_listed_is_kept(
    monkeypatch: Any, stored_blobs: Any, purge: Any
) -> None:
    """The batch checks its files again under the lock: one attached between the listing and
    the lock stays (the attach won the race)."""
    file = _aged(StoredFileFactory(), 30)
    other = _aged(StoredFileFactory(), 30)
    gig = _gig()
    original = services._purge_unattached_batch

    def attach_first(*args: Any, **kwargs: Any) -> int:
        file_attach(file=StoredFile.objects.get(pk=file.pk), obj=gig)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_purge_unattached_batch", attach_first)
    assert purge() == 1
    assert list(StoredFile.objects.values_list("pk", flat=True)) == [file.pk]
    assert not StoredFile.objects.filter(pk=other.pk).exists()
    assert len(stored_blobs()) == 1


@pytest.mark.django_db
def test_the_purge_is_an_hourly_job() -> None:
    from config.celery import app
    from lifeline.files.tasks import purge_unattached

    _aged(StoredFileFactory(), 30)
    entry = app.conf.beat_schedule["files.purge_unattached"]
    assert entry == {"task": purge_unattached.name, "schedule": 3600.0}
    assert purge_unattached.apply().get() == 1
    assert StoredFile.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_attach_holding_the_row_is_skipped_and_wins() -> None:
    """PostgreSQL: a domain attaching the file (file_attach_owned locks it) while the purge
    runs: the purge skips the locked row, the attach commits, the file stays."""
    file = _aged(StoredFileFactory(), 30)
    gig = _gig()
    locked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def attach() -> None:
        try:
            with transaction.atomic():
                file_attach_owned(actor=file.owner, file_ids=[file.pk], obj=gig)
                locked.set()
                release.wait(timeout=30)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            locked.set()
            connection.close()

    thread = threading.Thread(target=attach)
    thread.start()
    assert locked.wait(timeout=30)
    try:
        assert file_purge_unattached() == 0
    finally:
        release.set()
        thread.join(timeout=30)
    assert errors == []
    assert StoredFile.objects.get(pk=file.pk).attached_label == "freelance.gig"
    assert file_purge_unattached() == 0
