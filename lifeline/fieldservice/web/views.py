"""Pages of the fieldservice module: the call-centre board, the request card, a master's
requests with status buttons, and the manager's reference data. They call the same
services and selectors as the API; refusals (DomainError) become a message."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from lifeline.access.enums import Role
from lifeline.core.exceptions import DomainError, NotFound
from lifeline.fieldservice import charts, selectors
from lifeline.fieldservice.enums import OPEN_STATUSES, RequestStatus
from lifeline.fieldservice.exceptions import DuplicateReference
from lifeline.fieldservice.models import Campaign, City, Direction
from lifeline.fieldservice.permissions import (
    MANAGER_ROLES,
    STAFF_ROLES,
    company_roles,
    manageable_roles,
    roles_in,
)
from lifeline.fieldservice.reports import Period, callcentre_report, masters_report
from lifeline.fieldservice.services import alerts, money, reference, telephony
from lifeline.fieldservice.services import files as request_files
from lifeline.fieldservice.services import requests as request_services
from lifeline.fieldservice.services import staff as staff_services
from lifeline.fieldservice.transitions import allowed_targets
from lifeline.fieldservice.web.forms import (
    AlertRuleEditForm,
    AlertRuleForm,
    CampaignForm,
    MasterReportForm,
    NameForm,
    ReportForm,
    RequestForm,
    StaffCreateForm,
    StaffEditForm,
    TransactionForm,
)


def web_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """login_required; a field-service role required (except on the home page, which says
    so); NotFound as a 404 page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(view, "open_to_everyone", False) and not company_roles(request.user):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc

    return login_required(wrapper)


def _held(request: HttpRequest) -> set[str]:
    held: set[str] = set()
    for roles in company_roles(request.user).values():
        held |= roles
    return held


def _refused(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, _(exc.title))


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    held = _held(request)
    is_staff = bool(held & STAFF_ROLES)
    context: dict[str, Any] = {
        "is_staff": is_staff,
        "is_master": Role.MASTER in held,
        "is_manager": bool(held & MANAGER_ROLES),
        "statuses": RequestStatus.choices,
        "no_role": not held,
    }
    if is_staff:
        status = request.GET.get("status") or None
        query = (request.GET.get("q") or "").strip() or None
        qs = selectors.request_list_for(actor=user, status=status, search=query)
        context["page"] = Paginator(qs, 25).get_page(request.GET.get("page"))
        context["callbacks"] = list(selectors.callback_list_for(actor=user)[:20])
        context["filter_status"] = status or ""
        context["filter_q"] = query or ""
    if Role.MASTER in held:
        mine = list(
            selectors.request_list_for(actor=user).filter(
                master_id=user.pk, status__in=sorted(OPEN_STATUSES)
            )[:50]
        )
        context["my_requests"] = [
            (
                r,
                allowed_targets(
                    source=r.status, roles=roles_in(user, r.organization_id), is_own=True
                ),
            )
            for r in mine
        ]
    return render(request, "fieldservice/home.html", context)


home.open_to_everyone = True  # type: ignore[attr-defined]
home = web_view(home)


def _company(request: HttpRequest) -> Any:
    return selectors.company_id_for(actor=request.user, roles=frozenset(STAFF_ROLES))


@web_view
def request_new(request: HttpRequest) -> HttpResponse:
    organization_id = _company(request)
    form = RequestForm(
        request.POST or None,
        actor=request.user,
        organization_id=organization_id,
        initial=_initial_from_call(request),
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        data["city"] = form.cleaned_data["city"]
        try:
            created = request_services.request_create(
                actor=request.user, organization_id=organization_id, data=data
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Request created."))
            return redirect("fieldservice-web:request", request_id=created.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "fieldservice/request_form.html", {"form": form}, status=status)


def _initial_from_call(request: HttpRequest) -> dict[str, Any]:
    """«New request» from a caller's card: the phone, and the city and campaign of the
    dialled line if the call is one the person may see."""
    initial: dict[str, Any] = {}
    phone = (request.GET.get("phone") or "").strip()
    if phone:
        initial["client_phone"] = phone
    call_id = request.GET.get("call")
    if call_id:
        try:
            call = selectors.call_get_for(actor=request.user, call_id=call_id)
        except (NotFound, ValueError, ValidationError):
            return initial
        initial["client_phone"] = call.from_number or phone
        if call.city_id:
            initial["city"] = call.city_id
        if call.campaign_id:
            initial["campaign"] = call.campaign_id
    return initial


@web_view
def caller_card(request: HttpRequest, call_id: str) -> HttpResponse:
    """The caller's card of a ringing call; the board's script shows it in a pop-up when
    `fieldservice.call_ringing` arrives (it also works as a page of its own)."""
    if not _held(request) & STAFF_ROLES:
        raise Http404
    card = selectors.caller_card_for(actor=request.user, call_id=call_id)
    return render(request, "fieldservice/caller_card.html", {"card": card})


@web_view
def request_card(request: HttpRequest, request_id: str) -> HttpResponse:
    user = request.user
    obj = selectors.request_get_for(actor=user, request_id=request_id)
    roles = roles_in(user, obj.organization_id)
    is_own = obj.master_id == user.pk
    edit_form = None
    if roles & STAFF_ROLES:
        initial = {
            name: getattr(obj, name)
            for name in (
                "city",
                "client_phone",
                "client_name",
                "address",
                "meeting_at",
                "direction",
                "request_type",
                "campaign",
                "problem",
                "master",
                "call_centre_notes",
            )
        }
        edit_form = RequestForm(
            request.POST if request.POST.get("form") == "edit" else None,
            actor=user,
            organization_id=obj.organization_id,
            initial=initial,
        )
    report_form = None
    if is_own or roles & MANAGER_ROLES:
        report_form = MasterReportForm(
            request.POST if request.POST.get("form") == "report" else None,
            initial={
                "master_notes": obj.master_notes,
                "result": obj.result,
                "expenses": obj.expenses,
            },
        )
    if request.method == "POST":
        form = edit_form if request.POST.get("form") == "edit" else report_form
        if form is not None and form.is_valid():
            data = dict(form.cleaned_data)
            if form is edit_form:
                data = {k: v for k, v in data.items() if k in edit_form.changed_data}
            try:
                request_services.request_update(actor=user, request=obj, data=data)
            except DomainError as exc:
                _refused(request, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("fieldservice-web:request", request_id=obj.pk)
    context = {
        "obj": obj,
        "edit_form": edit_form,
        "report_form": report_form,
        "allowed": [
            (status, RequestStatus(status).label)
            for status in allowed_targets(source=obj.status, roles=roles, is_own=is_own)
        ],
        "history": selectors.request_history_for(actor=user, request=obj),
        "files": selectors.request_files_for(actor=user, request=obj),
        "client_requests": selectors.client_history_for(actor=user, request=obj)[:20],
        "can_call": selectors.can_click_to_call(actor=user, organization_id=obj.organization_id),
    }
    return render(request, "fieldservice/request.html", context)


@web_view
@require_POST
def request_status(request: HttpRequest, request_id: str) -> HttpResponse:
    obj = selectors.request_get_for(actor=request.user, request_id=request_id)
    try:
        request_services.request_set_status(
            actor=request.user, request=obj, status=request.POST.get("status", "")
        )
    except DomainError as exc:
        _refused(request, exc)
    target = request.POST.get("next") or ""
    if target == "home":
        return redirect("fieldservice-web:home")
    return redirect("fieldservice-web:request", request_id=obj.pk)


@web_view
@require_POST
def request_call(request: HttpRequest, request_id: str) -> HttpResponse:
    """Click-to-call (Mango `commands/callback`): the person's extension rings, then the client."""
    obj = selectors.request_get_for(actor=request.user, request_id=request_id)
    if not selectors.can_click_to_call(actor=request.user, organization_id=obj.organization_id):
        raise Http404
    try:
        telephony.request_call_client(actor=request.user, request=obj)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, _("Your phone rings first; pick up to be connected to the client.")
        )
    return redirect("fieldservice-web:request", request_id=obj.pk)


@web_view
@require_POST
def request_file_upload(request: HttpRequest, request_id: str) -> HttpResponse:
    """A master photographs the BSO (or a receipt) from the phone: `capture` opens the camera."""
    obj = selectors.request_get_for(actor=request.user, request_id=request_id)
    upload = request.FILES.get("file")
    purpose = request.POST.get("purpose", "")
    if upload is None or purpose not in ("bso", "expense"):
        messages.error(request, _("Choose a photo or a PDF."))
        return redirect("fieldservice-web:request", request_id=obj.pk)
    try:
        request_files.request_file_add(
            actor=request.user,
            request=obj,
            uploaded_file=upload,
            purpose=purpose,
            http_request=request,
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("File uploaded."))
    return redirect("fieldservice-web:request", request_id=obj.pk)


@web_view
@require_POST
def callback_take(request: HttpRequest, callback_id: str) -> HttpResponse:
    callback = selectors.callback_get_for(actor=request.user, callback_id=callback_id)
    try:
        telephony.callback_take(actor=request.user, callback=callback)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Callback taken: call %(phone)s.") % {"phone": callback.phone})
    return redirect("fieldservice-web:home")


REFERENCE_PAGES: dict[str, Any] = {"cities": City, "directions": Direction, "campaigns": Campaign}


@web_view
def reference_page(request: HttpRequest, kind: str = "cities") -> HttpResponse:
    model = REFERENCE_PAGES.get(kind)
    if model is None:
        raise Http404
    user = request.user
    held = _held(request)
    if not held & MANAGER_ROLES:
        raise Http404
    form: Any = (
        CampaignForm(request.POST or None, actor=user)
        if model is Campaign
        else NameForm(request.POST or None)
    )
    if request.method == "POST":
        try:
            if request.POST.get("delete"):
                row = selectors.reference_get_for(
                    actor=user, model=model, pk=request.POST["delete"]
                )
                reference.reference_delete(actor=user, row=row)
                messages.success(request, _("Deleted."))
                return redirect("fieldservice-web:reference", kind=kind)
            if form.is_valid():
                organization_id = selectors.company_id_for(
                    actor=user, roles=frozenset(MANAGER_ROLES)
                )
                reference.reference_create(
                    actor=user,
                    model=model,
                    organization_id=organization_id,
                    data=dict(form.cleaned_data),
                )
                messages.success(request, _("Saved."))
                return redirect("fieldservice-web:reference", kind=kind)
        except DomainError as exc:
            _refused(request, exc)
    rows = selectors.reference_list_for(actor=user, model=model)
    return render(
        request,
        "fieldservice/reference.html",
        {
            "kind": kind,
            "kinds": [
                ("cities", _("Cities")),
                ("directions", _("Directions")),
                ("campaigns", _("Campaigns")),
            ],
            "rows": rows,
            "form": form,
            "can_delete": Role.DIRECTOR in held,
        },
        status=422 if request.method == "POST" and not form.is_valid() else 200,
    )


# --- alert rules (managers and directors) -------------------------------------------------
@web_view
def alert_rules_page(request: HttpRequest) -> HttpResponse:
    """The company's alert rules (each with whether it is firing) and a form to add one."""
    if not _held(request) & MANAGER_ROLES:
        raise Http404
    user = request.user
    organization_id = selectors.company_id_for(actor=user, roles=frozenset(MANAGER_ROLES))
    form = AlertRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            alerts.alert_rule_create(
                actor=user, organization_id=organization_id, data=dict(form.cleaned_data)
            )
        except DuplicateReference:
            form.add_error(None, _("This rule already exists: change it in the list."))
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("fieldservice-web:alert-rules")
    rules = selectors.alert_rules_with_state_for(actor=user, organization_id=organization_id)
    return render(
        request,
        "fieldservice/alert_rules.html",
        {"rules": rules, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@web_view
def alert_rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Change a rule's threshold, or switch it off and on (another company's rule: 404)."""
    rule = selectors.alert_rule_get_for(actor=request.user, pk=rule_id)
    if request.method == "POST" and request.POST.get("toggle"):
        data: dict[str, Any] = {"is_active": not rule.is_active}
        form = AlertRuleEditForm(
            initial={"threshold_minutes": rule.threshold_minutes, "is_active": rule.is_active}
        )
    else:
        form = AlertRuleEditForm(
            request.POST or None,
            initial={"threshold_minutes": rule.threshold_minutes, "is_active": rule.is_active},
        )
        data = dict(form.cleaned_data) if request.method == "POST" and form.is_valid() else {}
    if data:
        try:
            alerts.alert_rule_update(actor=request.user, rule=rule, data=data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("fieldservice-web:alert-rules")
    return render(
        request,
        "fieldservice/alert_rule_edit.html",
        {"rule": rule, "form": form},
        status=422 if request.method == "POST" else 200,
    )


# --- money (managers create; a master sees their own handovers) -----------------------------
@web_view
def transactions_page(request: HttpRequest) -> HttpResponse:
    """The transactions the person sees, newest first, with their receipts; managers and
    directors add one (with a receipt photo or PDF) and attach receipts to existing ones."""
    user = request.user
    held = _held(request)
    can_manage = bool(held & MANAGER_ROLES)
    if not can_manage and Role.MASTER not in held:
        raise Http404
    form = TransactionForm(request.POST or None, request.FILES or None, actor=user)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            values = dict(form.cleaned_data)
            receipt = values.pop("receipt", None)
            try:
                organization_id = selectors.company_id_for(
                    actor=user, roles=frozenset(MANAGER_ROLES)
                )
                money.transaction_create(
                    actor=user,
                    organization_id=organization_id,
                    data=values,
                    receipt=receipt,
                    http_request=request,
                )
            except DomainError as exc:
                form.add_error("receipt" if receipt is not None else None, _(exc.title))
            else:
                messages.success(request, _("Saved."))
                return redirect("fieldservice-web:transactions")
    page = Paginator(selectors.transaction_list_for(actor=user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "fieldservice/transactions.html",
        {"page": page, "form": form if can_manage else None},
        status=422 if request.method == "POST" else 200,
    )


@web_view
@require_POST
def transaction_file_upload(request: HttpRequest, transaction_id: str) -> HttpResponse:
    """Attach a receipt to a transaction (managers and directors)."""
    row = selectors.transaction_get_for(actor=request.user, transaction_id=transaction_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a photo or a PDF."))
        return redirect("fieldservice-web:transactions")
    try:
        money.transaction_file_add(
            actor=request.user, transaction=row, uploaded_file=upload, http_request=request
        )
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("File uploaded."))
    return redirect("fieldservice-web:transactions")


REPORT_COLUMNS = ("name", "requests", "done", "revenue", "cost_per_lead")


@web_view
def report_page(request: HttpRequest) -> HttpResponse:
    """The call-centre report for managers and directors, with CSV and XLSX downloads."""
    if not _held(request) & MANAGER_ROLES:
        raise Http404
    organization_id = selectors.company_id_for(actor=request.user, roles=frozenset(MANAGER_ROLES))
    form = ReportForm(request.GET or None, actor=request.user, organization_id=organization_id)
    period = Period(organization_id=organization_id)
    if form.is_valid():
        city = form.cleaned_data["city"]
        operator = form.cleaned_data["operator"]
        period = Period(
            organization_id=organization_id,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            city_id=city.pk if city else None,
            operator_id=operator.pk if operator else None,
        )
    report = callcentre_report(period)
    masters = masters_report(period)  # per master: the operator filter does not apply
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        if request.GET.get("table") == "masters":
            header = [
                _("Master"),
                _("Requests"),
                pgettext("fieldservice", "Done"),
                _("Completion rate"),
                _("Handover due"),
                _("Handed over"),
            ]
            rows = [[row[key] for key in MASTER_COLUMNS] for row in masters]
            return _export(export, header, rows, name="masters")
        header = [
            _("Campaign"),
            _("Requests"),
            pgettext("fieldservice", "Done"),
            _("Revenue"),
            _("Cost of a lead"),
        ]
        rows = [[row[key] for key in REPORT_COLUMNS] for row in report["campaigns"]]
        return _export(export, header, rows)
    context = {
        "form": form,
        "report": report,
        "masters": masters,
        "query": request.GET.urlencode(),
        "charts": [
            draw(rows)
            for draw, rows in ((charts.campaigns, report["campaigns"]), (charts.masters, masters))
            if rows
        ],
    }
    return render(request, "fieldservice/report.html", context)


MASTER_COLUMNS = (
    "name",
    "requests",
    "done",
    "completion_rate",
    "handover_due",
    "handover_received",
)


def _export(
    kind: str, header: list[str], rows: list[list[Any]], *, name: str = "callcentre"
) -> HttpResponse:
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    workbook = Workbook()
    sheet = workbook.create_sheet(title=name, index=0)
    sheet.append(header)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- staff -------------------------------------------------------------------------------------
def _password_page(request: HttpRequest, profile: Any, password: str) -> HttpResponse:
    """The one time a new password is shown: rendered in the POST's answer, never stored
    in the session or a URL, and not cached."""
    response = render(
        request, "fieldservice/staff_password.html", {"profile": profile, "password": password}
    )
    response["Cache-Control"] = "no-store"
    return response


@web_view
def staff_page(request: HttpRequest) -> HttpResponse:
    """Managers and directors: the company's staff and a form to add one."""
    user = request.user
    if not _held(request) & MANAGER_ROLES:
        raise Http404
    organization_id = selectors.company_id_for(actor=user, roles=frozenset(MANAGER_ROLES))
    roles = manageable_roles(user, organization_id)
    form = StaffCreateForm(request.POST or None, organization_id=organization_id, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        role = data.pop("role")
        try:
            created = staff_services.staff_create(
                actor=user, organization_id=organization_id, role=role, data=data
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            return _password_page(request, created.profile, created.initial_password)
    profiles = list(selectors.staff_list_for(actor=user, organization_id=organization_id))
    profile_roles = selectors.staff_roles(profiles=profiles)
    rows = [(p, Role(profile_roles[p.pk]).label if p.pk in profile_roles else "") for p in profiles]
    return render(
        request,
        "fieldservice/staff.html",
        {"rows": rows, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@web_view
def staff_edit(request: HttpRequest, staff_id: int) -> HttpResponse:
    user = request.user
    profile = selectors.staff_get_for(actor=user, staff_id=staff_id)
    role = selectors.staff_roles(profiles=[profile]).get(profile.pk, "")
    may_edit = (
        role in manageable_roles(user, profile.organization_id) and profile.user_id != user.pk
    )
    initial = {
        "full_name": profile.user.full_name,
        "phone_number": profile.phone_number,
        "cities": list(profile.cities.all()),
        "status": profile.status,
        "extension": profile.extension,
    }
    form = StaffEditForm(
        request.POST if request.POST.get("form") == "edit" else None,
        organization_id=profile.organization_id,
        initial=initial,
    )
    if request.method == "POST" and may_edit:
        try:
            if request.POST.get("form") == "password":
                password = staff_services.staff_password_reset(actor=user, profile=profile)
                return _password_page(request, profile, password)
            if form.is_valid():
                staff_services.staff_update(actor=user, profile=profile, data=form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect("fieldservice-web:staff-edit", staff_id=profile.pk)
        except DomainError as exc:
            _refused(request, exc)
    return render(
        request,
        "fieldservice/staff_edit.html",
        {
            "profile": profile,
            "role": Role(role).label if role else "",
            "form": form,
            "may_edit": may_edit,
        },
        status=422 if request.method == "POST" else 200,
    )
