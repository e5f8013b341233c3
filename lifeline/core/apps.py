from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lifeline.core"
    label = "core"
