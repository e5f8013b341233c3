from __future__ import annotations

import pytest
from channels.testing import HttpCommunicator

from lifeline.core.embedded import application

pytestmark = pytest.mark.asyncio


async def get(path: str) -> dict[str, object]:
    communicator = HttpCommunicator(application, "GET", path, headers=[(b"host", b"testserver")])
    await communicator.send_input({"type": "http.request", "body": b""})
    response = await communicator.receive_output(timeout=10)
    body = b""
    while True:  # a file response ends with a chunk that has no "body" key
        chunk = await communicator.receive_output(timeout=10)
        body += chunk.get("body", b"")
        if not chunk.get("more_body", False):
            break
    return {**response, "body": body}


async def test_static_file_is_served_with_nosniff():
    response = await get("/static/chat/chat.js")

    headers = dict(response["headers"])  # type: ignore[call-overload]
    assert response["status"] == 200
    assert headers[b"X-Content-Type-Options"] == b"nosniff"
    assert headers[b"Content-Type"].startswith(b"text/javascript")
    assert response["body"]


async def test_missing_static_file_is_a_404_with_nosniff():
    response = await get("/static/no-such-file.js")

    headers = dict(response["headers"])  # type: ignore[call-overload]
    assert response["status"] == 404
    assert headers[b"X-Content-Type-Options"] == b"nosniff"
