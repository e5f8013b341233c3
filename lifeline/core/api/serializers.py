"""Serializer bases shared by every module's API.

`ModelOutput` is the base for output serializers that read their fields off a model
(STYLE: `ModelSerializer` for output only). DRF's `ModelSerializer` introspects the model and
builds every field anew each time a serializer is instantiated — once per response, and that
introspection (model metadata, field kwargs, lazy labels) costs more than the serialization
itself (measured in `benchmarks/api_read.py`). `ModelOutput` builds the fields once per class
and gives each instance a copy: a shallow one of each plain field (binding, which sets the
field's name, parent and source, happens on the copy, and an output field never writes its
options), a deep one of fields that hold other fields (nested serializers, many-related,
list and dict fields), so no bound state is shared between instances or threads.

A subclass whose fields depend on the instance, the context or the request overrides
`get_fields()` and adjusts the per-instance copy that `super().get_fields()` returns.
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from typing import Any, TypeVar

from django.db import models
from rest_framework import serializers

M = TypeVar("M", bound=models.Model)

_PROTOTYPE = "_lifeline_fields_prototype"


class ModelOutput(serializers.ModelSerializer[M]):
    # A read-only `ModelSerializer` whose fields are introspected once per class. Every field
    # it builds from the model is read-only (`Meta.read_only_fields` is implied). No
    # docstring on purpose: the OpenAPI generator would give it to every subclass.

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        cls = type(self)
        prototype = cls.__dict__.get(_PROTOTYPE)
        if prototype is None:
            # Built from the class alone (Meta, declared fields): the same for every instance.
            # Two threads building it at once both store an equal dict; either one is fine.
            prototype = super().get_fields()
            setattr(cls, _PROTOTYPE, prototype)
        return {name: _copy_field(field) for name, field in prototype.items()}

    def include_extra_kwargs(
        self, kwargs: MutableMapping[str, Any], extra_kwargs: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        # Output only: every field built from the model is read-only, which also drops the
        # input-only arguments (validators, lengths, querysets) that each copy would rebuild.
        return super().include_extra_kwargs(kwargs, {**extra_kwargs, "read_only": True})


_Field = serializers.Field[Any, Any, Any, Any]

# Fields that hold other fields: copied deeply, so that each copy binds its own children.
_NESTING = (
    serializers.BaseSerializer,
    serializers.ManyRelatedField,
    serializers.ListField,
    serializers.DictField,
)


def _copy_field(field: _Field) -> _Field:
    """A per-instance copy of an unbound prototype field. A plain field holds only its
    options (read, never written, by an output field); binding sets the copy's own name,
    parent and source, so a shallow copy is enough and costs a fraction of DRF's deep copy,
    which re-runs the field's constructor."""
    if isinstance(field, _NESTING):
        return copy.deepcopy(field)
    return copy.copy(field)
