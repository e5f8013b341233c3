"""Mango Office webhooks: verify the VPBX signature, store the event once, answer 200.

Mango posts form fields `vpbx_api_key`, `sign`, `json`; `sign` must be the hex SHA-256 of
api_key + json + api_salt and the key ours, else 403 and nothing is stored. The work runs
on the worker (services.telephony); a replay of a stored event changes nothing.

The ack is plain Django: `dispatch` below handles the request itself instead of DRF's
pipeline (request wrapper, content negotiation, parsers, renderer), which cost more than
the rest of the ack together. The classes stay DRF views so that the OpenAPI schema is
generated from them as before. What DRF would answer is answered the same way: problem
details with the same codes and statuses (400 and 403 from the domain errors, 405, 415,
429 with `Retry-After` and the `RateLimit-*` headers, 503 while the database is down).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.cache import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from lifeline.core.api.errors import DATABASE_UNAVAILABLE_ERRORS
from lifeline.core.api.throttling import CountingRateThrottle
from lifeline.core.exceptions import DomainError
from lifeline.core.http import client_address
from lifeline.fieldservice import conf
from lifeline.fieldservice.api.serializers import MangoAckOutput
from lifeline.fieldservice.exceptions import MangoPayloadInvalid, MangoSignatureInvalid
from lifeline.fieldservice.integrations.signing import mango_verify
from lifeline.fieldservice.metrics import WEBHOOKS_REJECTED
from lifeline.fieldservice.services.telephony import mango_event_store
from lifeline.ops.views import problem_response, service_unavailable

logger = logging.getLogger(__name__)

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"

MangoForm = inline_serializer(
    "MangoWebhookForm",
    fields={
        "vpbx_api_key": serializers.CharField(),
        "sign": serializers.CharField(),
        "json": serializers.CharField(),
    },
)


# The webhook throttle counts in each web process's memory, not in the shared cache: the
# Redis round trip cost as much of an ack's time as its INSERT (benchmarks/README.md,
# `fieldservice_webhooks`). The limit then holds per process (a source gets up to one budget
# per web process), which is what a generous abuse guard in front of a signature needs.
_LOCAL_COUNTERS = LocMemCache("fieldservice-mango-throttle", {"MAX_ENTRIES": 10_000})


class MangoRateThrottle(CountingRateThrottle):
    """Per source address and web process; generous (a PBX posts every leg of every call)."""

    scope = "fieldservice_mango"

    @property
    def cache(self) -> BaseCache:  # type: ignore[override]
        return _LOCAL_COUNTERS

    def get_rate(self) -> str:
        from django.conf import settings

        return str(getattr(settings, "FIELDSERVICE_MANGO_RATE", "30000/min"))

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class UnsupportedMediaType(DomainError):
    """Not a form: what DRF's FormParser refuses (the same code and status)."""

    code = "unsupported_media_type"
    title = gettext_noop("Unsupported media type")
    http_status = 415


def _verified_payload(request: HttpRequest) -> dict[str, Any]:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > conf.MANGO_MAX_BODY_BYTES:
        WEBHOOKS_REJECTED.labels(reason="too_large").inc()
        raise MangoPayloadInvalid()
    if length and request.content_type != FORM_MEDIA_TYPE:
        raise UnsupportedMediaType(str(drf.UnsupportedMediaType(str(request.content_type)).detail))
    form = request.POST
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


def _refusal(request: HttpRequest, view: APIView) -> HttpResponseBase | None:
    """What DRF refuses before the handler: another method (405), too many webhooks from
    this address (429, counted as DRF's throttle counts). None: go on."""
    if request.method != "POST":
        response = problem_response(
            status=405,
            code="method_not_allowed",
            title=_("Method not allowed"),
            detail=str(drf.MethodNotAllowed(str(request.method)).detail),
        )
        response["Allow"] = "POST"
        return response
    throttle = MangoRateThrottle()
    if throttle.allow_request(request, view):  # type: ignore[arg-type]
        return None
    WEBHOOKS_REJECTED.labels(reason="rate").inc()
    wait = int(throttle.wait() or 0)
    response = problem_response(
        status=429,
        code="throttled",
        title=_("Too many requests"),
        detail=str(drf.Throttled(wait).detail),
    )
    response["Retry-After"] = str(wait)
    return response


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

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The whole request, without DRF's pipeline (see the module's docstring)."""
        refused = _refusal(request, self)
        if refused is not None:
            return refused
        try:
            return self.post(request, **kwargs)
        except DomainError as exc:
            return problem_response(
                status=exc.http_status,
                code=exc.code,
                title=_(exc.title),
                detail=exc.detail,
                **exc.extra,
            )
        except DATABASE_UNAVAILABLE_ERRORS as exc:
            logger.warning("database.unavailable", exc_info=exc)
            return service_unavailable(request)

    @extend_schema(
        tags=["fieldservice: mango"],
        request={"application/x-www-form-urlencoded": MangoForm},
        responses={200: MangoAckOutput, 403: _UNVERIFIED},
    )
    def post(self, request: HttpRequest, event_path: str = "") -> JsonResponse:
        path = self.event_path or event_path
        payload = _verified_payload(request)
        mango_event_store(path=path, payload=payload)
        return JsonResponse({"result": 200})


class MangoPingApi(MangoWebhookApi):
    @extend_schema(
        tags=["fieldservice: mango"],
        request={"application/x-www-form-urlencoded": MangoForm},
        responses={200: MangoAckOutput, 403: _UNVERIFIED},
    )
    def post(self, request: HttpRequest, event_path: str = "") -> JsonResponse:
        _verified_payload(request)
        return JsonResponse({"result": 200})
