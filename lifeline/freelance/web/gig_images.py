"""The seller's image editor of a gig (a section of the gig's edit page): upload, make primary,
move up or down, remove. Plain forms that work without JavaScript, each answered by a redirect
back to the editor; another seller's gig or image (or a buyer's, a moderator's try) is 404."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifeline.accounts.models import User
from lifeline.core.exceptions import DomainError
from lifeline.freelance import selectors
from lifeline.freelance.services import images as image_services
from lifeline.freelance.web.views import web_view

IMAGE_MOVES = {"up": -1, "down": 1}
IMAGE_ACTIONS = ("primary", "remove", *IMAGE_MOVES)


def _back(gig_id: UUID) -> HttpResponse:
    return redirect(reverse("freelance-web:gig-edit", args=[gig_id]) + "#images")


@require_POST
@web_view
def gig_image_add(request: HttpRequest, gig_id: UUID) -> HttpResponse:
    gig = selectors.gig_get_for_seller(actor=request.user, gig_id=gig_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an image (JPEG, PNG or WebP)."))
        return _back(gig.pk)
    try:
        image_services.gig_image_add(
            actor=cast("User", request.user), gig=gig, uploaded_file=upload, request=request
        )
    except DomainError as exc:
        messages.error(request, _(exc.title))
    else:
        messages.success(request, _("Image added."))
    return _back(gig.pk)


@require_POST
@web_view
def gig_image_action(
    request: HttpRequest, gig_id: UUID, image_id: UUID, action: str
) -> HttpResponse:
    if action not in IMAGE_ACTIONS:
        raise Http404
    image = selectors.gig_image_get_for_seller(actor=request.user, gig_id=gig_id, image_id=image_id)
    actor = cast("User", request.user)
    try:
        if action == "primary":
            image_services.gig_image_make_primary(actor=actor, image=image)
        elif action == "remove":
            image_services.gig_image_remove(actor=actor, image=image)
            messages.success(request, _("Image removed."))
        else:
            image_services.gig_image_move(actor=actor, image=image, step=IMAGE_MOVES[action])
    except DomainError as exc:
        messages.error(request, _(exc.title))
    return _back(gig_id)
