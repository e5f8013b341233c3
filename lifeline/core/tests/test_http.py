from __future__ import annotations

from typing import Any

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from lifeline.core.http import client_address, forwarded_without_trusted_proxy


@pytest.mark.parametrize(
    ("proxy_count", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}, "10.0.0.1"),
        (0, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "1.1.1.1"}, "10.0.0.1"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 2.2.2.2"}, "2.2.2.2"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6,2.2.2.2 "}, "2.2.2.2"),
        (
            2,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 2.2.2.2, 3.3.3.3"},
            "2.2.2.2",
        ),
        # Fewer entries than proxies: it did not come through all of them.
        (2, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "2.2.2.2"}, None),
        # No header at all: the peer itself is the client.
        (1, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-ip"}, None),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "2001:db8::1"}, "2001:db8::1"),
        (
            1,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "[2001:db8::1]:443"},
            "2001:db8::1",
        ),
        (0, {"REMOTE_ADDR": "::ffff:192.0.2.1"}, "192.0.2.1"),
        (0, {"REMOTE_ADDR": ""}, None),
    ],
)
def test_client_address_trusts_exactly_the_configured_proxies(
    settings: Any, proxy_count: int, meta: dict[str, str], expected: str | None
) -> None:
    settings.LIFELINE_PROXY_COUNT = proxy_count
    request = RequestFactory().get("/", **meta)

    assert client_address(request) == expected


@pytest.mark.parametrize("proxy_count", [0, 1])
def test_axes_asks_the_same_function(settings: Any, proxy_count: int) -> None:
    settings.LIFELINE_PROXY_COUNT = proxy_count
    request = RequestFactory().post(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7"
    )

    assert get_client_ip_address(request) == client_address(request)
    assert get_client_ip_address(request) == ("127.0.0.1", "203.0.113.7")[proxy_count]


def test_forwarded_without_trusted_proxy(settings: Any) -> None:
    factory = RequestFactory()
    settings.LIFELINE_PROXY_COUNT = 0
    assert forwarded_without_trusted_proxy(factory.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1"))
    assert not forwarded_without_trusted_proxy(factory.get("/"))
    settings.LIFELINE_PROXY_COUNT = 1
    assert not forwarded_without_trusted_proxy(factory.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1"))
