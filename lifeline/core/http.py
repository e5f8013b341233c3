"""The client's address: the one function every part of the platform asks.

Lockout (django-axes, `AXES_CLIENT_IP_CALLABLE`), rate limits (the API throttles' `get_ident`),
the audit trail, login history, sessions, new-device e-mails and the `/metrics` allow-list
all use `client_address()`, so a spoofed header cannot be trusted by one of them and not by
the others.

Only the TCP peer (`REMOTE_ADDR`) and the proxies we run can be believed. Each proxy appends
the address it received the connection from to `X-Forwarded-For`; everything to the left of
those entries was written by the client. With `LIFELINE_PROXY_COUNT = n` the client is the
n-th entry counted from the right (the address our outermost proxy saw). With n = 0 (no
proxy, the default) forwarding headers are ignored and `REMOTE_ADDR` is the client, as it is
for a request that carries no `X-Forwarded-For` at all. A request whose header has fewer
entries than there are proxies did not come through all of them, and has no trustworthy
address: None.

The ASGI/WSGI servers must not rewrite `REMOTE_ADDR` from forwarding headers themselves
(uvicorn does by default for connections from 127.0.0.1): `lifeline run ws` and `lifeline
serve` start it with proxy headers off, so the count is applied here and only here.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def proxy_count() -> int:
    """How many reverse proxies of ours stand in front of the app (LIFELINE_PROXY_COUNT)."""
    return max(int(getattr(settings, "LIFELINE_PROXY_COUNT", 0) or 0), 0)


def _normalized(candidate: str | None) -> str | None:
    if not candidate:
        return None
    text = candidate.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def client_address(request: Any) -> str | None:
    """The client's IP address as far as it can be trusted, or None when it cannot be known.

    `request` is a Django `HttpRequest` (or anything with a `META` mapping, such as a DRF
    request's underlying one).
    """
    meta = getattr(request, "META", None)
    if meta is None:
        return None
    proxies = proxy_count()
    if proxies == 0:
        return _normalized(meta.get("REMOTE_ADDR"))
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:  # no proxy of ours forwarded it: the peer is the client
        return _normalized(meta.get("REMOTE_ADDR"))
    if len(hops) < proxies:
        return None
    return _normalized(hops[-proxies])


def forwarded_without_trusted_proxy(request: Any) -> bool:
    """True when the request carries forwarding headers but no proxy is configured.

    Behind an unconfigured proxy every request comes from the proxy's address (often
    127.0.0.1), so allow-lists that trust "local" addresses refuse such requests.
    """
    meta = getattr(request, "META", {}) or {}
    return proxy_count() == 0 and any(header in meta for header in FORWARDING_HEADERS)
