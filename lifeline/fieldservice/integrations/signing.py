"""Mango VPBX signing: `sign` = hex SHA-256 of api_key + json + api_salt, both ways."""

from __future__ import annotations

import hashlib
import hmac


def mango_sign(*, api_key: str, payload: str, api_salt: str) -> str:
    return hashlib.sha256(f"{api_key}{payload}{api_salt}".encode()).hexdigest()


def mango_verify(
    *, api_key: str, payload: str, sign: str, expected_key: str, api_salt: str
) -> bool:
    """True when the posted key is ours and `sign` matches (constant-time compare)."""
    if not expected_key or not api_salt:
        return False
    key_ok = hmac.compare_digest(api_key.encode(), expected_key.encode())
    good = mango_sign(api_key=expected_key, payload=payload, api_salt=api_salt)
    sign_ok = hmac.compare_digest(sign.lower().encode(), good.encode())
    return key_ok and sign_ok
