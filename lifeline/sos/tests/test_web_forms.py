"""The pages' POST parsing (lifeline/sos/web/forms.py): what the views did by hand before."""

from __future__ import annotations

from django.http import QueryDict

from lifeline.sos.web.forms import DeviceAddForm, EventActionForm, HelperUpdateForm, TriggerForm


def _post(**values: str) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(values)
    return data


def test_device_add_strips_the_id_and_keeps_the_model_as_typed() -> None:
    form = DeviceAddForm(_post(device_uid="  watch-1 ", model=" X" + "m" * 200))
    assert form.is_valid()
    assert form.cleaned_data == {"device_uid": "watch-1", "model": " X" + "m" * 126}
    assert not DeviceAddForm(_post(device_uid="   ")).is_valid()
    assert not DeviceAddForm(_post(device_uid="w" * 129)).is_valid()
    assert DeviceAddForm(_post(device_uid="w" * 128)).is_valid()


def test_trigger_uses_the_sent_position_else_the_device_position() -> None:
    device = (41.3, 69.2)
    assert TriggerForm(_post(lat="41.5", lon="69.5")).position(fallback=device) == (41.5, 69.5)
    assert TriggerForm(_post()).position(fallback=device) == device
    assert TriggerForm(_post(lat="nan", lon="69.5")).position(fallback=device) == device
    assert TriggerForm(_post(lat="x", lon="1")).position(fallback=device) == device
    # A position sent but off the globe is refused, not replaced by the device's.
    assert TriggerForm(_post(lat="91", lon="69.5")).position(fallback=device) is None
    assert TriggerForm(_post()).position(fallback=(None, None)) is None


def test_helper_update_reads_checkboxes_and_a_valid_position_only() -> None:
    assert HelperUpdateForm(_post(opted_in="on", on_duty="yes")).values() == {
        "opted_in": True,
        "on_duty": False,
    }
    assert HelperUpdateForm(_post(lat="41.5", lon="69.5")).values() == {
        "opted_in": False,
        "on_duty": False,
        "lat": 41.5,
        "lon": 69.5,
    }
    assert HelperUpdateForm(_post(lat="41.5", lon="181")).values() == {
        "opted_in": False,
        "on_duty": False,
    }


def test_event_action_texts_are_cut_at_500_characters_and_not_stripped() -> None:
    form = EventActionForm(_post(reason=" " + "r" * 600, next="helper"))
    assert form.text("reason") == " " + "r" * 499
    assert form.text("outcome") == ""
    assert form.text("next") == "helper"
