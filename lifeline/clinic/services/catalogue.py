"""Writes of the catalogue (a doctor's private note on an item) and of articles for patients
(clinic admins and users with `clinic.manage_articles`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifeline.accounts.models import User
from lifeline.audit import services as audit
from lifeline.clinic.enums import (
    ArticleStatus,
)
from lifeline.clinic.exceptions import ArticleInvalid, ClinicForbidden
from lifeline.clinic.models.catalogue import Article, CatalogueItem, DoctorNote
from lifeline.clinic.permissions import can_manage_articles, is_clinician


# --- catalogue notes ---------------------------------------------------------------------
def catalogue_note_set(*, doctor: User, item: CatalogueItem, text: str) -> DoctorNote | None:
    """Save the doctor's private note on `item`; an empty text deletes it."""
    if not is_clinician(doctor):
        raise ClinicForbidden()
    text = text.strip()
    if not text:
        DoctorNote.objects.filter(item=item, doctor=doctor).delete()
        return None
    note, _created = DoctorNote.objects.update_or_create(
        item=item, doctor=doctor, defaults={"text": text[:5000]}
    )
    return note


# --- articles ----------------------------------------------------------------------------
def _require_editor(actor: User) -> None:
    if not can_manage_articles(actor):
        raise ClinicForbidden()


def article_create(
    *, actor: User, title: str, body: str, summary: str = "", language: str = "ru"
) -> Article:
    _require_editor(actor)
    if not title.strip() or not body.strip():
        raise ArticleInvalid(errors={"title": [str(_("Title and text are required."))]})
    with transaction.atomic():
        article = Article.objects.create(
            title=title.strip(),
            body=body,
            summary=summary.strip(),
            language=language,
            author=actor,
        )
        audit.record(actor=actor, action="clinic.article_created", target=article)
    return article


def article_update(
    *,
    actor: User,
    article: Article,
    title: str | None = None,
    body: str | None = None,
    summary: str | None = None,
    language: str | None = None,
) -> Article:
    _require_editor(actor)
    changes = {
        name: value.strip() if name in ("title", "summary") else value
        for name, value in (
            ("title", title),
            ("body", body),
            ("summary", summary),
            ("language", language),
        )
        if value is not None
    }
    if ("title" in changes and not changes["title"]) or ("body" in changes and not changes["body"]):
        raise ArticleInvalid(errors={"title": [str(_("Title and text are required."))]})
    with transaction.atomic():
        for name, value in changes.items():
            setattr(article, name, value)
        article.save(update_fields=[*changes, "updated_at"])
        audit.record(actor=actor, action="clinic.article_updated", target=article)
    return article


def article_set_published(*, actor: User, article: Article, published: bool) -> Article:
    """Publish or unpublish; publishing again keeps the first publication date."""
    _require_editor(actor)
    with transaction.atomic():
        article.status = ArticleStatus.PUBLISHED if published else ArticleStatus.DRAFT
        if published and article.published_at is None:
            article.published_at = timezone.now()
        article.save(update_fields=["status", "published_at", "updated_at"])
        audit.record(
            actor=actor,
            action="clinic.article_published" if published else "clinic.article_unpublished",
            target=article,
        )
    return article


def article_delete(*, actor: User, article: Article) -> None:
    _require_editor(actor)
    with transaction.atomic():
        audit.record(actor=actor, action="clinic.article_deleted", target=article)
        article.delete()
