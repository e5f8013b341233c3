"""Catalogue and article pages: the treatment catalogue with each doctor's private notes,
and the articles (editors write, publish and delete them; readers see published ones)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lifeline.clinic import exceptions, permissions
from lifeline.clinic.enums import ArticleStatus, CatalogueKind
from lifeline.clinic.selectors import catalogue as catalogue_selectors
from lifeline.clinic.services import catalogue as catalogue_services
from lifeline.clinic.web import forms
from lifeline.clinic.web.common import domain_errors_to_http, error_lines, lang, user_of


def require_clinician(request: HttpRequest) -> None:
    if not permissions.is_clinician(user_of(request)):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_to_http
def catalogue(request: HttpRequest) -> HttpResponse:
    require_clinician(request)
    user = user_of(request)
    if request.method == "POST":
        form = forms.CatalogueNoteForm(request.POST)
        if not form.is_valid():
            raise Http404  # no such catalogue item
        item = catalogue_selectors.catalogue_item_get_for(
            actor=user, code=form.cleaned_data["code"]
        )
        catalogue_services.catalogue_note_set(
            doctor=user, item=item, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Your note was saved."))
        return redirect(reverse("clinic-web:catalogue") + f"#item-{item.code}")
    kind = request.GET.get("kind", "")
    kind = kind if kind in CatalogueKind.values else ""
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "clinic/documents_catalogue.html",
        {
            "items": catalogue_selectors.catalogue_item_list_for(
                actor=user, kind=kind, query=query
            ),
            "kind": kind,
            "q": query,
            "kinds": CatalogueKind.choices,
            "language": lang(),
        },
    )


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    editor = permissions.can_manage_articles(user)
    page = Paginator(
        catalogue_selectors.article_list_for(actor=user, include_drafts=editor), 10
    ).get_page(request.GET.get("page"))
    return render(request, "clinic/documents_article_list.html", {"page": page, "editor": editor})


@login_required
@domain_errors_to_http
def article_detail(request: HttpRequest, article_id: Any) -> HttpResponse:
    article = catalogue_selectors.article_get_for(actor=user_of(request), article_id=article_id)
    return render(
        request,
        "clinic/documents_article.html",
        {"article": article, "editor": permissions.can_manage_articles(user_of(request))},
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_to_http
def article_edit(request: HttpRequest, article_id: Any | None = None) -> HttpResponse:
    user = user_of(request)
    if not permissions.can_manage_articles(user):
        raise PermissionDenied
    article = (
        catalogue_selectors.article_get_for(actor=user, article_id=article_id)
        if article_id
        else None
    )
    errors: list[str] = []
    if request.method == "POST":
        form = forms.ArticleForm(request.POST)
        if not form.is_valid():
            errors = error_lines(form.errors)
        elif form.cleaned_data["action"] == "delete" and article is not None:
            catalogue_services.article_delete(actor=user, article=article)
            messages.success(request, _("The article was deleted."))
            return redirect("clinic-web:article-list")
        else:
            try:
                if article is None:
                    article = catalogue_services.article_create(actor=user, **form.article_fields())
                else:
                    article = catalogue_services.article_update(
                        actor=user, article=article, **form.article_fields()
                    )
                publish = form.cleaned_data["publish"]
                if publish in ("1", "0"):
                    catalogue_services.article_set_published(
                        actor=user, article=article, published=publish == "1"
                    )
            except exceptions.ArticleInvalid as exc:
                errors = error_lines(exc.errors)
            else:
                messages.success(request, _("The article was saved."))
                return redirect("clinic-web:article-detail", article_id=article.pk)
    return render(
        request,
        "clinic/documents_article_form.html",
        {
            "article": article,
            "form": request.POST if request.method == "POST" else None,
            "errors": errors,
            "published": article is not None and article.status == ArticleStatus.PUBLISHED,
        },
        status=400 if errors else 200,
    )
