from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "lifeline.clinic"
    label = "clinic"
    verbose_name = _("Pain clinic")

    def ready(self) -> None:
        """Every registration of the clinic: notification topics, the file access rule of
        conclusion PDFs, the messenger's conversation policy, demo seeders (Celery tasks are
        autodiscovered from `tasks.py`)."""
        from lifeline.access.enums import Role
        from lifeline.clinic import chat_policy
        from lifeline.clinic.demo import seed, seed_catalogue
        from lifeline.clinic.demo_history import seed_history
        from lifeline.clinic.selectors.conclusions import can_view_conclusion
        from lifeline.clinic.services import notifications as n
        from lifeline.core.demo import register
        from lifeline.core.home import register_home_tile
        from lifeline.files.permissions import register_access_rule
        from lifeline.notifications.enums import Channel
        from lifeline.notifications.topics import register_topic

        register_home_tile(
            "clinic-web:home",
            title=_("Pain clinic"),
            description=_("Assessments, care plans and documents."),
            roles=[Role.PATIENT, Role.DOCTOR, Role.CLINIC_ADMIN],
        )
        email = [Channel.IN_APP, Channel.EMAIL]
        register_topic(
            n.TOPIC_INVITATION_ACCEPTED,
            title=_("A patient accepted your invitation"),
            default_channels=email,
            sensitive=True,
            link=n.patient_card_page,
        )
        register_topic(
            n.TOPIC_ASSESSMENT_SUBMITTED,
            title=_("A patient completed an assessment"),
            default_channels=[Channel.IN_APP],
            sensitive=True,
            link=n.evaluation_page,
        )
        register_topic(
            n.TOPIC_CONCLUSION_ISSUED,
            title=_("Consultative conclusion issued"),
            default_channels=[*email, Channel.PUSH],
            sensitive=True,
            link=n.conclusion_page,
        )
        register_topic(
            n.TOPIC_ASSESSMENT_DUE,
            title=_("Assessment due"),
            default_channels=[*email, Channel.PUSH],
            sensitive=True,
            link=n.clinic_home_page,
        )
        register_topic(
            n.TOPIC_ASSESSMENT_MISSED,
            title=_("Patient missed an assessment"),
            default_channels=email,
            sensitive=True,
            link=n.patient_card_page,
        )
        register_topic(
            n.TOPIC_PATIENT_RECORD_UPDATED,
            title=_("A patient updated their record"),
            default_channels=[Channel.IN_APP],
            sensitive=True,
            link=n.patient_card_page,
        )
        # PDFs of conclusions: the care team, the organization's clinic admins and the patient.
        register_access_rule("clinic.conclusion", can_view_conclusion, medical=True)
        register(seed)
        register(seed_history)  # after `seed`: it needs the demo patient's record
        register(seed_catalogue)
        chat_policy.register()  # the messenger's "clinic.care" conversations
