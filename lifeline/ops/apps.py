from typing import Any

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "lifeline.ops"
    label = "ops"

    def ready(self) -> None:
        from celery.signals import after_setup_logger, after_setup_task_logger

        from lifeline.ops.logging import redact_all_handlers

        # Django configured settings.LOGGING just before the apps' ready(): whatever handler a
        # server installed before that (uvicorn's, granian's) gets the redaction filter too.
        redact_all_handlers()
        after_setup_logger.connect(_redact_celery_handlers, weak=False, dispatch_uid="ops.redact")
        after_setup_task_logger.connect(
            _redact_celery_handlers, weak=False, dispatch_uid="ops.redact.task"
        )


def _redact_celery_handlers(*args: Any, **kwargs: Any) -> None:
    from lifeline.ops.logging import redact_all_handlers

    redact_all_handlers()
