from __future__ import annotations

from unittest import mock

from django.contrib.auth.models import Group
from rest_framework import serializers
from rest_framework.utils import model_meta

from lifeline.core.api.serializers import ModelOutput


class GroupModelSerializer(serializers.ModelSerializer[Group]):
    class Meta:
        model = Group
        fields = ("id", "name")


class GroupOutput(ModelOutput[Group]):
    class Meta:
        model = Group
        fields = ("id", "name")


class GroupWithExtraOutput(GroupOutput):
    upper = serializers.SerializerMethodField()

    class Meta(GroupOutput.Meta):
        fields = ("id", "name", "upper")

    def get_upper(self, group: Group) -> str:
        return group.name.upper()


def test_output_equals_the_model_serializers():
    group = Group(id=7, name="Triage")

    assert (
        GroupOutput(group).data == GroupModelSerializer(group).data == {"id": 7, "name": "Triage"}
    )
    assert GroupOutput([group, Group(id=8, name="Ward")], many=True).data == [
        {"id": 7, "name": "Triage"},
        {"id": 8, "name": "Ward"},
    ]


def test_the_model_is_introspected_once_per_class():
    if "_lifeline_fields_prototype" in GroupWithExtraOutput.__dict__:  # built by another test
        del GroupWithExtraOutput._lifeline_fields_prototype
    with mock.patch.object(
        model_meta, "get_field_info", wraps=model_meta.get_field_info
    ) as introspect:
        for name in ("a", "b", "c"):
            assert GroupWithExtraOutput(Group(id=1, name=name)).data["upper"] == name.upper()

    assert introspect.call_count == 1
    assert "_lifeline_fields_prototype" in GroupWithExtraOutput.__dict__


def test_instances_do_not_share_field_objects():
    first, second = GroupOutput(Group(id=1, name="a")), GroupOutput(Group(id=2, name="b"))

    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first
    assert second.fields["name"].parent is second
    assert type(first.fields["name"]) is serializers.CharField
    assert first.fields["name"].read_only is True
