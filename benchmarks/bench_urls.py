"""Benchmark-only routes on top of the project's URLconf: the same indexed read, served by a
bare Django view and by a DRF APIView with the production defaults (JWT authentication,
IsAuthenticated, the cache-backed throttles, JSONRenderer, problem-details errors); and the
bare chat send of `chat_roles.py` (`benchmarks/bench_chat.py`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from benchmarks.bench_chat import bare_message_send
from config.urls import handler404, handler500
from config.urls import urlpatterns as project_urlpatterns
from lifeline.access.models import Organization
from lifeline.accounts.authentication import JWTAuthentication
from lifeline.accounts.models import User
from lifeline.accounts.services.sessions import SESSION_CLAIM
from lifeline.core.api.serializers import ModelOutput
from lifeline.core.selectors import get_or_not_found
from lifeline.fieldservice import conf as fieldservice_conf
from lifeline.fieldservice.integrations.signing import mango_verify


class BenchOrganizationOutput(ModelOutput[Organization]):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "kind"]


class BenchOrganizationPlainOutput(serializers.Serializer[Organization]):
    """Diagnostic only: the same output declared field by field (no model introspection)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.CharField()
    kind = serializers.CharField()


class BenchOrganizationGetApi(APIView):
    output_class: type[serializers.Serializer[Organization]] = BenchOrganizationOutput

    @extend_schema(responses={200: BenchOrganizationOutput})
    def get(self, request: Request, slug: str) -> Response:
        organization = get_or_not_found(Organization.objects.all(), slug=slug)
        return Response(self.output_class(organization).data)


def bare_organization_get(request: HttpRequest, slug: str) -> JsonResponse:
    try:
        organization = Organization.objects.get(slug=slug)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc
    return JsonResponse(
        {
            "id": str(organization.id),
            "name": organization.name,
            "slug": organization.slug,
            "kind": organization.kind,
        }
    )


class PreviousJWTAuthentication(JWTAuthentication):
    """Diagnostic only: the user lookup as it was before the auth cache (an ORM query with
    the session join on every request), to measure before and after in the same run."""

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]
        session_id = validated_token.get(SESSION_CLAIM)
        if session_id is None:
            return super().get_user(validated_token)
        user = User.objects.filter(
            pk=validated_token[api_settings.USER_ID_CLAIM],
            sessions__pk=session_id,
            sessions__revoked_at__isnull=True,
        ).first()
        if user is None or not user.is_active:
            raise AuthenticationFailed("session ended or user inactive", code="token_not_valid")
        return user


@csrf_exempt
def bare_mango_ack(request: HttpRequest) -> JsonResponse:
    """The floor of a Mango webhook (fieldservice_webhooks.py): parse the form, verify the
    same signature, answer 200; nothing stored."""
    form = request.POST
    if not mango_verify(
        api_key=form.get("vpbx_api_key", ""),
        payload=form.get("json", ""),
        sign=form.get("sign", ""),
        expected_key=fieldservice_conf.mango_api_key(),
        api_salt=fieldservice_conf.mango_api_salt(),
    ):
        return JsonResponse({"result": 403}, status=403)
    return JsonResponse({"result": 200})


urlpatterns = [
    path("api/v1/bench/organizations/<slug:slug>/", BenchOrganizationGetApi.as_view()),
    # Diagnostic only: the user lookup as it was before the auth cache.
    path(
        "api/v1/bench/previous-organizations/<slug:slug>/",
        BenchOrganizationGetApi.as_view(authentication_classes=[PreviousJWTAuthentication]),
    ),
    path(
        "api/v1/bench/plain-organizations/<slug:slug>/",
        BenchOrganizationGetApi.as_view(output_class=BenchOrganizationPlainOutput),
    ),
    # Diagnostic only: no user lookup (the token's claims stand in for the user).
    path(
        "api/v1/bench/stateless-organizations/<slug:slug>/",
        BenchOrganizationGetApi.as_view(
            output_class=BenchOrganizationPlainOutput,
            authentication_classes=[JWTStatelessUserAuthentication],
        ),
    ),
    path("bench/organizations/<slug:slug>/", bare_organization_get),
    # The bare chat pipeline of chat_roles.py (benchmarks/bench_chat.py).
    path("bench/chat/<uuid:conversation_id>/messages/", bare_message_send),
    # The bare Mango ack of fieldservice_webhooks.py.
    path("bench/mango/", bare_mango_ack),
    *project_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
