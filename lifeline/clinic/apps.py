from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "lifeline.clinic"
    label = "clinic"
    verbose_name = _("Pain clinic")

    def ready(self) -> None:
        from lifeline.clinic import chat_policy, documents_setup
        from lifeline.clinic.demo import seed
        from lifeline.clinic.demo_history import seed_history
        from lifeline.clinic.services.notifications import register_topics
        from lifeline.web.demo import register

        register_topics()
        register(seed)
        register(seed_history)  # after `seed`: it needs the demo patient's record
        documents_setup.ready()
        chat_policy.register()  # the messenger's "clinic.care" conversations
