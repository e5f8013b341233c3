from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "lifeline.ops"
    label = "ops"
