"""Test helpers shared by every app: "this endpoint refuses a spoofed client address".

An endpoint that limits anonymous clients (a rate limit, a lockout) must count the address
`lifeline.core.http.client_address` trusts, not one the client wrote into a header.
`assert_refuses_spoofed_client_address` sends the same client's requests, each with a new
forged `X-Forwarded-For` entry, with no proxy configured and behind one proxy, and asserts
that the limit still bites after `allowed` requests.
"""

# ruff: noqa: S101  (a pytest helper: plain asserts give pytest's rewritten messages)

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import caches
from django.test import override_settings

REAL_CLIENT = "203.0.113.7"
OTHER_REAL_CLIENT = "203.0.113.99"
PROXY_PEER = "127.0.0.1"  # nginx on the same host
INNER_PROXY = "10.0.0.2"


def spoofed_address(attempt: int) -> str:
    """A different forged client address for every attempt."""
    return f"198.51.{attempt // 250}.{attempt % 250 + 1}"


def client_meta(*, proxy_count: int, real: str = REAL_CLIENT, spoofed: str = "") -> dict[str, str]:
    """The WSGI environ of a request from `real` as it reaches the app through
    `proxy_count` proxies of ours, the client having sent `X-Forwarded-For: <spoofed>`."""
    if proxy_count == 0:
        meta = {"REMOTE_ADDR": real}
        if spoofed:
            meta["HTTP_X_FORWARDED_FOR"] = spoofed
        return meta
    # The outermost proxy appends the address it saw (the real client); each inner proxy
    # appends the address of the proxy before it.
    hops = [*([spoofed] if spoofed else []), real, *[INNER_PROXY] * (proxy_count - 1)]
    return {"REMOTE_ADDR": PROXY_PEER, "HTTP_X_FORWARDED_FOR": ", ".join(hops)}


def _clear_cache() -> None:
    caches["default"].clear()


def assert_refuses_spoofed_client_address(
    send: Callable[[dict[str, str], int], Any],
    *,
    allowed: int,
    refused_status: int = 429,
    per_client: bool = True,
    proxy_counts: Iterable[int] = (0, 1),
    reset: Callable[[], None] = _clear_cache,
) -> None:
    """Assert the endpoint's limit holds although every request forges a new address.

    `send(meta, attempt)` makes one request with the extra WSGI environ `meta` and returns
    the response; `attempt` counts from 0 (use it to vary anything else the request needs).
    For each proxy count: the first `allowed` requests are not refused, the next two are
    refused with `refused_status`. With `per_client` (a per-address limit, not a per-account
    one), a request from another real client is then still let through, which shows the
    limit counted the real address and is not a global one. Time should be frozen by the
    caller so the window cannot roll over mid-test; `reset()` runs before each round.
    """
    for proxy_count in proxy_counts:
        reset()
        with override_settings(LIFELINE_PROXY_COUNT=proxy_count):
            statuses = [
                send(
                    client_meta(proxy_count=proxy_count, spoofed=spoofed_address(attempt)),
                    attempt,
                ).status_code
                for attempt in range(allowed + 2)
            ]
            assert refused_status not in statuses[:allowed], (proxy_count, statuses)
            assert statuses[allowed:] == [refused_status, refused_status], (proxy_count, statuses)
            if per_client:
                other = send(
                    client_meta(
                        proxy_count=proxy_count,
                        real=OTHER_REAL_CLIENT,
                        spoofed=REAL_CLIENT,  # even claiming to be the throttled client
                    ),
                    allowed + 2,
                )
                assert other.status_code != refused_status, (proxy_count, other.status_code)
