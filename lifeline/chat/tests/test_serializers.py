"""`MessageSendInput.validated`: the plain JSON send skips building the serializer and gets
exactly what the serializer would give; everything else goes through the serializer."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from lifeline.chat.api.serializers import MessageSendInput, _plain_send

KEY = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"


def by_serializer(data: Any) -> dict[str, Any]:
    serializer = MessageSendInput(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@pytest.mark.parametrize(
    "data",
    [
        {"text": "Hello"},
        {},
        {"text": ""},
        {"text": "  spaced  "},
        {"text": "Болит рука 🤕"},
        {"text": "x" * 100_000},
        {"text": "hi", "voice": False},
        {"text": "hi", "voice": True, "duration_ms": 0},
        {"text": "hi", "duration_ms": None},
        {"text": "hi", "duration_ms": 3000},
        {"text": "hi", "client_id": KEY, "reply_to": None},
        {"text": "hi", "client_id": None},
        {"text": "hi", "reply_to": KEY.replace("-", "")},
        {"text": "hi", "client_id": KEY.upper()},
        {"text": "hi", "client_id": "{" + KEY + "}"},
        {"text": "hi", "client_id": "urn:uuid:" + KEY},
        {"text": "hi", "unknown": [1, 2]},
    ],
)
def test_plain_json_sends_skip_the_serializer_with_the_same_result(data: dict[str, Any]) -> None:
    plain = _plain_send(data)

    assert plain is not None
    assert plain == by_serializer(data)
    assert MessageSendInput.validated(data) == plain


def test_plain_send_values_exactly() -> None:
    assert _plain_send({"text": "Hello", "client_id": KEY, "duration_ms": 5}) == {
        "text": "Hello",
        "voice": False,
        "duration_ms": 5,
        "client_id": uuid.UUID(KEY),
    }


@pytest.mark.parametrize(
    "data",
    [
        {"text": 5},  # the field converts it to "5"
        {"text": 1.5},
        {"voice": "true"},
        {"voice": 1},
        {"text": "hi", "duration_ms": "3000"},
        {"text": "hi", "duration_ms": 3000.0},
        {"text": "hi", "client_id": 12345},
    ],
)
def test_values_the_serializer_converts_go_through_it(data: dict[str, Any]) -> None:
    assert _plain_send(data) is None
    assert MessageSendInput.validated(data) == by_serializer(data)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": None}, "text"),
        ({"text": True}, "text"),
        ({"text": ["a"]}, "text"),
        ({"text": "x" * 100_001}, "text"),
        ({"text": "nul\x00"}, "text"),
        ({"text": "half \ud800 pair"}, "text"),
        ({"text": "hi", "voice": "maybe"}, "voice"),
        ({"text": "hi", "voice": None}, "voice"),
        ({"text": "hi", "duration_ms": -1}, "duration_ms"),
        ({"text": "hi", "duration_ms": True}, "duration_ms"),
        ({"text": "hi", "duration_ms": "ten"}, "duration_ms"),
        ({"text": "hi", "client_id": "not-an-id"}, "client_id"),
        ({"text": "hi", "client_id": ""}, "client_id"),
        ({"text": "hi", "reply_to": {"id": KEY}}, "reply_to"),
        ({"file": "not a file"}, "file"),
    ],
)
def test_invalid_values_get_the_serializers_errors(data: dict[str, Any], field: str) -> None:
    assert _plain_send(data) is None
    with pytest.raises(ValidationError) as raised:
        MessageSendInput.validated(data)
    assert list(raised.value.detail) == [field]  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as expected:
        by_serializer(data)
    assert raised.value.detail == expected.value.detail


def test_a_form_goes_through_the_serializer() -> None:
    form = QueryDict("text=hi&voice=true&duration_ms=3000")

    assert _plain_send(form) is None
    assert MessageSendInput.validated(form) == {"text": "hi", "voice": True, "duration_ms": 3000}
