"""Every clinic model has a factory, and each builds and saves a row."""

from __future__ import annotations

import pytest
from django.apps import apps

from lifeline.clinic.tests import factories

pytestmark = pytest.mark.django_db


def _factories() -> dict[str, type]:
    return {
        cls._meta.model.__name__: cls
        for cls in vars(factories).values()
        if isinstance(cls, type)
        and issubclass(cls, factories.factory.django.DjangoModelFactory)
        and cls._meta.model is not None
        and cls._meta.model._meta.app_label == "clinic"
    }


def test_one_factory_per_model() -> None:
    models = {model.__name__ for model in apps.get_app_config("clinic").get_models()}
    assert set(_factories()) == models


@pytest.mark.parametrize("name", sorted(_factories()))
def test_factory_saves_a_row(name: str) -> None:
    row = _factories()[name]()
    assert type(row)._default_manager.filter(pk=row.pk).count() == 1
