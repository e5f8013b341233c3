"""Demo data of the clinic: legal documents, a doctor profile, a patient record (`seed`), and the
catalogue, the protocol templates and one published article (`seed_catalogue`)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from lifeline.access.enums import OrganizationKind, Role
from lifeline.clinic.catalogue_data import catalogue_seed
from lifeline.clinic.enums import ArticleStatus, LegalDocumentKind
from lifeline.clinic.models.catalogue import Article, CatalogueItem
from lifeline.clinic.models.patients import CareTeamMember, DoctorProfile, Patient
from lifeline.clinic.models.protocols import ProtocolTemplate
from lifeline.clinic.models.registration import LegalDocument
from lifeline.core.demo import DemoContext

DEMO_ARTICLE_TITLE = "Боль после инсульта: что важно знать"

LEGAL_TEXTS = {
    LegalDocumentKind.USER_AGREEMENT: (
        "Пользовательское соглашение",
        "Сервис является системой поддержки принятия врачебных решений и не заменяет "
        "консультацию врача.",
    ),
    LegalDocumentKind.PERSONAL_DATA_POLICY: (
        "Политика обработки персональных данных",
        "Персональные и медицинские данные обрабатываются в соответствии с 152-ФЗ.",
    ),
}


def ensure_legal_documents(version: str = "1.0") -> None:
    for kind, (title, body) in LEGAL_TEXTS.items():
        LegalDocument.objects.get_or_create(
            kind=kind, version=version, defaults={"title": title, "body": body}
        )


def seed(ctx: DemoContext) -> None:
    ensure_legal_documents()
    clinic = ctx.organizations.get(OrganizationKind.CLINIC)
    doctor = ctx.users.get(Role.DOCTOR)
    patient_user = ctx.users.get(Role.PATIENT)
    if clinic is None or doctor is None:
        return
    DoctorProfile.objects.get_or_create(
        user=doctor,
        defaults={
            "organization": clinic,
            "specialty": "Невролог",
            "position": "Врач-невролог",
            "workplace": clinic.name,
            "city": "Москва",
        },
    )
    if patient_user is not None:
        patient, _ = Patient.objects.get_or_create(
            user=patient_user,
            defaults={
                "organization": clinic,
                "full_name": patient_user.display_name,
                "created_by": doctor,
                "date_of_birth": date(1958, 4, 12),
                "sex": "male",
                "diagnosis": "Последствия ишемического инсульта в правом полушарии (I69.3)",
                "stroke_date": date(2025, 9, 1),
                "stroke_type": "ischemic",
                "lesion_side": "right",
                "pain_locations": ["shoulder_left", "hand_left"],
                "pain_onset_date": date(2025, 10, 15),
                "clinical": {"age": 67, "self_report_reliable": True},
            },
        )
        CareTeamMember.objects.get_or_create(
            patient=patient, doctor=doctor, defaults={"assigned_by": doctor}
        )
    ctx.write("clinic: demo doctor profile and patient record")


def seed_catalogue(ctx: DemoContext) -> None:
    """The catalogue, the protocol templates and one published article (idempotent)."""

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
