"""Pages of ambulance dispatch: dispatcher console and call card, crew card, fleet.

Thin: each page calls the selectors and services the API uses; a refusal (DomainError)
becomes a message naming the fields. Live updates: /ws/dispatch/ and /ws/crew/
(static/ambulance/live.js refetches the page's live region).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import Throttled

from lifeline.access.enums import Role
from lifeline.accounts.models import User
from lifeline.ambulance import conf, permissions, selectors, sos_hooks
from lifeline.ambulance.enums import CREW_TRANSITIONS, OPEN_STATUSES, CallStatus
from lifeline.ambulance.models import Call, IntakeKey
from lifeline.ambulance.services import calls, cars, intake, teams
from lifeline.ambulance.throttling import team_position_throttle
from lifeline.ambulance.web import forms as f
from lifeline.audit.services import record_access
from lifeline.core.exceptions import DomainError, NotFound
from lifeline.core.selectors import get_or_not_found


def web_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """login_required, and NotFound (outside the actor's scope) as a 404 page."""

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
    text = str(exc.detail)
    if exc.errors:
        text += " " + " ".join(str(m) for msgs in exc.errors.values() for m in msgs)
    messages.error(request, text)


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _run(request: HttpRequest, action: Callable[[], Any], done: str = "") -> bool:
    try:
        action()
    except DomainError as exc:
        _refused(request, exc)
        return False
    if done:
        messages.success(request, done)
    return True


def _stations(request: HttpRequest, roles: tuple[str, ...]) -> list[Any]:
    return list(permissions.stations_of(request.user, roles).order_by("name"))


def _map_data(calls_: list[Call], team_list: list[Any]) -> dict[str, Any]:
    """Points for the Leaflet map (ids, status, criticality, positions; no patient data).
    The tooltips show `status_label` (translated once per status, not per call)."""
    status_labels = {value: str(label) for value, label in CallStatus.choices}
    return {
        "tile_url": settings.LIFELINE_MAP_TILES_URL,
        "tile_attribution": settings.LIFELINE_MAP_TILES_ATTRIBUTION,
        "calls": [
            {
                "id": str(c.pk),
                "number": c.number,
                "lat": c.lat,
                "lon": c.lon,
                "criticality": c.criticality,
                "status": c.status,
                "status_label": status_labels.get(c.status, c.status),
            }
            for c in calls_
        ],
        "teams": [
            {
                "id": str(t.pk),
                "name": t.name,
                "lat": t.lat,
                "lon": t.lon,
                "busy": bool(getattr(t, "is_busy", False)),
                "on_shift": t.on_shift,
            }
            for t in team_list
            if t.lat is not None and t.lon is not None
        ],
    }


# --- home ---------------------------------------------------------------------------------
@web_view
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its screen."""
    user = _user(request)
    if permissions.stations_of(user, (Role.DISPATCHER,)).exists():
        return redirect("ambulance-web:console")
    if permissions.stations_of(user, (Role.CREW,)).exists():
        return redirect("ambulance-web:crew")
    if permissions.stations_of(user, (Role.AMBULANCE_ADMIN,)).exists():
        return redirect("ambulance-web:fleet")
    return render(request, "ambulance/home.html")


# --- dispatcher ---------------------------------------------------------------------------
# The console labels hundreds of rows with a handful of distinct ages: translating each
# distinct one once in Python (not a blocktranslate and a timesince per row in the template)
# was most of the console's time with 500 teams and 200 queued calls (cProfile,
# benchmarks/ambulance_queue.py --profile).
@functools.lru_cache(maxsize=64)
def _waiting_label(minutes: int, language: str) -> str:
    return ngettext("waiting %(minutes)s min", "waiting %(minutes)s min", minutes) % {
        "minutes": minutes
    }


@functools.lru_cache(maxsize=64)
def _position_label(minutes: int, language: str) -> str:
    if minutes < 1:
        return _("position just now")  # not "0 minutes ago"
    now = timezone.now()
    age = timesince(now - timedelta(minutes=minutes), now)
    return _("position %(age)s ago") % {"age": age}


_URL_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def _queue_rows(request: HttpRequest, limit: int) -> list[dict[str, Any]]:
    now = timezone.now()
    warn_after = conf.get("AGE_WARNING_MINUTES")
    language = get_language()
    # One reverse for every row's link: a {% url %} per row was a visible share of the
    # console's render with a long queue.
    url_template = reverse("ambulance-web:call", args=[_URL_PLACEHOLDER])
    rows = []
    for call in selectors.call_queue_for(actor=request.user)[:limit]:
        waiting = int((now - call.received_at).total_seconds() // 60)
        rows.append(
            {
                "call": call,
                "url": url_template.replace(_URL_PLACEHOLDER, str(call.pk)),
                "waiting_minutes": waiting,
                "waiting_label": _waiting_label(waiting, language),
                "ageing": waiting >= int(warn_after.get(call.criticality, 10)),
            }
        )
    return rows


def _label_positions(team_list: list[Any]) -> None:
    """Each team's position age and state, translated once per distinct value (not a
    {% translate %} per row: 500 teams on one console)."""
    now = timezone.now()
    language = get_language()
    states = {
        "off": ("muted", _("off shift")),
        "out": ("amb-ageing", _("car out of service")),
        "busy": ("amb-team--busy", _("busy")),
        "free": ("amb-team--free", _("free")),
    }
    for team in team_list:
        team.position_label = (
            _position_label(max(0, int((now - team.position_at).total_seconds() // 60)), language)
            if team.position_at
            else ""
        )
        if not team.on_shift:
            state = "off"
        elif not team.car.is_serviceable:
            state = "out"
        else:
            state = "busy" if getattr(team, "is_busy", False) else "free"
        team.state_class, team.state_label = states[state]


@web_view
def console(request: HttpRequest) -> HttpResponse:
    stations = _stations(request, permissions.CALL_READERS)
    if not stations:
        raise PermissionDenied
    can_dispatch = bool(_stations(request, (Role.DISPATCHER,)))
    team_list = list(selectors.team_board_for(actor=request.user))
    _label_positions(team_list)
    whole_queue = request.GET.get("queue") == "all"
    queue = _queue_rows(
        request, conf.get("CONSOLE_QUEUE_MAX" if whole_queue else "CONSOLE_QUEUE_ROWS")
    )
    waiting = (
        len(queue)
        if len(queue) < conf.get("CONSOLE_QUEUE_ROWS")
        else selectors.call_queue_for(actor=request.user).count()
    )
    active: list[Any] = list(selectors.call_active_for(actor=request.user)[:200])
    url_template = reverse("ambulance-web:call", args=[_URL_PLACEHOLDER])
    for call in active:
        call.card_url = url_template.replace(_URL_PLACEHOLDER, str(call.pk))
    template = "ambulance/console.html"
    if request.GET.get("partial") == "board":
        template += "#board"
    return render(
        request,
        template,
        {
            "queue": queue,
            "waiting": waiting,
            "whole_queue": whole_queue,
            "active": active,
            "teams": team_list,
            "map_data": _map_data([row["call"] for row in queue] + active, team_list),
            "can_dispatch": can_dispatch,
            "stations": stations,
            "intake_form": f.CallIntakeForm(),
            "cancel_form": f.CancelForm(),
        },
    )


@web_view
@require_POST
def call_create(request: HttpRequest) -> HttpResponse:
    stations = _stations(request, (Role.DISPATCHER,))
    if not stations:
        raise PermissionDenied
    station = stations[0]
    if len(stations) > 1:
        station = get_or_not_found(
            permissions.stations_of(request.user, (Role.DISPATCHER,)),
            pk=request.POST.get("station") or None,
        )
    form = f.CallIntakeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("ambulance-web:console")
    created: list[Call] = []
    ok = _run(
        request,
        lambda: created.append(
            calls.call_create(actor=request.user, organization=station, intake=form.intake())
        ),
    )
    if ok:
        messages.success(
            request, _("Call #%(number)s is in the queue.") % {"number": created[0].number}
        )
        return redirect("ambulance-web:call", call_id=created[0].pk)
    return redirect("ambulance-web:console")


@web_view
def call_card(request: HttpRequest, call_id: str) -> HttpResponse:
    """The dispatcher's call card: patient data (audited), suggestions, duplicates, actions."""
    call = selectors.call_get_for(actor=request.user, call_id=call_id)
    if not permissions.is_dispatcher(request.user, call.organization_id) and not (
        permissions.is_station_admin(request.user, call.organization_id)
    ):
        raise Http404  # crew use their own card
    record_access(actor=request.user, target=call, request=request)
    is_new = call.status == CallStatus.NEW
    return render(
        request,
        "ambulance/call.html",
        {
            "call": call,
            "can_dispatch": permissions.can_dispatch_call(request.user, call),
            "suggestions": selectors.call_suggestions(call=call) if is_new else [],
            "duplicates": selectors.call_possible_duplicates(call=call) if is_new else [],
            "transitions": list(call.transitions.select_related("actor", "team")),
            "sos_timeline": sos_hooks.sos_timeline(call=call),
            "reject_form": f.RejectForm(),
            "cancel_form": f.CancelForm(),
            "is_open": call.status in OPEN_STATUSES,
        },
    )


@web_view
@require_POST
def call_action(request: HttpRequest, call_id: str, action: str) -> HttpResponse:
    call = selectors.call_get_for(actor=request.user, call_id=call_id)
    user = _user(request)
    back = redirect("ambulance-web:call", call_id=call.pk)
    if action in {"advance", "at-patient", "trouble"}:
        if not permissions.can_advance_call(user, call):
            raise PermissionDenied
        back = redirect("ambulance-web:crew")
        if action == "advance":
            status = request.POST.get("status", "")
            _run(request, lambda: calls.call_advance(actor=user, call=call, status=status))
        elif action == "at-patient":
            _run(request, lambda: calls.call_mark_at_patient(actor=user, call=call))
        else:
            trouble = f.TroubleForm(request.POST)
            if not trouble.is_valid():
                _form_errors(request, trouble)
                return back
            _run(
                request,
                lambda: calls.call_report_trouble(actor=user, call=call, **trouble.cleaned_data),
                _("The call went back to the dispatcher."),
            )
        return back
    if not permissions.can_dispatch_call(user, call):
        raise PermissionDenied
    if action == "assign":
        form = f.AssignForm(request.POST)
        if form.is_valid():
            team = selectors.team_get_for(actor=user, team_id=form.cleaned_data["team"])
            if _run(
                request,
                lambda: calls.call_assign(
                    actor=user, call=call, team=team, reason=form.cleaned_data["reason"]
                ),
                _("Team %(team)s is assigned.") % {"team": team.name},
            ):
                return redirect("ambulance-web:console")
        else:
            _form_errors(request, form)
    elif action == "reject":
        reject = f.RejectForm(request.POST)
        if reject.is_valid():
            original = None
            if reject.cleaned_data["duplicate_of"]:
                original = selectors.call_get_for(
                    actor=user, call_id=reject.cleaned_data["duplicate_of"]
                )
            if _run(
                request,
                lambda: calls.call_reject(
                    actor=user,
                    call=call,
                    reason=reject.cleaned_data["reason"],
                    note=reject.cleaned_data["note"],
                    duplicate_of=original,
                ),
                _("The call is rejected."),
            ):
                return redirect("ambulance-web:console")
        else:
            _form_errors(request, reject)
    elif action == "cancel":
        cancel = f.CancelForm(request.POST)
        if cancel.is_valid():
            _run(
                request,
                lambda: calls.call_cancel(actor=user, call=call, note=cancel.cleaned_data["note"]),
                _("The call is cancelled."),
            )
        else:
            _form_errors(request, cancel)
    else:
        raise Http404
    return back


# --- crew ---------------------------------------------------------------------------------
STEP_LABELS: dict[str, Any] = {
    CallStatus.EN_ROUTE: CallStatus.EN_ROUTE.label,
    CallStatus.ON_SCENE: CallStatus.ON_SCENE.label,
    CallStatus.TRANSPORTING: CallStatus.TRANSPORTING.label,
    CallStatus.AT_HOSPITAL: CallStatus.AT_HOSPITAL.label,
    CallStatus.COMPLETED: CallStatus.COMPLETED.label,
}


@web_view
def crew(request: HttpRequest) -> HttpResponse:
    if not _stations(request, (Role.CREW,)):
        raise PermissionDenied
    team = selectors.team_current_for_crew(actor=request.user)
    call = selectors.call_current_for_crew(actor=request.user)
    if call is not None:
        record_access(actor=request.user, target=call, request=request)
    steps = []
    if call is not None:
        steps = [
            (s, STEP_LABELS[s])
            for s in sorted(CREW_TRANSITIONS.get(call.status, ()), key=list(STEP_LABELS).index)
        ]
    map_data = _map_data([call] if call else [], [team] if team else [])
    route = None
    if call is not None and team is not None and call.team_id == team.pk:
        route = selectors.team_route_to_call(team=team, call=call)
    if route is not None:
        map_data["route"] = {"source": route.source, "points": route.points}
    template = "ambulance/crew.html"
    if request.GET.get("partial") == "board":
        template += "#board"
    return render(
        request,
        template,
        {
            "team": team,
            "call": call,
            "steps": steps,
            "can_report_trouble": call is not None
            and call.status in (CallStatus.ASSIGNED, CallStatus.EN_ROUTE),
            "trouble_form": f.TroubleForm(),
            "map_data": map_data,
            "route": route,
        },
    )


@web_view
@require_POST
def crew_position(request: HttpRequest) -> HttpResponse:
    """The crew phone's position (JSON answer for live.js)."""
    team = selectors.team_current_for_crew(actor=request.user)
    if team is None or not permissions.can_update_team_position(request.user, team):
        raise Http404
    try:
        team_position_throttle(request, team_id=team.pk)
    except Throttled as exc:
        response = JsonResponse({"code": "throttled"}, status=429)
        response["Retry-After"] = str(int(getattr(exc, "wait", None) or 1))
        return response
    form = f.PositionForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    teams.team_update_position(actor=request.user, team=team, **form.cleaned_data)
    return JsonResponse({"ok": True})


# --- fleet (station administrators) -------------------------------------------------------
def _admin_station(request: HttpRequest) -> Any:
    stations = _stations(request, (Role.AMBULANCE_ADMIN,))
    if not stations:
        raise PermissionDenied
    wanted = request.GET.get("station") or request.POST.get("station")
    if wanted:
        return get_or_not_found(
            permissions.stations_of(request.user, (Role.AMBULANCE_ADMIN,)), pk=wanted
        )
    return stations[0]


@web_view
def fleet(request: HttpRequest) -> HttpResponse:
    station = _admin_station(request)
    car_list = list(selectors.car_list_for(actor=request.user).filter(organization=station))
    return render(
        request,
        "ambulance/fleet.html",
        {
            "station": station,
            "cars": car_list,
            "teams": list(selectors.team_list_for(actor=request.user).filter(organization=station)),
            "free_cars": [
                c for c in car_list if not getattr(c, "in_team", False) and c.is_serviceable
            ],
            "free_crew": list(selectors.crew_candidates(organization_id=station.pk)),
            "car_form": f.CarForm(),
            "intake_keys": list(
                IntakeKey.objects.filter(organization=station).order_by("-created_at")
            ),
            "new_intake_key": request.session.pop("ambulance_new_intake_key", None),
            "team_form": f.TeamForm(),
        },
    )


@web_view
@require_POST
def car_add(request: HttpRequest) -> HttpResponse:
    station = _admin_station(request)
    form = f.CarForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        _run(
            request,
            lambda: cars.car_create(actor=request.user, organization=station, **form.cleaned_data),
            _("The car is added."),
        )
    return redirect("ambulance-web:fleet")


@web_view
@require_POST
def car_action(request: HttpRequest, car_id: str, action: str) -> HttpResponse:
    car = selectors.car_get_for(actor=request.user, car_id=car_id)
    if not permissions.is_station_admin(request.user, car.organization_id):
        raise PermissionDenied
    if action == "serviceable":
        form = f.ServiceableForm(request.POST)
        if form.is_valid():
            _run(
                request,
                lambda: cars.car_set_serviceable(actor=request.user, car=car, **form.cleaned_data),
            )
        else:
            _form_errors(request, form)
    elif action == "delete":
        _run(
            request, lambda: cars.car_delete(actor=request.user, car=car), _("The car is removed.")
        )
    else:
        raise Http404
    return redirect("ambulance-web:fleet")


@web_view
@require_POST
def team_add(request: HttpRequest) -> HttpResponse:
    station = _admin_station(request)
    form = f.TeamForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("ambulance-web:fleet")
    data = form.cleaned_data
    car = get_or_not_found(
        selectors.car_list_for(actor=request.user).filter(organization=station), pk=data["car"]
    )
    members = [data["member_1"], data["member_2"], data["member_3"]]
    _run(
        request,
        lambda: teams.team_create(
            actor=request.user,
            organization=station,
            name=data["name"],
            car=car,
            member_ids=members,
            lead_id=members[0],
            on_shift=data["on_shift"],
        ),
        _("The team is formed."),
    )
    return redirect("ambulance-web:fleet")


@web_view
@require_POST
def team_action(request: HttpRequest, team_id: str, action: str) -> HttpResponse:
    team = selectors.team_get_for(actor=request.user, team_id=team_id)
    if not permissions.can_manage_fleet(request.user, team.organization):
        raise PermissionDenied
    if action == "shift":
        on_shift = request.POST.get("on_shift") == "1"
        _run(
            request, lambda: teams.team_set_shift(actor=request.user, team=team, on_shift=on_shift)
        )
    elif action == "dissolve":
        _run(
            request,
            lambda: teams.team_dissolve(actor=request.user, team=team),
            _("The team is dissolved."),
        )
    else:
        raise Http404
    return redirect("ambulance-web:fleet")


@web_view
@require_POST
def intake_key_add(request: HttpRequest) -> HttpResponse:
    """Create a telephony key; its secret is shown once (kept in the session for one page)."""
    station = _admin_station(request)
    name = (request.POST.get("name") or "").strip()[:100]
    _key, raw = intake.intake_key_create(actor=request.user, organization=station, name=name)
    request.session["ambulance_new_intake_key"] = raw
    return redirect("ambulance-web:fleet")


@web_view
@require_POST
def intake_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    station = _admin_station(request)
    key = get_or_not_found(IntakeKey.objects.filter(organization=station), pk=key_id)
    intake.intake_key_revoke(actor=request.user, key=key)
    messages.success(request, _("The key is revoked."))
    return redirect("ambulance-web:fleet")
