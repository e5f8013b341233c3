from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lifeline.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from lifeline.core.db import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="lifeline.core.db")
