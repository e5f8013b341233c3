"""Mango Office webhooks: verify the VPBX signature, store the event once, answer 200.

Mango posts form fields `vpbx_api_key`, `sign`, `json`; `sign` must be the hex SHA-256 of
api_key + json + api_salt and the key ours, else 403 and nothing is stored. The work runs
on the worker (services.telephony); a replay of a stored event changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lifeline.core.api.throttling import CountingRateThrottle
from lifeline.core.http import client_address
from lifeline.fieldservice import conf
from lifeline.fieldservice.api.serializers import MangoAckOutput
from lifeline.fieldservice.exceptions import MangoPayloadInvalid, MangoSignatureInvalid
from lifeline.fieldservice.integrations.signing import mango_verify
from lifeline.fieldservice.metrics import WEBHOOKS_REJECTED
from lifeline.fieldservice.services.telephony import mango_event_store

MangoForm = inline_serializer(
    "MangoWebhookForm",
    fields={
        "vpbx_api_key": serializers.CharField(),
        "sign": serializers.CharField(),
        "json": serializers.CharField(),
    },
)


class MangoRateThrottle(CountingRateThrottle):
    """Per source address; generous (a PBX posts every leg of every call)."""

    scope = "fieldservice_mango"

    def get_rate(self) -> str:
        from django.conf import settings

        return str(getattr(settings, "FIELDSERVICE_MANGO_RATE", "30000/min"))

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


def _verified_payload(request: Request) -> dict[str, Any]:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > conf.MANGO_MAX_BODY_BYTES:
        WEBHOOKS_REJECTED.labels(reason="too_large").inc()
        raise MangoPayloadInvalid()
    form = request.data
    api_key = str(form.get("vpbx_api_key") or "")
    sign = str(form.get("sign") or "")
    raw = str(form.get("json") or "")
    if not mango_verify(
        api_key=api_key,
        payload=raw,
        sign=sign,
        expected_key=conf.mango_api_key(),
        api_salt=conf.mango_api_salt(),
    ):
        WEBHOOKS_REJECTED.labels(reason="signature").inc()
        raise MangoSignatureInvalid()
    try:
        payload = json.loads(raw)
    except ValueError as exc:
        WEBHOOKS_REJECTED.labels(reason="payload").inc()
        raise MangoPayloadInvalid() from exc
    if not isinstance(payload, dict):
        WEBHOOKS_REJECTED.labels(reason="payload").inc()
        raise MangoPayloadInvalid()
    return payload


_UNVERIFIED = OpenApiResponse(
    description="The signature does not verify, or Mango is not configured for this company."
)


class MangoWebhookApi(APIView):
    """`events/call`, `events/summary`, `events/recording`, `record/added` and any other
    Mango event (stored as `other` and logged)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser]
    throttle_classes = [MangoRateThrottle]
    event_path = ""

    @extend_schema(
        tags=["fieldservice: mango"],
        request={"application/x-www-form-urlencoded": MangoForm},
        responses={200: MangoAckOutput, 403: _UNVERIFIED},
    )
    def post(self, request: Request, event_path: str = "") -> Response:
        path = self.event_path or event_path
        payload = _verified_payload(request)
        mango_event_store(path=path, payload=payload)
        return Response({"result": 200})


class MangoPingApi(MangoWebhookApi):
    @extend_schema(
        tags=["fieldservice: mango"],
        request={"application/x-www-form-urlencoded": MangoForm},
        responses={200: MangoAckOutput, 403: _UNVERIFIED},
    )
    def post(self, request: Request, event_path: str = "") -> Response:
        _verified_payload(request)
        return Response({"result": 200})
