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


class MemberOutput(ModelOutput[Group]):
    tags = serializers.ListField(child=serializers.CharField(), source="tag_list")

    class Meta:
        model = Group
        fields = ("id", "name", "tags")


def test_copies_bind_their_own_fields_and_leave_the_prototype_unbound():
    first = MemberOutput(Group(id=1, name="a"))
    first.instance.tag_list = ["x"]  # type: ignore[union-attr]
    second = MemberOutput(Group(id=2, name="b"))
    second.instance.tag_list = ["y", "z"]  # type: ignore[union-attr]

    assert first.data == {"id": 1, "name": "a", "tags": ["x"]}
    assert second.data == {"id": 2, "name": "b", "tags": ["y", "z"]}
    # a field holding a child is copied deeply: each copy's child belongs to that copy
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    assert second.fields["tags"].child.parent is second.fields["tags"]
    # plain fields are copies bound to their own serializer, named and sourced on the copy
    assert first.fields["name"].source_attrs == ["name"]
    assert first.fields["name"].field_name == "name"
    prototype = MemberOutput.__dict__["_lifeline_fields_prototype"]
    assert all(getattr(field, "parent", None) is None for field in prototype.values())
    assert all(getattr(field, "field_name", None) is None for field in prototype.values())
