"""The fieldservice API: requests, reference data, transactions, callbacks."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.db.models import Model
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.accounts.models import User
from lifeline.core.api.pagination import TableLimitOffsetPagination, paginate
from lifeline.fieldservice import selectors
from lifeline.fieldservice.api import serializers as s
from lifeline.fieldservice.models import Campaign, City, Direction, RequestType, TransactionType
from lifeline.fieldservice.permissions import MANAGER_ROLES, roles_in
from lifeline.fieldservice.reports import Period, callcentre_report, masters_report
from lifeline.fieldservice.services import alerts, money, reference, staff, telephony
from lifeline.fieldservice.services import files as request_files
from lifeline.fieldservice.services import requests as request_services
from lifeline.fieldservice.transitions import allowed_targets

TAGS_REQUESTS = ["fieldservice: requests"]
TAGS_REFERENCE = ["fieldservice: reference data"]
TAGS_MONEY = ["fieldservice: money"]
TAGS_CALLS = ["fieldservice: calls"]
TAGS_REPORTS = ["fieldservice: reports"]


def _user(request: Request) -> User:
    return cast("User", request.user)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> Any:
    if not value:
        return None
    field = drf.DateField()
    return field.run_validation(value)


# --- requests --------------------------------------------------------------------------------
class RequestListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS_REQUESTS,
        parameters=[s.RequestFilterInput],
        responses={200: s.RequestOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        query = s.RequestFilterInput(
            data={k: v for k, v in request.query_params.items() if v != ""}
        )
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        qs = selectors.request_list_for(
            actor=_user(request),
            city_id=filters.get("city"),
            status=filters.get("status"),
            master_id=filters.get("master"),
            campaign_id=filters.get("campaign"),
            created_from=filters.get("created_from"),
            created_to=filters.get("created_to"),
            phone=filters.get("phone") or None,
            search=filters.get("q") or None,
        )
        return paginate(queryset=qs, serializer_class=s.RequestOutput, request=request, view=self)

    @extend_schema(
        tags=TAGS_REQUESTS, request=s.RequestCreateInput, responses={201: s.RequestDetailOutput}
    )
    def post(self, request: Request) -> Response:
        data = s.RequestCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization_id = selectors.company_id_for(
            actor=_user(request), organization_id=values.pop("organization", None)
        )
        created = request_services.request_create(
            actor=_user(request), organization_id=organization_id, data=values
        )
        return Response(_detail(request, created.pk), status=status.HTTP_201_CREATED)


def _detail(request: Request, request_id: Any) -> dict[str, Any]:
    actor = _user(request)
    obj = selectors.request_get_for(actor=actor, request_id=request_id)
    context = {
        "allowed": allowed_targets(
            source=obj.status,
            roles=roles_in(actor, obj.organization_id),
            is_own=obj.master_id == actor.pk,
        ),
        "history": selectors.request_history_for(actor=actor, request=obj),
        "client_requests": selectors.client_history_for(actor=actor, request=obj)[:20],
    }
    return cast("dict[str, Any]", s.RequestDetailOutput(obj, context=context).data)


class RequestDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_REQUESTS, responses={200: s.RequestDetailOutput})
    def get(self, request: Request, request_id: str) -> Response:
        return Response(_detail(request, request_id))

    @extend_schema(
        tags=TAGS_REQUESTS, request=s.RequestUpdateInput, responses={200: s.RequestDetailOutput}
    )
    def patch(self, request: Request, request_id: str) -> Response:
        obj = selectors.request_get_for(actor=_user(request), request_id=request_id)
        data = s.RequestUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        request_services.request_update(
            actor=_user(request), request=obj, data=dict(data.validated_data)
        )
        return Response(_detail(request, obj.pk))


class RequestStatusApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_REQUESTS, request=s.RequestStatusInput, responses={200: s.RequestDetailOutput}
    )
    def post(self, request: Request, request_id: str) -> Response:
        obj = selectors.request_get_for(actor=_user(request), request_id=request_id)
        data = s.RequestStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        request_services.request_set_status(
            actor=_user(request), request=obj, status=data.validated_data["status"]
        )
        return Response(_detail(request, obj.pk))


class RequestFileListApi(APIView):
    """BSO photos and expense receipts of a request (downloads through the files API,
    which asks this module who may see them)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(tags=TAGS_REQUESTS, responses={200: s.RequestFileOutput(many=True)})
    def get(self, request: Request, request_id: str) -> Response:
        obj = selectors.request_get_for(actor=_user(request), request_id=request_id)
        rows = selectors.request_files_for(actor=_user(request), request=obj)
        return Response(s.RequestFileOutput(rows, many=True).data)

    @extend_schema(
        tags=TAGS_REQUESTS,
        request={"multipart/form-data": s.RequestFileInput},
        responses={201: s.RequestFileOutput},
    )
    def post(self, request: Request, request_id: str) -> Response:
        obj = selectors.request_get_for(actor=_user(request), request_id=request_id)
        data = s.RequestFileInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = request_files.request_file_add(
            actor=_user(request),
            request=obj,
            uploaded_file=data.validated_data["file"],
            purpose=data.validated_data["purpose"],
            http_request=request,
        )
        return Response(s.RequestFileOutput(row).data, status=status.HTTP_201_CREATED)


class RequestCallApi(APIView):
    """Click-to-call through Mango `commands/callback` (the caller's extension rings first)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_CALLS, request=None, responses={202: None})
    def post(self, request: Request, request_id: str) -> Response:
        obj = selectors.request_get_for(actor=_user(request), request_id=request_id)
        if not roles_in(_user(request), obj.organization_id) - {"master"}:
            from lifeline.fieldservice.exceptions import FieldServiceForbidden

            raise FieldServiceForbidden()
        telephony.request_call_client(actor=_user(request), request=obj)
        return Response(status=status.HTTP_202_ACCEPTED)


# --- reference data --------------------------------------------------------------------------
def _reference_apis(
    *,
    model: type[Model],
    output: type[drf.Serializer[Any]],
    input_: type[drf.Serializer[Any]],
    noun: str,
) -> tuple[type[APIView], type[APIView]]:
    class ListApi(APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(
            tags=TAGS_REFERENCE,
            responses={200: output(many=True)},
            operation_id=f"fieldservice_{noun}_list",
        )
        def get(self, request: Request) -> Response:
            rows = selectors.reference_list_for(actor=_user(request), model=model)
            return Response(output(rows, many=True).data)

        @extend_schema(
            tags=TAGS_REFERENCE,
            request=input_,
            responses={201: output},
            operation_id=f"fieldservice_{noun}_create",
        )
        def post(self, request: Request) -> Response:
            data = input_(data=request.data)
            data.is_valid(raise_exception=True)
            organization_id = selectors.company_id_for(
                actor=_user(request),
                organization_id=request.query_params.get("organization"),
                roles=MANAGER_ROLES,
            )
            values = dict(data.validated_data)
            row = reference.reference_create(
                actor=_user(request), model=model, organization_id=organization_id, data=values
            )
            return Response(output(row).data, status=status.HTTP_201_CREATED)

    class DetailApi(APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(
            tags=TAGS_REFERENCE,
            request=input_,
            responses={200: output},
            operation_id=f"fieldservice_{noun}_update",
        )
        def patch(self, request: Request, pk: int) -> Response:
            row = selectors.reference_get_for(actor=_user(request), model=model, pk=pk)
            data = input_(data=request.data, partial=True)
            data.is_valid(raise_exception=True)
            row = reference.reference_update(
                actor=_user(request), row=row, data=dict(data.validated_data)
            )
            return Response(output(row).data)

        @extend_schema(
            tags=TAGS_REFERENCE, responses={204: None}, operation_id=f"fieldservice_{noun}_delete"
        )
        def delete(self, request: Request, pk: int) -> Response:
            row = selectors.reference_get_for(actor=_user(request), model=model, pk=pk)
            reference.reference_delete(actor=_user(request), row=row)
            return Response(status=status.HTTP_204_NO_CONTENT)

    ListApi.__name__ = ListApi.__qualname__ = f"{model.__name__}ListApi"
    DetailApi.__name__ = DetailApi.__qualname__ = f"{model.__name__}DetailApi"
    return ListApi, DetailApi


CityListApi, CityDetailApi = _reference_apis(
    model=City, output=s.CityOutput, input_=s.NamedInput, noun="cities"
)
RequestTypeListApi, RequestTypeDetailApi = _reference_apis(
    model=RequestType, output=s.RequestTypeOutput, input_=s.NamedInput, noun="request_types"
)
DirectionListApi, DirectionDetailApi = _reference_apis(
    model=Direction, output=s.DirectionOutput, input_=s.NamedInput, noun="directions"
)
CampaignListApi, CampaignDetailApi = _reference_apis(
    model=Campaign, output=s.CampaignOutput, input_=s.CampaignInput, noun="campaigns"
)
TransactionTypeListApi, TransactionTypeDetailApi = _reference_apis(
    model=TransactionType,
    output=s.TransactionTypeOutput,
    input_=s.TransactionTypeInput,
    noun="transaction_types",
)


# --- money -----------------------------------------------------------------------------------
class TransactionListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = TableLimitOffsetPagination

    @extend_schema(tags=TAGS_MONEY, responses={200: s.TransactionOutput(many=True)})
    def get(self, request: Request) -> Response:
        qs = selectors.transaction_list_for(actor=_user(request))
        return paginate(
            queryset=qs, serializer_class=s.TransactionOutput, request=request, view=self
        )

    @extend_schema(
        tags=TAGS_MONEY, request=s.TransactionCreateInput, responses={201: s.TransactionOutput}
    )
    def post(self, request: Request) -> Response:
        data = s.TransactionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization_id = selectors.company_id_for(
            actor=_user(request),
            organization_id=values.pop("organization", None),
            roles=MANAGER_ROLES,
        )
        row = money.transaction_create(
            actor=_user(request), organization_id=organization_id, data=values
        )
        row = selectors.transaction_get_for(actor=_user(request), transaction_id=row.pk)
        return Response(s.TransactionOutput(row).data, status=status.HTTP_201_CREATED)


class TransactionFileListApi(APIView):
    """Receipts of a transaction: who sees the transaction lists and downloads them (through
    the files API); managers and directors upload (multipart `file`, image or PDF)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(tags=TAGS_MONEY, responses={200: s.TransactionFileOutput(many=True)})
    def get(self, request: Request, transaction_id: str) -> Response:
        row = selectors.transaction_get_for(actor=_user(request), transaction_id=transaction_id)
        receipts = getattr(row, "receipts", [])  # prefetched by the selector
        return Response(s.TransactionFileOutput(receipts, many=True).data)

    @extend_schema(
        tags=TAGS_MONEY,
        request={"multipart/form-data": s.TransactionFileInput},
        responses={201: s.TransactionFileOutput},
    )
    def post(self, request: Request, transaction_id: str) -> Response:
        row = selectors.transaction_get_for(actor=_user(request), transaction_id=transaction_id)
        data = s.TransactionFileInput(data=request.data)
        data.is_valid(raise_exception=True)
        receipt = money.transaction_file_add(
            actor=_user(request),
            transaction=row,
            uploaded_file=data.validated_data["file"],
            http_request=request,
        )
        return Response(s.TransactionFileOutput(receipt).data, status=status.HTTP_201_CREATED)


# --- callbacks -------------------------------------------------------------------------------
class CallbackListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = TableLimitOffsetPagination

    @extend_schema(tags=TAGS_CALLS, responses={200: s.CallbackOutput(many=True)})
    def get(self, request: Request) -> Response:
        qs = selectors.callback_list_for(actor=_user(request))
        return paginate(queryset=qs, serializer_class=s.CallbackOutput, request=request, view=self)


class CallbackTakeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_CALLS, request=None, responses={200: s.CallbackOutput})
    def post(self, request: Request, callback_id: str) -> Response:
        callback = selectors.callback_get_for(actor=_user(request), callback_id=callback_id)
        callback = telephony.callback_take(actor=_user(request), callback=callback)
        return Response(s.CallbackOutput(callback).data)


class CallerCardApi(APIView):
    """The caller's card an operator's screen opens on `fieldservice.call_started`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_CALLS, responses={200: s.CallerCardOutput})
    def get(self, request: Request, call_id: str) -> Response:
        card = selectors.caller_card_for(actor=_user(request), call_id=call_id)
        call = card.call
        data = {
            "call_id": call.pk,
            "phone": call.from_number,
            "campaign": call.campaign.name if call.campaign else None,
            "city": call.city.name if call.city else None,
            "recent_requests": card.recent,
            "open_requests": card.open,
            "requests_total": card.total,
        }
        return Response(s.CallerCardOutput(data).data)


# --- reports ---------------------------------------------------------------------------------
REPORT_PARAMS = [
    OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
    OpenApiParameter("city", int),
    OpenApiParameter("organization", str),
]
CALLCENTRE_REPORT_PARAMS = [
    *REPORT_PARAMS,
    OpenApiParameter(
        "operator",
        OpenApiTypes.UUID,
        description="User id of an operator of the company: the calls they answered, the "
        "callbacks they took, the requests they took",
    ),
]


def _operator_id(organization_id: Any, value: Any) -> Any:
    """The operator filter of the call-centre report: an operator (current or former) of
    the company, else a 400 naming the field."""
    if not value:
        return None
    try:
        operator_id = UUID(str(value))
    except ValueError:
        operator_id = None
    if (
        operator_id is None
        or not selectors.operators_of(organization_id=organization_id)
        .filter(user_id=operator_id)
        .exists()
    ):
        raise drf.ValidationError({"operator": [gettext("Choose an operator of the company.")]})
    return operator_id


def _period(request: Request, *, with_operator: bool = False) -> Period:
    params = request.query_params
    organization_id = selectors.company_id_for(
        actor=_user(request), organization_id=params.get("organization"), roles=MANAGER_ROLES
    )
    return Period(
        organization_id=organization_id,
        date_from=_date(params.get("date_from")),
        date_to=_date(params.get("date_to")),
        city_id=_int(params.get("city")),
        operator_id=_operator_id(organization_id, params.get("operator"))
        if with_operator
        else None,
    )


_NOT_IN_A_COMPANY = OpenApiResponse(description="The caller manages no service company.")


class CallCentreReportApi(APIView):
    """Managers and directors of the company."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_REPORTS,
        parameters=CALLCENTRE_REPORT_PARAMS,
        responses={200: s.CallCentreReportOutput, 404: _NOT_IN_A_COMPANY},
    )
    def get(self, request: Request) -> Response:
        period = _period(request, with_operator=True)
        return Response(s.CallCentreReportOutput(callcentre_report(period)).data)


class MastersReportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_REPORTS,
        parameters=REPORT_PARAMS,
        responses={200: s.MasterReportRow(many=True), 404: _NOT_IN_A_COMPANY},
    )
    def get(self, request: Request) -> Response:
        return Response(s.MasterReportRow(masters_report(_period(request)), many=True).data)


# --- staff -----------------------------------------------------------------------------------
TAGS_STAFF = ["fieldservice: staff"]


def _staff_data(profiles: list[Any]) -> dict[str, Any]:
    return {"roles": selectors.staff_roles(profiles=profiles)}


class StaffListApi(APIView):
    """Operators, masters and managers of the company (managers and directors)."""

    permission_classes = [IsAuthenticated]
    pagination_class = TableLimitOffsetPagination

    @extend_schema(
        tags=TAGS_STAFF,
        parameters=[OpenApiParameter("organization", str)],
        responses={200: s.StaffOutput(many=True), 404: _NOT_IN_A_COMPANY},
    )
    def get(self, request: Request) -> Response:
        organization_id = selectors.company_id_for(
            actor=_user(request),
            organization_id=request.query_params.get("organization"),
            roles=MANAGER_ROLES,
        )
        qs = selectors.staff_list_for(actor=_user(request), organization_id=organization_id)
        paginator = self.pagination_class()
        page = list(paginator.paginate_queryset(qs, request, view=self) or [])
        data = s.StaffOutput(page, many=True, context=_staff_data(page)).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        tags=TAGS_STAFF,
        request=s.StaffCreateInput,
        responses={201: s.StaffCreatedOutput, 404: _NOT_IN_A_COMPANY},
    )
    def post(self, request: Request) -> Response:
        data = s.StaffCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization_id = selectors.company_id_for(
            actor=_user(request), organization_id=values.pop("organization", None)
        )
        role = values.pop("role")
        created = staff.staff_create(
            actor=_user(request), organization_id=organization_id, role=role, data=values
        )
        profile = selectors.staff_get_for(actor=_user(request), staff_id=created.profile.pk)
        out = dict(s.StaffOutput(profile, context=_staff_data([profile])).data)
        out["initial_password"] = created.initial_password
        response = Response(out, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class StaffDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_STAFF, responses={200: s.StaffOutput})
    def get(self, request: Request, staff_id: int) -> Response:
        profile = selectors.staff_get_for(actor=_user(request), staff_id=staff_id)
        return Response(s.StaffOutput(profile, context=_staff_data([profile])).data)

    @extend_schema(tags=TAGS_STAFF, request=s.StaffUpdateInput, responses={200: s.StaffOutput})
    def patch(self, request: Request, staff_id: int) -> Response:
        profile = selectors.staff_get_for(actor=_user(request), staff_id=staff_id)
        data = s.StaffUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        staff.staff_update(actor=_user(request), profile=profile, data=dict(data.validated_data))
        profile = selectors.staff_get_for(actor=_user(request), staff_id=staff_id)
        return Response(s.StaffOutput(profile, context=_staff_data([profile])).data)


class StaffPasswordApi(APIView):
    """A new initial password (shown once; the person must change it at the next sign-in)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS_STAFF, request=None, responses={200: s.StaffPasswordOutput})
    def post(self, request: Request, staff_id: int) -> Response:
        profile = selectors.staff_get_for(actor=_user(request), staff_id=staff_id)
        password = staff.staff_password_reset(actor=_user(request), profile=profile)
        response = Response({"initial_password": password})
        response["Cache-Control"] = "no-store"
        return response


# --- alert rules -----------------------------------------------------------------------------
TAGS_ALERTS = ["fieldservice: alerts"]


class AlertRuleListApi(APIView):
    """Rules the sweep watches and reports to Telegram (managers and directors)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_ALERTS, responses={200: s.AlertRuleOutput(many=True), 404: _NOT_IN_A_COMPANY}
    )
    def get(self, request: Request) -> Response:
        organization_id = selectors.company_id_for(actor=_user(request), roles=MANAGER_ROLES)
        rules = selectors.alert_rule_list_for(actor=_user(request), organization_id=organization_id)
        return Response(s.AlertRuleOutput(rules, many=True).data)

    @extend_schema(tags=TAGS_ALERTS, request=s.AlertRuleInput, responses={201: s.AlertRuleOutput})
    def post(self, request: Request) -> Response:
        data = s.AlertRuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization_id = selectors.company_id_for(
            actor=_user(request), organization_id=values.pop("organization", None)
        )
        rule = alerts.alert_rule_create(
            actor=_user(request), organization_id=organization_id, data=values
        )
        return Response(s.AlertRuleOutput(rule).data, status=status.HTTP_201_CREATED)


class AlertRuleDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS_ALERTS, request=s.AlertRuleUpdateInput, responses={200: s.AlertRuleOutput}
    )
    def patch(self, request: Request, pk: int) -> Response:
        rule = selectors.alert_rule_get_for(actor=_user(request), pk=pk)
        data = s.AlertRuleUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        rule = alerts.alert_rule_update(
            actor=_user(request), rule=rule, data=dict(data.validated_data)
        )
        return Response(s.AlertRuleOutput(rule).data)
