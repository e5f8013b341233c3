"""Web pages of the content module: channel list, channel, post with its thread, the
forms, channel settings and members, the moderation queue.

Pages call the same selectors and services as the API; POSTs are parsed by `forms`;
refusals (DomainError) become a message on the page. Objects outside the visitor's scope
are 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifeline.content.enums import CommentSort, MembershipStatus
from lifeline.content.permissions import (
    can_act_on_member,
    can_delete_post,
    can_edit_post,
    can_manage_channel,
    can_moderate,
    can_own_channel,
    can_post,
    can_read_channel,
    deletable_comment_ids,
    membership_of,
)
from lifeline.content.selectors import channels as channel_selectors
from lifeline.content.selectors import flags as flag_selectors
from lifeline.content.selectors import posts as post_selectors
from lifeline.content.selectors.posts import COLLAPSE_DEPTH
from lifeline.content.services import channels as channel_services
from lifeline.content.services import comments as comment_services
from lifeline.content.services import flags as flag_services
from lifeline.content.services import media as media_services
from lifeline.content.services import posts as post_services
from lifeline.content.services import views as view_services
from lifeline.content.trust import trust_of
from lifeline.content.web.forms import (
    AvatarForm,
    ChannelForm,
    CommentForm,
    FlagForm,
    MuteForm,
    NotificationLevelForm,
    PostCreateForm,
    PostForm,
    RoleForm,
)
from lifeline.core.exceptions import DomainError, NotFound
from lifeline.core.http import client_address
from lifeline.files import services as files

PAGE_SIZE = 20
THREADS_PER_PAGE = 20


def _not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc

    return wrapper


def web_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return login_required(_not_found_as_404(view))


def _refused(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, _(exc.title))


def _nav(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    moderates = (
        bool(user.is_authenticated) and flag_selectors.moderated_channels(actor=user).exists()
    )
    return {"moderates": moderates}


@_not_found_as_404
def home(request: HttpRequest) -> HttpResponse:
    """Every channel the visitor can see: public ones and their own private ones."""
    mine = request.GET.get("mine") == "1" and request.user.is_authenticated
    channels = channel_selectors.channel_list_for(actor=request.user, mine=mine)
    page = Paginator(channels, PAGE_SIZE).get_page(request.GET.get("page"))
    channel_selectors.remember_prefetched(page, request.user)
    rows = [(c, membership_of(request.user, c)) for c in page]
    return render(
        request,
        "content/home.html",
        {
            "page": page,
            "rows": rows,
            "mine": mine,
            "query": "mine=1" if mine else "",
            **_nav(request),
        },
    )


@require_POST
@web_view
def mark_all_read(request: HttpRequest) -> HttpResponse:
    channel_services.channel_mark_all_read(actor=request.user)
    messages.success(request, _("Every channel is marked read."))
    return redirect(f"{reverse('content-web:home')}?mine=1")


@web_view
def channel_new(request: HttpRequest) -> HttpResponse:
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = channel_services.channel_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Channel created. You are its owner."))
        return redirect("content-web:channel", slug=channel.slug)
    status = 422 if form.is_bound else 200
    return render(request, "content/channel_form.html", {"form": form}, status=status)


@_not_found_as_404
def channel(request: HttpRequest, slug: str) -> HttpResponse:
    item = channel_selectors.channel_get_for(actor=request.user, slug=slug)
    user = request.user
    membership = membership_of(user, item)
    readable = can_read_channel(user, item)
    page = None
    liked: set[Any] = set()
    # Posts of others after the member's previous visit are marked new; this visit (and each
    # live refetch) then marks the channel read.
    read_since = None
    if membership is not None and membership.status == MembershipStatus.ACTIVE:
        read_since = membership.last_read_at or membership.created_at
        channel_services.channel_mark_read(actor=user, channel=item)
    if readable:
        posts = post_selectors.post_list_for(actor=user, channel=item)
        page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
        liked = post_selectors.liked_post_ids(actor=user, post_ids=[p.pk for p in page])
    return render(
        request,
        "content/channel.html",
        {
            "channel": item,
            "membership": membership,
            "readable": readable,
            "page": page,
            "liked": liked,
            "read_since": read_since,
            "can_post": can_post(user, item),
            "can_manage": can_manage_channel(user, item),
            "can_moderate": can_moderate(user, item),
            "trust": trust_of(user, item) if membership is not None else None,
            "level_form": NotificationLevelForm(
                initial={"level": membership.notification_level} if membership else None
            ),
            "live_url": f"/ws/content/channels/{item.slug}/" if readable else "",
            **_nav(request),
        },
    )


def _picture(request: HttpRequest, file: Any) -> Any:
    handle = files.file_download(actor=request.user, file=file, request=request)
    response = FileResponse(handle, content_type=file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@_not_found_as_404
def avatar(request: HttpRequest, slug: str) -> Any:
    """The channel's picture, for whoever may see the channel."""
    item = channel_selectors.channel_get_for(actor=request.user, slug=slug)
    if item.avatar is None or item.avatar.is_deleted:
        raise Http404
    return _picture(request, item.avatar)


@_not_found_as_404
def image(request: HttpRequest, image_id: UUID) -> Any:
    """A post's picture, for whoever may read the post (404 for a private channel's outsiders)."""
    found = post_selectors.image_get_for(actor=request.user, image_id=image_id)
    return _picture(request, found.file)


@require_POST
@web_view
def avatar_edit(request: HttpRequest, slug: str) -> HttpResponse:
    item = channel_selectors.channel_get_for(actor=request.user, slug=slug)
    if not can_manage_channel(request.user, item):
        raise Http404
    upload = None
    if "remove" not in request.POST:
        form = AvatarForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a picture."))
            return redirect("content-web:settings", slug=item.slug)
        upload = form.cleaned_data["file"]
    try:
        media_services.avatar_set(actor=request.user, channel=item, upload=upload)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("content-web:settings", slug=item.slug)


@require_POST
@web_view
def notification_level(request: HttpRequest, slug: str) -> HttpResponse:
    item = channel_selectors.channel_get_for(actor=request.user, slug=slug)
    form = NotificationLevelForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        channel_services.notification_level_set(
            actor=request.user, channel=item, level=form.cleaned_data["level"]
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("content-web:channel", slug=item.slug)


@require_POST
@web_view
def channel_join(request: HttpRequest, slug: str) -> HttpResponse:
    item = channel_selectors.channel_get_for_joining(actor=request.user, slug=slug)
    try:
        membership = channel_services.channel_join(actor=request.user, channel=item)
    except DomainError as exc:
        _refused(request, exc)
    else:
        if membership.status == MembershipStatus.REQUESTED:
            messages.success(request, _("Your request was sent to the channel's admins."))
        else:
            messages.success(request, _("You joined the channel."))
    return redirect("content-web:channel", slug=item.slug)


@require_POST
@web_view
def channel_leave(request: HttpRequest, slug: str) -> HttpResponse:
    item = channel_selectors.channel_get_for(actor=request.user, slug=slug)
    try:
        channel_services.channel_leave(actor=request.user, channel=item)
    except DomainError as exc:
        _refused(request, exc)
        return redirect("content-web:channel", slug=item.slug)
    messages.success(request, _("You left the channel."))
    return redirect("content-web:home")


@web_view
def channel_settings(request: HttpRequest, slug: str) -> HttpResponse:
    item = channel_selectors.channel_get_for(actor=request.user, slug=slug)
    if not can_manage_channel(request.user, item):
        raise Http404
    initial = {"name": item.name, "description": item.description, "visibility": item.visibility}
    form = ChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        channel_services.channel_update(actor=request.user, channel=item, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("content-web:settings", slug=item.slug)
    members = [
        (m, can_act_on_member(request.user, item, m))
        for m in channel_selectors.member_list(channel=item)[:200]
    ]
    return render(
        request,
        "content/settings.html",
        {
            "channel": item,
            "form": form,
            "members": members,
            "requests": channel_selectors.member_list(
                channel=item, status=MembershipStatus.REQUESTED
            )[:200],
            "role_form": RoleForm(),
            "mute_form": MuteForm(initial={"hours": 24}),
            "avatar_form": AvatarForm(),
            "can_own": can_own_channel(request.user, item),
        },
        status=422 if form.is_bound else 200,
    )


@require_POST
@web_view
def member_action(request: HttpRequest, slug: str, user_id: UUID, action: str) -> HttpResponse:
    item = channel_selectors.channel_get_for(actor=request.user, slug=slug)
    actor = request.user
    try:
        if action == "approve":
            channel_services.member_approve(actor=actor, channel=item, user_id=user_id)
        elif action == "remove":
            channel_services.member_remove(actor=actor, channel=item, user_id=user_id)
        elif action == "role":
            role = RoleForm(request.POST)
            if not role.is_valid():
                raise Http404
            channel_services.member_set_role(
                actor=actor, channel=item, user_id=user_id, role=role.cleaned_data["role"]
            )
        elif action in ("mute", "unmute"):
            until = None
            if action == "mute":
                mute = MuteForm(request.POST)
                if not mute.is_valid():
                    raise Http404
                until = timezone.now() + timedelta(hours=mute.cleaned_data["hours"])
            channel_services.member_mute(actor=actor, channel=item, user_id=user_id, until=until)
        elif action == "transfer":
            channel_services.ownership_transfer(actor=actor, channel=item, user_id=user_id)
        else:
            raise Http404
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Done."))
    if can_manage_channel(actor, item):
        return redirect("content-web:settings", slug=item.slug)
    return redirect("content-web:channel", slug=item.slug)


@require_POST
@web_view
def channel_delete(request: HttpRequest, slug: str) -> HttpResponse:
    item = channel_selectors.channel_get_for(actor=request.user, slug=slug)
    try:
        channel_services.channel_delete(actor=request.user, channel=item)
    except DomainError as exc:
        _refused(request, exc)
        return redirect("content-web:channel", slug=item.slug)
    messages.success(request, _("The channel was deleted."))
    return redirect("content-web:home")


def _post_form_page(request: HttpRequest, form: PostForm, **context: Any) -> HttpResponse:
    channel = context.get("channel")
    if channel is not None:
        context["trust"] = trust_of(request.user, channel)
    status = 422 if form.is_bound else 200
    return render(request, "content/post_form.html", {"form": form, **context}, status=status)


@web_view
def post_new(request: HttpRequest, slug: str) -> HttpResponse:
    item = channel_selectors.channel_get_for(actor=request.user, slug=slug)
    if not can_read_channel(request.user, item):
        raise Http404
    form = PostCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = post_services.post_create(
                actor=request.user,
                channel=item,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                images=form.cleaned_data.get("images") or [],
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            return redirect("content-web:post", post_id=post.pk)
    return _post_form_page(request, form, channel=item)


@web_view
def post_edit(request: HttpRequest, post_id: UUID) -> HttpResponse:
    post = post_selectors.post_get_for(actor=request.user, post_id=post_id)
    if not can_edit_post(request.user, post):
        raise Http404
    form = PostForm(request.POST or None, initial={"title": post.title, "body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            post_services.post_update(actor=request.user, post=post, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("content-web:post", post_id=post.pk)
    return _post_form_page(request, form, channel=post.channel, post=post)


def _thread_rows(comments: list[Any]) -> list[dict[str, Any]]:
    """Rows for the template: replies deeper than COLLAPSE_DEPTH go inside one collapsed
    block per branch, opened before the first of them and closed after the last."""
    rows: list[dict[str, Any]] = []
    open_block = False
    for index, comment in enumerate(comments):
        opens = comment.depth == COLLAPSE_DEPTH
        if opens:
            hidden = 1
            for later in comments[index + 1 :]:
                if later.depth <= COLLAPSE_DEPTH:
                    break
                hidden += 1
            open_block = True
        following = comments[index + 1] if index + 1 < len(comments) else None
        closes = open_block and (following is None or following.depth <= COLLAPSE_DEPTH)
        if closes:
            open_block = False
        rows.append(
            {
                "comment": comment,
                "opens": opens,
                "hidden_count": hidden if opens else 0,
                "closes": closes,
                "indent": min(comment.depth, COLLAPSE_DEPTH),
            }
        )
    return rows


@_not_found_as_404
def post(request: HttpRequest, post_id: UUID) -> HttpResponse:
    user = request.user
    item = post_selectors.post_get_for(actor=user, post_id=post_id)
    if request.headers.get("X-Requested-With") != "live":  # live refetches are not views
        view_services.post_view(post=item, user=user, ip=client_address(request))
    sort = request.GET.get("sort", CommentSort.BEST)
    if sort not in CommentSort.values:
        sort = CommentSort.BEST
    roots = post_selectors.root_comments_for(actor=user, post=item, sort=sort)
    page = Paginator(roots, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    thread = post_selectors.thread_for(actor=user, post=item, roots=list(page), sort=sort)
    moderator = can_moderate(user, item.channel)
    # The per-comment actions are plain HTML filled from values computed here once: one
    # permission check, one CSRF token, URL prefixes, and the flag form's fields rendered once
    # (a reversed URL, a {% csrf_token %} and a rendered form per comment made the page
    # ~180 times a trivial view at 100 comments).
    comment_action = reverse("content-web:comment-action", args=[0, "like"])
    flag_form = FlagForm(auto_id=False)
    return render(
        request,
        "content/post.html",
        {
            "post": item,
            "channel": item.channel,
            "images": list(item.images.all()),
            "rows": _thread_rows(thread),
            "page": page,
            "sort": sort,
            "sorts": CommentSort.choices,
            "query": f"sort={sort}",
            "liked_post": bool(post_selectors.liked_post_ids(actor=user, post_ids=[item.pk])),
            "liked": post_selectors.liked_comment_ids(
                actor=user, comment_ids=[c.pk for c in thread]
            ),
            "can_post": can_post(user, item.channel),
            "can_edit": can_edit_post(user, item),
            "can_delete": can_delete_post(user, item),
            "can_moderate": moderator,
            "deletable": deletable_comment_ids(user, thread, channel=item.channel),
            "csrf_value": get_token(request),
            "comment_action_prefix": comment_action.removesuffix("0/like/"),
            "flag_prefix": reverse("content-web:flag", args=["comment", "0"]).removesuffix("0/"),
            "reply_url": reverse("content-web:comment-new", args=[item.pk]),
            "flag_reason": flag_form["reason"].as_widget(),
            "flag_note": flag_form["note"].as_widget(),
            "comment_form": CommentForm(),
            "live_url": f"/ws/content/posts/{item.pk}/",
            **_nav(request),
        },
    )


@require_POST
@web_view
def comment_new(request: HttpRequest, post_id: UUID) -> HttpResponse:
    item = post_selectors.post_get_for(actor=request.user, post_id=post_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = post_selectors.comment_get_for(
                actor=request.user, comment_id=form.cleaned_data["parent"]
            )
        try:
            comment = comment_services.comment_create(
                actor=request.user, post=item, body=form.cleaned_data["body"], parent=parent
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            url = reverse("content-web:post", kwargs={"post_id": item.pk})
            return redirect(f"{url}#comment-{comment.pk}")
    else:
        messages.error(request, _("Write something first."))
    return redirect("content-web:post", post_id=item.pk)


POST_ACTIONS: dict[str, Callable[..., Any]] = {
    "like": post_services.post_like,
    "unlike": post_services.post_unlike,
    "hide": post_services.post_hide,
    "restore": post_services.post_restore,
    "delete": post_services.post_delete,
    "pin": functools.partial(post_services.post_pin, pinned=True),
    "unpin": functools.partial(post_services.post_pin, pinned=False),
}


@require_POST
@web_view
def post_action(request: HttpRequest, post_id: UUID, action: str) -> HttpResponse:
    item = post_selectors.post_get_for(actor=request.user, post_id=post_id)
    if action not in POST_ACTIONS:
        raise Http404
    try:
        POST_ACTIONS[action](actor=request.user, post=item)
    except DomainError as exc:
        _refused(request, exc)
    if action == "delete" and item.status == "deleted":
        messages.success(request, _("The post was deleted."))
        return redirect("content-web:channel", slug=item.channel.slug)
    return redirect("content-web:post", post_id=item.pk)


COMMENT_ACTIONS: dict[str, Callable[..., Any]] = {
    "like": comment_services.comment_like,
    "unlike": comment_services.comment_unlike,
    "hide": comment_services.comment_hide,
    "restore": comment_services.comment_restore,
    "delete": comment_services.comment_delete,
}


@require_POST
@web_view
def comment_action(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    comment = post_selectors.comment_get_for(actor=request.user, comment_id=comment_id)
    if action not in COMMENT_ACTIONS:
        raise Http404
    try:
        COMMENT_ACTIONS[action](actor=request.user, comment=comment)
    except DomainError as exc:
        _refused(request, exc)
    if request.POST.get("next") == "moderation":
        return redirect("content-web:moderation")
    url = reverse("content-web:post", kwargs={"post_id": comment.post_id})
    return redirect(f"{url}#comment-{comment.pk}")


@require_POST
@web_view
def flag(request: HttpRequest, kind: str, object_id: str) -> HttpResponse:
    form = FlagForm(request.POST)
    if kind == "post":
        target_post = post_selectors.post_get_for(actor=request.user, post_id=object_id)
        target: dict[str, Any] = {"post": target_post}
        post_id = target_post.pk
    elif kind == "comment" and object_id.isdigit():
        target_comment = post_selectors.comment_get_for(
            actor=request.user, comment_id=int(object_id)
        )
        target = {"comment": target_comment}
        post_id = target_comment.post_id
    else:
        raise Http404
    if form.is_valid():
        try:
            flag_services.flag_create(actor=request.user, **form.cleaned_data, **target)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Thank you. The moderators will look at it."))
    return redirect("content-web:post", post_id=post_id)


@web_view
def moderation(request: HttpRequest) -> HttpResponse:
    flags = flag_selectors.flag_queue_for(actor=request.user)
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "content/moderation.html", {"page": page, "query": "", **_nav(request)})
