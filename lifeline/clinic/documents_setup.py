"""Start-up wiring of the documents part, called from `ClinicConfig.ready()`: notification
topics, the access rule for conclusion PDFs, Celery tasks and demo data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from lifeline.core.demo import DemoContext

DEMO_ARTICLE_TITLE = "Боль после инсульта: что важно знать"
TOPIC_PATIENT_RECORD_UPDATED = "clinic.patient_record_updated"


def notify_patient_record_updated(*, patient: Any) -> None:
    """Tell the care team (after commit) that the patient changed their own record."""
    from django.db import transaction

    from lifeline.clinic.selectors import care_team_doctors
    from lifeline.notifications.services import notify

    context = {"patient_id": str(patient.pk), "patient_name": patient.full_name}
    doctors = list(care_team_doctors(patient))

    def send() -> None:
        for doctor in doctors:
            notify(doctor, TOPIC_PATIENT_RECORD_UPDATED, context)

    transaction.on_commit(send)


def ready() -> None:
    from lifeline.clinic import documents_selectors, documents_tasks  # noqa: F401
    from lifeline.clinic.services.notifications import (
        clinic_home_page,
        conclusion_page,
        patient_card_page,
    )
    from lifeline.core.demo import register
    from lifeline.files.permissions import register_access_rule
    from lifeline.notifications.enums import Channel
    from lifeline.notifications.topics import register_topic

    register_topic(
        "clinic.conclusion_issued",
        title=_("Consultative conclusion issued"),
        default_channels=[Channel.IN_APP, Channel.EMAIL, Channel.PUSH],
        sensitive=True,
        link=conclusion_page,
    )
    register_topic(
        "clinic.assessment_due",
        title=_("Assessment due"),
        default_channels=[Channel.IN_APP, Channel.EMAIL, Channel.PUSH],
        sensitive=True,
        link=clinic_home_page,
    )
    register_topic(
        "clinic.assessment_missed",
        title=_("Patient missed an assessment"),
        default_channels=[Channel.IN_APP, Channel.EMAIL],
        sensitive=True,
        link=patient_card_page,
    )
    register_topic(
        TOPIC_PATIENT_RECORD_UPDATED,
        title=_("A patient updated their record"),
        default_channels=[Channel.IN_APP],
        sensitive=True,
        link=patient_card_page,
    )
    # PDFs of conclusions: the care team, the organization's clinic admins and the patient.
    register_access_rule("clinic.conclusion", documents_selectors.can_view_conclusion, medical=True)
    register(seed_demo)


def seed_demo(ctx: DemoContext) -> None:
    """The catalogue, the protocol templates and one published article (idempotent)."""
    from django.utils import timezone

    from lifeline.access.enums import Role
    from lifeline.clinic.documents_catalogue import catalogue_seed
    from lifeline.clinic.models import Article, ArticleStatus, CatalogueItem, ProtocolTemplate

    catalogue_seed(item_model=CatalogueItem, protocol_model=ProtocolTemplate)
    Article.objects.get_or_create(
        title=DEMO_ARTICLE_TITLE,
        defaults={
            "summary": "Почему болит, какие бывают виды боли и как помогает лечение.",
            "body": (
                "Боль после инсульта встречается часто и поддаётся лечению. Она может быть "
                "связана с плечом, со спастичностью мышц или с повреждением самих путей "
                "чувствительности (центральная постинсультная боль).\n\n"
                "Регулярно заполняйте опросники: так врач видит, помогает ли лечение."
            ),
            "language": "ru",
            "status": ArticleStatus.PUBLISHED,
            "published_at": timezone.now(),
            "author": ctx.users.get(Role.CLINIC_ADMIN),
        },
    )
    ctx.write("clinic documents: catalogue, protocols and an article")
