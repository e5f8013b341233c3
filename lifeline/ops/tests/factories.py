from __future__ import annotations

import factory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"

    language = "en"  # tests assert the English source strings

    email = factory.Sequence(lambda n: f"ops-user{n}@example.org")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)
