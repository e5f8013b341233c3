"""Doctor self-registration, legal documents and patient invitations.

Doctor registration: personal data + professional profile + acceptance of the current user
agreement and personal-data policy (stored with the exact versions) → an e-mail account
through `accounts` (same answer whether or not the address is taken) → the e-mail code is
verified through the accounts endpoint. The doctor membership in the chosen clinic stays
pending until a clinic admin approves it (`access.services.membership_approve`); meanwhile
the doctor works with their own test patients only.

Invitations: a single-use link valid 7 days; only the SHA-256 of the token is stored. The
invited person opens it, sets a password and becomes a patient of the inviting doctor; the
doctor is notified.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.selectors import organization_get, organization_list
from lifeline.access.services import membership_admit, membership_request
from lifeline.accounts.models import User
from lifeline.accounts.services.passwords import password_validate
from lifeline.accounts.services.registration import Names, user_register_by_email
from lifeline.audit import services as audit
from lifeline.clinic import permissions
from lifeline.clinic.enums import LegalDocumentKind
from lifeline.clinic.exceptions import (
    ClinicForbidden,
    InvitationAccountExists,
    InvitationNotUsable,
    LegalAcceptanceRequired,
)
from lifeline.clinic.models.patients import CareTeamMember, DoctorProfile, Patient
from lifeline.clinic.models.registration import LegalAcceptance, LegalDocument, PatientInvitation
from lifeline.clinic.selectors.registration import (
    invitation_get_by_token,
    invitation_token_hash,
    legal_current,
)
from lifeline.core.exceptions import InvalidInput, NotFound
from lifeline.core.http import client_address
from lifeline.core.selectors import get_or_not_found

if TYPE_CHECKING:
    from lifeline.access.models import Organization

INVITATION_TTL = timedelta(days=7)


def _check_acceptances(accepted: dict[str, str]) -> list[LegalDocument]:
    """The current documents, if `accepted` names exactly their versions; else refuse."""
    current = legal_current()
    errors: dict[str, list[str]] = {}
    for kind in LegalDocumentKind.values:
        document = current.get(kind)
        if document is None:
            continue
        if accepted.get(kind) != document.version:
            errors[f"accepted_versions.{kind}"] = [
                _("Accept the current version (%(version)s).") % {"version": document.version}
            ]
    if errors:
        raise LegalAcceptanceRequired(errors=errors)
    return list(current.values())


def legal_accept(
    *, user: User, documents: list[LegalDocument], request: HttpRequest | None = None
) -> None:
    ip = client_address(request) if request is not None else None
    for document in documents:
        _, created = LegalAcceptance.objects.get_or_create(
            user=user, document=document, defaults={"ip_address": ip}
        )
        if created:
            audit.record(
                actor=user,
                action="clinic.legal_accepted",
                target=document,
                request=request,
                metadata={"kind": document.kind, "version": document.version},
            )


def doctor_register(
    *,
    email: str,
    password: str,
    names: Names,
    profile: dict[str, Any],
    organization_id: Any,
    accepted_versions: dict[str, str],
    language: str = "",
    request: HttpRequest | None = None,
) -> None:
    """Register a doctor (see the module notes). Answers the same whether the address is taken."""
    organization = organization_get(
        organization_id=organization_id, kind=OrganizationKind.CLINIC, active=True
    )
    if organization is None:
        raise InvalidInput(errors={"organization": [_("Choose an existing clinic.")]})
    if not str(profile.get("specialty", "")).strip():
        raise InvalidInput(errors={"specialty": [_("This field is required.")]})
    documents = _check_acceptances(accepted_versions)
    with transaction.atomic():
        user_register_by_email(email=email, password=password, names=names, language=language)
        user = User.objects.filter(email__iexact=User.objects.normalize_email(email)).first()
        fresh = (
            user is not None
            and user.email_verified_at is None
            and user.last_login is None
            and not user.phone_number
        )
        if not fresh or user is None:
            return  # an existing account: the owner was told by e-mail; nothing else changes
        DoctorProfile.objects.update_or_create(
            user=user, defaults={**profile, "organization": organization}
        )
        legal_accept(user=user, documents=documents, request=request)
        # Pending until a clinic admin approves it (access.services.membership_approve).
        membership_request(user=user, organization=organization, role=Role.DOCTOR, request=request)


def _invitation_link(token: str, request: HttpRequest | None) -> str:
    path = reverse("clinic-web:invitation-accept", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else path


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    patient_email: str,
    full_name: str = "",
    organization: Organization | None = None,
    language: str = "",
    request: HttpRequest | None = None,
) -> tuple[PatientInvitation, str]:
    """An approved doctor invites a patient by e-mail. Returns the invitation and the token.

    The token is only e-mailed (and returned to tests); only its hash is stored.
    """
    approved = permissions.doctor_organization_ids(actor)
    if organization is None:
        if len(approved) != 1:
            if not approved:
                raise ClinicForbidden()
            raise InvalidInput(errors={"organization": [_("Choose the clinic of the patient.")]})
        organization = get_or_not_found(organization_list(active=None), pk=approved[0])
    elif organization.pk not in approved:
        raise NotFound()
    token = secrets.token_urlsafe(32)
    invitation = PatientInvitation.objects.create(
        organization=organization,
        invited_by=actor,
        email=User.objects.normalize_email(patient_email),
        full_name=full_name,
        token_hash=invitation_token_hash(token),
        expires_at=timezone.now() + INVITATION_TTL,
    )
    audit.record(
        actor=actor,
        action="clinic.invitation_created",
        target=invitation,
        organization=organization,
        request=request,
    )
    link = _invitation_link(token, request)
    with translation.override(language or actor.language or settings.LANGUAGE_CODE):
        subject = _("Invitation to the pain clinic")
        body = "\n\n".join(
            [
                _("%(doctor)s invites you to complete your patient registration.")
                % {"doctor": actor.display_name},
                link,
                _("The link is valid for 7 days and can be used once."),
            ]
        )
    recipient = invitation.email
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    )
    return invitation, token


def invitation_accept(
    *,
    token: str,
    password: str,
    names: Names,
    accepted_versions: dict[str, str],
    actor: Any = None,
    language: str = "",
    request: HttpRequest | None = None,
) -> Patient:
    """Complete the patient's registration through an invitation (single use).

    Opening the link proves control of the mailbox, so the e-mail is marked verified. An
    existing account with that address must be signed in to accept (it is then linked).
    """
    from lifeline.clinic.services.notifications import notify_invitation_accepted

    documents = _check_acceptances(accepted_versions)
    with transaction.atomic():
        invitation = invitation_get_by_token(token)
        invitation = PatientInvitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable:
            raise InvitationNotUsable()
        existing = User.objects.filter(email__iexact=invitation.email).first()
        now = timezone.now()
        if existing is not None:
            if actor is None or not actor.is_authenticated or actor.pk != existing.pk:
                raise InvitationAccountExists()
            user = existing
        else:
            user = User(
                email=invitation.email,
                full_name=names.full_name or invitation.full_name,
                first_name=names.first_name,
                middle_name=names.middle_name,
                last_name=names.last_name,
                email_verified_at=now,
                password_changed_at=now,
                language=language or settings.LANGUAGE_CODE,
            )
            password_validate(password=password, user=user)
            user.set_password(password)
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError as exc:
                raise InvitationAccountExists() from exc
            audit.record(
                actor=user,
                action="accounts.user_registered",
                target=user,
                request=request,
                metadata={"by": "clinic_invitation"},
            )
        if Patient.objects.filter(user=user).exists():
            raise InvitationAccountExists()
        patient = Patient.objects.create(
            organization=invitation.organization,
            user=user,
            full_name=user.display_name,
            email=invitation.email,
            created_by=invitation.invited_by,
        )
        CareTeamMember.objects.create(
            patient=patient, doctor=invitation.invited_by, assigned_by=invitation.invited_by
        )
        membership_admit(
            user=user,
            organization=invitation.organization,
            role=Role.PATIENT,
            granted_by=invitation.invited_by,
            via="clinic_invitation",
            request=request,
        )
        legal_accept(user=user, documents=documents, request=request)
        invitation.used_at = now
        invitation.patient = patient
        invitation.save(update_fields=["used_at", "patient", "updated_at"])
        audit.record(
            actor=user,
            action="clinic.invitation_accepted",
            target=invitation,
            organization=invitation.organization,
            request=request,
            metadata={"patient_id": str(patient.pk)},
        )
        notify_invitation_accepted(invitation=invitation, patient=patient)
    return patient
