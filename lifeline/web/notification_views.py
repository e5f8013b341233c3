"""The notification inbox and preferences pages (through `lifeline.notifications` services).

The inbox page listens on `/ws/notifications/` (static/web/live.js): a new notification or a
changed unread count reloads the list fragment (`?fragment=list`) without a page reload.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lifeline.accounts.models import User
from lifeline.core.exceptions import DomainError, InvalidInput
from lifeline.notifications import selectors, services
from lifeline.notifications.enums import Channel
from lifeline.notifications.models import Notification
from lifeline.web import forms

PAGE_SIZE = 20
FILTERS = ("all", "unread", "archived")


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views are login_required)."""
    return cast(User, request.user)


def _own(request: HttpRequest, notification_id: str) -> Notification:
    try:
        return selectors.notification_get_for(actor=_user(request), notification_id=notification_id)
    except DomainError as exc:
        raise Http404 from exc


def _back_to_inbox(request: HttpRequest) -> HttpResponse:
    show = request.POST.get("show", "all")
    url = reverse("web:inbox")
    if show in FILTERS and show != "all":
        url += f"?show={show}"
    return redirect(url)


@login_required
@never_cache
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    show = request.GET.get("show", "all")
    if show not in FILTERS:
        show = "all"
    queryset = selectors.notification_list_for(
        actor=user, unread=show == "unread", archived=show == "archived"
    ).order_by("-created_at", "-id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "notifications": list(page.object_list),
        "show": show,
        "unread_count": selectors.unread_count_for(actor=user),
        "filters": [
            ("all", _("All")),
            ("unread", _("Unread")),
            ("archived", _("Archived")),
        ],
    }
    if request.GET.get("fragment") == "list":
        return render(request, "web/inbox.html#inbox-list", context)
    return render(request, "web/inbox.html", context)


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: str) -> HttpResponse:
    services.notification_mark_read(notification=_own(request, notification_id))
    return _back_to_inbox(request)


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    changed = services.notification_mark_all_read(user=_user(request))
    if changed:
        messages.success(request, _("All notifications are marked read."))
    return _back_to_inbox(request)


@require_POST
@login_required
def notification_archive(request: HttpRequest, notification_id: str) -> HttpResponse:
    services.notification_archive(notification=_own(request, notification_id))
    messages.success(request, _("The notification is archived."))
    return _back_to_inbox(request)


def _field_name(topic: str, channel: str) -> str:
    return f"pref:{topic}:{channel}"


@login_required
@never_cache
def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    matrix = selectors.preference_matrix_for(actor=user)
    quiet = selectors.quiet_hours_for(actor=user)
    quiet_form = forms.QuietHoursForm(
        request.POST or None,
        initial={
            "quiet_enabled": quiet.enabled,
            "quiet_start": quiet.start,
            "quiet_end": quiet.end,
        },
    )
    status = 200
    if request.method == "POST":
        if quiet_form.is_valid():
            changes = [
                services.PreferenceChange(
                    topic=row.topic.key,
                    channel=setting.channel.value,
                    enabled=_field_name(row.topic.key, setting.channel.value) in request.POST,
                )
                for row in matrix
                for setting in row.channels
            ]
            changed = [
                change
                for change, setting in zip(
                    changes, [s for row in matrix for s in row.channels], strict=True
                )
                if change.enabled != setting.enabled
            ]
            data = quiet_form.cleaned_data
            try:
                services.preferences_update(
                    user=user,
                    changes=changed,
                    quiet_hours={
                        "enabled": data["quiet_enabled"],
                        "start": data["quiet_start"],
                        "end": data["quiet_end"],
                    },
                )
            except InvalidInput as exc:
                forms.add_service_errors(quiet_form, exc)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("web:preferences")
        status = 400
    rows = [
        {
            "topic": row.topic,
            "channels": [
                {
                    "name": _field_name(row.topic.key, s.channel.value),
                    "channel": s.channel,
                    "enabled": (
                        _field_name(row.topic.key, s.channel.value) in request.POST
                        if request.method == "POST"
                        else s.enabled
                    ),
                    "default": s.default,
                }
                for s in row.channels
            ],
        }
        for row in matrix
    ]
    context = {
        "rows": rows,
        "channels": list(Channel),
        "quiet_form": quiet_form,
        # Public; rendered so the page never asks the API (a 404 there when push is off).
        "push_public_key": selectors.webpush_public_key(),
    }
    return render(request, "web/preferences.html", context, status=status)
