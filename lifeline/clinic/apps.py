from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "lifeline.clinic"
    label = "clinic"
    verbose_name = _("Pain clinic")

    def ready(self) -> None:
        from lifeline.access.enums import Role
        from lifeline.clinic import documents_setup
        from lifeline.clinic.demo import seed
        from lifeline.clinic.demo_history import seed_history
        from lifeline.clinic.services.notifications import register_topics
        from lifeline.core.demo import register
        from lifeline.core.home import register_home_tile

        register_home_tile(
            "clinic-web:home",
            title=_("Pain clinic"),
            description=_("Assessments, care plans and documents."),
            roles=[Role.PATIENT, Role.DOCTOR, Role.CLINIC_ADMIN],
        )
        register_topics()
        register(seed)
        register(seed_history)  # after `seed`: it needs the demo patient's record
        documents_setup.ready()
