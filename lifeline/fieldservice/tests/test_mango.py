from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import responses
from django.test import TestCase, override_settings
from django.utils import timezone

from lifeline.fieldservice.enums import CallbackStatus, CallOutcome, RequestStatus
from lifeline.fieldservice.integrations.mango import MangoClient
from lifeline.fieldservice.integrations.signing import mango_sign
from lifeline.fieldservice.models import Call, CallbackTask, MangoEvent, ServiceRequest
from lifeline.fieldservice.services.telephony import callbacks_escalate_due
from lifeline.fieldservice.tests.conftest import client_for
from lifeline.fieldservice.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

KEY = "demo-key"
SALT = "demo-salt"
BASE = "/api/v1/fieldservice/mango/"
NOW = int(timezone.now().timestamp())  # calls happen now


@pytest.fixture(autouse=True)
def _mango_keys() -> Any:
    with override_settings(FIELDSERVICE_MANGO_API_KEY=KEY, FIELDSERVICE_MANGO_API_SALT=SALT):
        yield


def _form(payload: dict[str, Any], *, key: str = KEY, salt: str = SALT) -> dict[str, str]:
    raw = json.dumps(payload, separators=(",", ":"))
    return {
        "vpbx_api_key": key,
        "sign": mango_sign(api_key=key, payload=raw, api_salt=salt),
        "json": raw,
    }


def _post(path: str, form: dict[str, str]) -> Any:
    # The processing task is enqueued on commit and runs eagerly, as on the embedded server.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client_for(None).post(
            BASE + path, urlencode(form), content_type="application/x-www-form-urlencoded"
        )


def _call(
    entry: str, state: str, seq: int, *, caller: str = "79161234567", extension: str = ""
) -> dict[str, Any]:
    return {
        "entry_id": entry,
        "call_id": f"{entry}-leg",
        "timestamp": NOW + seq,
        "seq": seq,
        "call_state": state,
        "location": "abonent",
        "from": {"number": caller},
        "to": {"number": "74950000001", "line_number": "74950000001", "extension": extension},
    }


def _summary(entry: str, *, answered: bool, caller: str = "79161234567") -> dict[str, Any]:
    return {
        "entry_id": entry,
        "call_direction": 1,
        "from": {"number": caller},
        "to": {"number": "74950000001"},
        "line_number": "74950000001",
        "create_time": NOW,
        "forward_time": NOW + 1,
        "talk_time": NOW + 5 if answered else 0,
        "end_time": NOW + 65,
        "entry_result": 1 if answered else 0,
        "disconnect_reason": 1110,
    }


def _answered_call(entry: str, **kw: Any) -> None:
    assert _post("events/call", _form(_call(entry, "Appeared", 1, **kw))).status_code == 200
    assert (
        _post("events/call", _form(_call(entry, "Connected", 2, extension="101", **kw))).status_code
        == 200
    )
    assert _post("events/call", _form(_call(entry, "Disconnected", 3, **kw))).status_code == 200
    caller = kw.get("caller", "79161234567")
    assert (
        _post("events/summary", _form(_summary(entry, answered=True, caller=caller))).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({}, 403),
        ({"vpbx_api_key": KEY, "json": "{}"}, 403),
        ({**_form({"entry_id": "e1"}), "sign": "0" * 64}, 403),
        (_form({"entry_id": "e1"}, key="someone-else"), 403),
        (_form({"entry_id": "e1"}, salt="wrong-salt"), 403),
        (
            {
                "vpbx_api_key": KEY,
                "json": "not json",
                "sign": mango_sign(api_key=KEY, payload="not json", api_salt=SALT),
            },
            400,
        ),
        (
            {
                "vpbx_api_key": KEY,
                "json": "[1]",
                "sign": mango_sign(api_key=KEY, payload="[1]", api_salt=SALT),
            },
            400,
        ),
    ],
)
def test_unverified_or_malformed_webhooks_store_nothing(
    world: Any, form: dict[str, str], expected: int
) -> None:
    response = _post("events/call", form)
    assert response.status_code == expected
    assert MangoEvent.objects.count() == 0
    assert Call.objects.count() == 0


def test_oversized_webhook_is_refused(world: Any) -> None:
    form = _form({"entry_id": "e1", "padding": "x" * 70_000})
    assert _post("events/call", form).status_code == 400
    assert MangoEvent.objects.count() == 0


def test_webhooks_are_refused_while_mango_is_not_configured(world: Any) -> None:
    with override_settings(FIELDSERVICE_MANGO_API_KEY="", FIELDSERVICE_MANGO_API_SALT=""):
        form = {
            "vpbx_api_key": "",
            "sign": mango_sign(api_key="", payload="{}", api_salt=""),
            "json": "{}",
        }
        assert _post("events/call", form).status_code == 403
    assert MangoEvent.objects.count() == 0


def test_ping_answers_when_signed(world: Any) -> None:
    assert _post("ping", _form({})).json() == {"result": 200}


def test_answered_call_creates_a_new_request_from_the_campaign(world: Any) -> None:
    # when
    _answered_call("entry-1")
    # then
    request = ServiceRequest.objects.get()
    assert request.status == RequestStatus.NEW
    assert request.client_phone == "+79161234567"
    assert (request.city_id, request.campaign_id) == (world.moscow.pk, world.campaign.pk)
    assert request.request_type.name == "Впервые"
    assert request.ats_number == "+74950000001"
    assert request.operator_id == world.operator.pk
    call = Call.objects.get()
    assert (call.outcome, call.request_id, call.talk_seconds) == (
        CallOutcome.ANSWERED,
        request.pk,
        60,
    )


def test_replayed_webhooks_change_nothing(world: Any) -> None:
    _answered_call("entry-1")
    _answered_call("entry-1")
    assert MangoEvent.objects.count() == 4
    assert ServiceRequest.objects.count() == 1
    assert Call.objects.count() == 1


def test_a_repeat_call_joins_the_open_request(world: Any) -> None:
    _answered_call("entry-1")
    _answered_call("entry-2")
    assert ServiceRequest.objects.count() == 1
    assert set(Call.objects.values_list("request_id", flat=True)) == {
        ServiceRequest.objects.get().pk
    }


def test_a_known_phone_with_only_closed_old_requests_gets_a_repeat_request(world: Any) -> None:
    old = ServiceRequestFactory(
        city=world.moscow, client_phone="+79161234567", status=RequestStatus.DONE
    )
    ServiceRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    _answered_call("entry-9")
    new = ServiceRequest.objects.exclude(pk=old.pk).get()
    assert new.request_type.name == "Повтор"


def test_missed_call_becomes_a_callback_an_operator_takes_once(world: Any) -> None:
    # given
    _post("events/call", _form(_call("entry-m", "Appeared", 1)))
    _post("events/summary", _form(_summary("entry-m", answered=False)))
    callback = CallbackTask.objects.get()
    assert ServiceRequest.objects.count() == 0
    assert callback.phone == "+79161234567"
    assert callback.city_id == world.moscow.pk
    assert callback.due_at == Call.objects.get().ended_at + timedelta(minutes=15)
    listed = client_for(world.operator).get("/api/v1/fieldservice/callbacks/").json()["results"]
    assert [row["id"] for row in listed] == [str(callback.pk)]
    assert client_for(world.master).get("/api/v1/fieldservice/callbacks/").json()["count"] == 0
    assert (
        client_for(world.other_operator).get("/api/v1/fieldservice/callbacks/").json()["count"] == 0
    )
    # when
    taken = client_for(world.operator).post(f"/api/v1/fieldservice/callbacks/{callback.pk}/take/")
    again = client_for(world.manager).post(f"/api/v1/fieldservice/callbacks/{callback.pk}/take/")
    # then
    assert taken.status_code == 200
    assert taken.json()["status"] == CallbackStatus.TAKEN
    assert again.status_code == 409
    callback.refresh_from_db()
    assert callback.taken_by_id == world.operator.pk
    other = client_for(world.other_operator).post(
        f"/api/v1/fieldservice/callbacks/{callback.pk}/take/"
    )
    assert other.status_code == 404


def test_overdue_callback_escalates_to_managers_once(world: Any) -> None:
    _post("events/summary", _form(_summary("entry-m", answered=False)))
    callback = CallbackTask.objects.get()
    assert callbacks_escalate_due(now=callback.due_at - timedelta(seconds=1)) == 0
    assert callbacks_escalate_due(now=callback.due_at) == 1
    assert callbacks_escalate_due(now=callback.due_at + timedelta(minutes=5)) == 0
    callback.refresh_from_db()
    assert callback.escalated_at == callback.due_at
    from lifeline.notifications.models import Notification

    assert sorted(
        Notification.objects.filter(topic="fieldservice.callback_overdue").values_list(
            "recipient_id", flat=True
        )
    ) == sorted([world.manager.pk, world.director.pk])


def test_a_call_to_an_unknown_line_is_stored_without_a_request(world: Any) -> None:
    payload = _summary("entry-x", answered=True)
    payload["line_number"] = "74990000000"
    _post("events/summary", _form(payload))
    assert Call.objects.get().organization_id is None
    assert ServiceRequest.objects.count() == 0


def test_unknown_events_are_stored_and_ignored(world: Any) -> None:
    assert _post("events/dtmf", _form({"entry_id": "e5", "dtmf": "1"})).status_code == 200
    assert list(MangoEvent.objects.values_list("kind", "path")) == [("other", "events/dtmf")]


@responses.activate
def test_click_to_call_posts_a_signed_callback_command() -> None:
    responses.post("https://mango.test/vpbx/commands/callback", json={"result": 1000})
    client = MangoClient(api_key=KEY, api_salt=SALT, base_url="https://mango.test/vpbx")
    client.callback(from_extension="101", to_number="+79161234567", command_id="cmd-1")
    assert len(responses.calls) == 1
    sent = responses.calls[0].request
    raw = '{"command_id":"cmd-1","from":{"extension":"101"},"to_number":"79161234567"}'
    from urllib.parse import parse_qs

    assert parse_qs(sent.body) == {
        "vpbx_api_key": [KEY],
        "sign": [mango_sign(api_key=KEY, payload=raw, api_salt=SALT)],
        "json": [raw],
    }


def test_a_recording_is_fetched_with_backoff_and_attached_to_the_request(world: Any) -> None:
    from lifeline.fieldservice.integrations.fake import FakeTelephony
    from lifeline.fieldservice.models import CallRecording, RequestFile
    from lifeline.fieldservice.services.recordings import recordings_fetch_due
    from lifeline.files.tests.samples import wav

    # given an answered call and its recording event
    _answered_call("entry-r")
    request = ServiceRequest.objects.get()
    request.master = world.master
    request.save()
    _post("events/recording", _form({"entry_id": "entry-r", "recording_id": "rec-1"}))
    recording = CallRecording.objects.get()
    fake = FakeTelephony()
    due = recording.next_attempt_at
    # when Mango has not finished the file yet
    assert recordings_fetch_due(now=due, client=fake) == 0
    recording.refresh_from_db()
    assert (recording.attempts, recording.next_attempt_at) == (1, due + timedelta(seconds=60))
    # and then it has
    fake.recordings["rec-1"] = wav()
    assert recordings_fetch_due(now=recording.next_attempt_at, client=fake) == 1
    # then
    recording.refresh_from_db()
    attached = RequestFile.objects.get(request=request)
    assert (attached.purpose, attached.file_id) == ("recording", recording.file_id)
    assert recording.next_attempt_at is None
    url = f"/api/v1/files/{recording.file_id}/download/"
    assert client_for(world.operator).get(url).status_code == 200
    assert client_for(world.master).get(url).status_code == 200
    assert client_for(world.master2).get(url).status_code == 404
    assert client_for(world.other_director).get(url).status_code == 404


def test_a_recording_never_ready_is_given_up_after_ten_minutes(world: Any) -> None:
    from lifeline.fieldservice.integrations.fake import FakeTelephony
    from lifeline.fieldservice.models import CallRecording
    from lifeline.fieldservice.services.recordings import recordings_fetch_due

    _post("events/recording", _form({"entry_id": "entry-z", "recording_id": "rec-z"}))
    recording = CallRecording.objects.get()
    recordings_fetch_due(now=recording.created_at + timedelta(minutes=10), client=FakeTelephony())
    recording.refresh_from_db()
    assert recording.next_attempt_at is None
    assert recording.gave_up_at == recording.created_at + timedelta(minutes=10)


def test_a_ringing_call_opens_the_callers_card_for_operators_of_the_city(world: Any) -> None:
    old = ServiceRequestFactory(city=world.moscow, client_phone="+79161234567")
    ServiceRequestFactory(city=world.moscow, client_phone="+79161234567", status=RequestStatus.DONE)
    _post("events/call", _form(_call("entry-c", "Appeared", 1)))
    call = Call.objects.get()
    url = f"/api/v1/fieldservice/calls/{call.pk}/card/"
    card = client_for(world.operator).get(url).json()
    assert card["phone"] == "+79161234567"
    assert (card["campaign"], card["city"]) == ("Авито", "Москва")
    assert [r["id"] for r in card["open_requests"]] == [str(old.pk)]
    assert card["requests_total"] == 2
    assert client_for(world.master).get(url).status_code == 404
    assert client_for(world.other_operator).get(url).status_code == 404
