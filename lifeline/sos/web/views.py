"""Web pages of the sos module: wearer, helper, admin live map, event detail, statistics.

Pages call the same services and selectors as the API (reads through selectors only, POSTs
parsed by `forms`); refusals (DomainError) become a message on the page. Live updates come
from `/ws/sos_events/` (static/sos/live.js).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifeline.audit.services import record_access
from lifeline.core.exceptions import DomainError, NotFound
from lifeline.sos import charts, conf, geo, selectors
from lifeline.sos.api.serializers import SosContactInput
from lifeline.sos.enums import DetectedType, EventStatus, TriggerSource
from lifeline.sos.events import payload
from lifeline.sos.permissions import can_admin_event, is_helper, is_sos_admin
from lifeline.sos.services import contacts
from lifeline.sos.services.devices import device_register, device_token_revoke, device_token_rotate
from lifeline.sos.services.escalation import event_escalate
from lifeline.sos.services.events import (
    event_accept,
    event_cancel,
    event_decline,
    event_resolve,
    event_trigger,
    event_withdraw,
)
from lifeline.sos.services.helpers import helper_profile_update
from lifeline.sos.services.profiles import wearer_profile_update
from lifeline.sos.web.forms import (
    DeviceAddForm,
    EventActionForm,
    HelperUpdateForm,
    TriggerForm,
    WearerProfileForm,
)

if TYPE_CHECKING:
    from lifeline.accounts.models import User
    from lifeline.sos.models import HelperProfile


def web_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """login_required, and the selectors' NotFound (outside the actor's scope) as a 404 page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc

    return login_required(wrapper)


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _refused(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, _(exc.title))


# --- wearer -------------------------------------------------------------------------------
@web_view
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    devices = list(selectors.owned_device_list_for(actor=user))
    open_events = list(selectors.own_open_event_list_for(actor=user))
    # What the ambulance does about an escalated SOS (written back by dispatch).
    steps = selectors.dispatch_status_of(events=open_events)
    for open_event in open_events:
        open_event.dispatch_step = steps.get(open_event.pk)  # type: ignore[attr-defined]
    # The live page refetches only its "My SOS" card when the socket tells of a change.
    if request.GET.get("partial") == "my-sos":
        return render(request, "sos/home.html#my-sos", {"open_events": open_events})
    profile = selectors.wearer_profile_get_for(actor=user)
    if profile is not None:  # health data on the page: the read is audited
        record_access(actor=user, target=profile, request=request)
    profile_form = WearerProfileForm(
        initial={
            "birth_date": profile.birth_date if profile else None,
            "emergency_notes": profile.emergency_notes if profile else "",
        }
    )
    return render(
        request,
        "sos/home.html",
        {
            "devices": devices,
            "open_events": open_events,
            "profile_form": profile_form,
            "contacts": selectors.contact_list_for(actor=user),
            "new_token": request.session.pop("sos_new_token", None),
            "is_helper": is_helper(user),
            "is_sos_admin": is_sos_admin(user),
            "now": timezone.now(),
        },
    )


@web_view
@require_POST
def device_add(request: HttpRequest) -> HttpResponse:
    form = DeviceAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the device id."))
        return redirect("sos-web:home")
    try:
        device_register(owner=_user(request), **form.cleaned_data)
    except DomainError as exc:
        _refused(request, exc)
    return redirect("sos-web:home")


@web_view
@require_POST
def device_token(request: HttpRequest, device_uid: str) -> HttpResponse:
    device = selectors.owned_device_get_for(actor=_user(request), device_uid=device_uid)
    if request.POST.get("action") == "revoke":
        device_token_revoke(device=device, actor=_user(request))
        messages.success(request, _("The device token was revoked."))
    else:
        token = device_token_rotate(device=device, actor=_user(request))
        request.session["sos_new_token"] = {"device_uid": device.device_uid, "token": token}
    return redirect("sos-web:home")


@web_view
@require_POST
def trigger(request: HttpRequest, device_uid: str) -> HttpResponse:
    device = selectors.owned_device_get_for(actor=_user(request), device_uid=device_uid)
    position = TriggerForm(request.POST).position(fallback=(device.last_lat, device.last_lon))
    if position is None:
        messages.error(request, _("Your location is unknown. Allow location access and try again."))
        return redirect("sos-web:home")
    lat, lon = position
    result = event_trigger(
        device=device,
        lat=lat,
        lon=lon,
        detected_type=DetectedType.MANUAL_TRIGGER,
        severity=4,
        timestamp=timezone.now(),
        source=TriggerSource.WEB,
        actor=_user(request),
    )
    if result.created:
        messages.success(request, _("SOS sent. Helpers nearby are being alerted."))
    else:
        messages.info(request, _("Your SOS is already open."))
    return redirect("sos-web:event", event_uid=result.event.pk)


@web_view
@require_POST
def contact_add(request: HttpRequest) -> HttpResponse:
    # The API's input serializer: one definition of a valid contact (phone numbers included).
    form = SosContactInput(data=request.POST)
    if form.is_valid():
        contacts.contact_create(owner=_user(request), **form.validated_data)
    else:
        messages.error(request, _("Check the contact's name and phone number."))
    return redirect("sos-web:home")


@web_view
@require_POST
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get_for(actor=_user(request), contact_id=contact_id)
    contacts.contact_delete(contact=contact, actor=_user(request))
    return redirect("sos-web:home")


@web_view
@require_POST
def profile_update(request: HttpRequest) -> HttpResponse:
    form = WearerProfileForm(request.POST)

    def refused(errors: dict[str, Any]) -> HttpResponse:  # each message names its field
        for name, field_errors in errors.items():
            for error in field_errors:
                messages.error(request, f"{form.fields[name].label}: {error}")
        return redirect("sos-web:home")

    if not form.is_valid():
        return refused(form.errors)
    try:
        wearer_profile_update(user=_user(request), **form.cleaned_data)
    except DomainError as exc:
        return refused(exc.errors or {})
    messages.success(request, _("Your information for the ambulance crew is saved."))
    return redirect("sos-web:home")


# --- helper -------------------------------------------------------------------------------
@web_view
def helper(request: HttpRequest) -> HttpResponse:
    if not is_helper(_user(request)):
        raise Http404
    profile = selectors.helper_profile_get_for(actor=_user(request))
    alerts = list(selectors.alert_list_for(actor=_user(request))[:50])
    template = (
        "sos/helper.html#alerts" if request.GET.get("partial") == "alerts" else "sos/helper.html"
    )
    return render(
        request,
        template,
        {"profile": profile, "alerts": alerts, "location_stale": _location_stale(profile)},
    )


def _location_stale(profile: HelperProfile | None) -> bool:
    """Whether the helper's last shared location is too old (or missing) to be alerted."""
    if profile is None or profile.location_at is None:
        return True
    fresh = timedelta(seconds=int(conf.get("HELPER_FRESH_SECONDS")))
    return profile.location_at < timezone.now() - fresh


@web_view
@require_POST
def helper_update(request: HttpRequest) -> HttpResponse:
    values = HelperUpdateForm(request.POST).values()
    try:
        helper_profile_update(user=_user(request), **values)
    except DomainError as exc:
        _refused(request, exc)
    return redirect("sos-web:helper")


# --- events -------------------------------------------------------------------------------
@web_view
def event(request: HttpRequest, event_uid: str) -> HttpResponse:
    sos = selectors.event_get_for(actor=_user(request), event_uid=event_uid)
    record_access(actor=_user(request), target=sos, request=request)
    alert = selectors.alert_get_for(actor=_user(request), event=sos)
    is_admin = can_admin_event(_user(request), sos)
    return render(
        request,
        "sos/event.html",
        {
            "event": sos,
            "route": _route(sos, _user(request)),
            "timeline": selectors.timeline_list_for(event=sos),
            "alert": alert,
            "is_admin": is_admin,
            "is_wearer": sos.user_id == _user(request).pk,
            "can_accept": sos.user_id != _user(request).pk and (alert is not None or is_admin),
            "can_resolve": sos.is_open and (is_admin or sos.accepted_by_id == _user(request).pk),
            "alerts": selectors.event_alert_list(event=sos) if is_admin else [],
        },
    )


def _route(sos: Any, user: User) -> dict[str, Any] | None:
    """The accepting helper's way to the SOS: both positions, the straight-line distance and
    the map tiles (None for anyone else, or once the helper is no longer on the way)."""
    if sos.status != EventStatus.ACCEPTED or sos.accepted_by_id != user.pk:
        return None
    profile = selectors.helper_profile_get_for(actor=user)
    helper, distance_m = None, None
    if profile is not None and profile.lat is not None and profile.lon is not None:
        helper = {"lat": profile.lat, "lon": profile.lon}
        distance_m = round(geo.haversine_m(profile.lat, profile.lon, sos.lat, sos.lon))
    return {
        "distance_m": distance_m,
        "distance_km": distance_m / 1000 if distance_m is not None else None,
        "phone": str(sos.user.phone_number or ""),
        "map": {
            "event": {"lat": sos.lat, "lon": sos.lon},
            "helper": helper,
            "tile_url": settings.LIFELINE_MAP_TILES_URL,
            "tile_attribution": settings.LIFELINE_MAP_TILES_ATTRIBUTION,
            "event_label": _("SOS: %(name)s") % {"name": sos.user.display_name},
            "helper_label": _("You"),
        },
    }


_ACTIONS: dict[str, Callable[[Any, User, EventActionForm], Any] | None] = {
    "accept": lambda e, u, f: event_accept(event=e, actor=u),
    "decline": lambda e, u, f: event_decline(event=e, actor=u),
    "withdraw": lambda e, u, f: event_withdraw(event=e, actor=u),
    "cancel": lambda e, u, f: event_cancel(event=e, actor=u, reason=f.text("reason")),
    "resolve": lambda e, u, f: event_resolve(event=e, actor=u, outcome=f.text("outcome")),
    "escalate": None,
}


@web_view
@require_POST
def event_action(request: HttpRequest, event_uid: str, action: str) -> HttpResponse:
    sos = selectors.event_get_for(actor=_user(request), event_uid=event_uid)
    if action not in _ACTIONS:
        raise Http404
    form = EventActionForm(request.POST)
    try:
        run = _ACTIONS[action]
        if run is None:  # escalate: SOS admins only
            if not can_admin_event(_user(request), sos):
                raise Http404
            event_escalate(event_id=sos.pk, actor=_user(request))
        else:
            run(sos, _user(request), form)
    except DomainError as exc:
        _refused(request, exc)
    if form.text("next") == "helper":
        return redirect("sos-web:helper")
    return redirect("sos-web:event", event_uid=sos.pk)


# --- admin --------------------------------------------------------------------------------
def _require_admin(request: HttpRequest) -> None:
    if not is_sos_admin(_user(request)):
        raise Http404


@web_view
def live_map(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    events = list(selectors.map_event_list_for(actor=_user(request)))
    helper_rows = selectors.map_helper_list_for(actor=_user(request))
    device_rows = selectors.map_device_list_for(actor=_user(request))
    data = {
        "events": [payload(e, "created") | {"url": f"/sos/events/{e.pk}/"} for e in events],
        "helpers": [{"lat": h.lat, "lon": h.lon} for h in helper_rows],
        "devices": [
            {
                "lat": d.last_lat,
                "lon": d.last_lon,
                "device_uid": d.device_uid,
                "online": d.online_at(),
            }
            for d in device_rows
        ],
        # Empty: no tiles (the map keeps its scale, legend and markers).
        "tile_url": settings.LIFELINE_MAP_TILES_URL,
        "tile_attribution": settings.LIFELINE_MAP_TILES_ATTRIBUTION,
        "helper_label": _("Helper on duty"),
        # Live events carry codes; the map shows them in the reader's language.
        "status_labels": dict(EventStatus.choices),
        "type_labels": dict(DetectedType.choices),
    }
    return render(request, "sos/map.html", {"events": events, "map_data": data})


@web_view
def statistics(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    stats = selectors.event_statistics(actor=_user(request))
    return render(
        request,
        "sos/stats.html",
        {
            "stats": stats,
            "escalated_percent": round(stats["escalated_share"] * 100, 1),
            "per_day_svg": charts.events_per_day(stats["per_day"]),
            "accept_svg": charts.durations(
                stats["time_to_accept_s"], _("Time to first accept (min)")
            ),
            "resolve_svg": charts.durations(stats["time_to_resolve_s"], _("Time to resolve (min)")),
        },
    )
