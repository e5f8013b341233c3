"""Search the audit trail (platform admins: everything; organization admins: their own)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.audit.api.serializers import AuditEventFilterInput, AuditEventOutput
from lifeline.audit.permissions import can_view_audit
from lifeline.audit.selectors import AuditEventFilters, audit_event_list_for
from lifeline.core.api.pagination import CreatedCursorPagination, paginate


class AuditEventListApi(APIView):
    pagination_class = CreatedCursorPagination

    @extend_schema(
        tags=["audit"],
        parameters=[AuditEventFilterInput],
        responses={200: AuditEventOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        if not can_view_audit(request.user):
            raise PermissionDenied()
        query = AuditEventFilterInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = {key: value for key, value in query.validated_data.items() if value}
        for key in ("actor", "organization"):
            if key in values:
                values[key] = str(values[key])
        filters = AuditEventFilters(**values)
        return paginate(
            queryset=audit_event_list_for(actor=request.user, filters=filters),
            serializer_class=AuditEventOutput,
            request=request,
            view=self,
        )
