"""OpenAPI: describe accounts' JWTAuthentication as the bearer scheme simplejwt's would be."""

from __future__ import annotations

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class LifelineJWTScheme(SimpleJWTScheme):
    target_class = "lifeline.accounts.authentication.JWTAuthentication"
