"""JWT authentication that also refuses users who are no longer active."""

from __future__ import annotations

from rest_framework_simplejwt import authentication


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's authentication; inactive/banned users are refused by its user check."""
