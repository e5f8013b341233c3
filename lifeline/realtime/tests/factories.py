from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from lifeline.accounts.enums import UserStatus


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    language = "en"  # tests assert the English source strings

    email = factory.Sequence(lambda n: f"realtime-user-{n}@example.com")
    status = UserStatus.ACTIVE

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        return model_class.objects.create_user(*args, password="correct-horse-battery-9!", **kwargs)
