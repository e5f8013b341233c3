"""Staff of a service company: managers create operators, masters (and directors also
managers), grant them cities, put them on leave or fire them. Accounts come from
`lifeline.accounts` (a random initial password the person must change at the first
sign-in, returned once to be shown once); roles are `access` memberships admitted and
released through the access services. Nobody is deleted: a fired person's membership is
revoked (they see nothing any more) and their profile stays, with its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lifeline.access.services import membership_admit, membership_release
from lifeline.accounts.models import User
from lifeline.accounts.services.passwords import password_issue_initial
from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.fieldservice.enums import StaffStatus
from lifeline.fieldservice.exceptions import (
    AccountExists,
    CityNotGranted,
    FieldServiceForbidden,
    StaffSelfChange,
)
from lifeline.fieldservice.models import City, StaffProfile
from lifeline.fieldservice.permissions import can_manage_staff
from lifeline.fieldservice.phones import to_e164
from lifeline.fieldservice.selectors import staff_roles
from lifeline.fieldservice.services.reference import company_defaults_ensure

VIA = "fieldservice.staff"
PROFILE_FIELDS = ("phone_number", "status", "extension")


@dataclass(frozen=True)
class StaffCreated:
    profile: StaffProfile
    role: str
    # Shown once to the manager, never stored or logged.
    initial_password: str


def _cities(organization_id: Any, cities: list[Any] | None) -> list[City]:
    ids = sorted({c.pk if isinstance(c, City) else int(c) for c in cities or []})
    found = list(City.objects.filter(organization_id=organization_id, pk__in=ids))
    if len(found) != len(ids):
        raise CityNotGranted(errors={"cities": [CityNotGranted.title]})
    return found


def _state(profile: StaffProfile, role: str) -> dict[str, Any]:
    return {
        "role": role,
        "full_name": profile.user.full_name,
        "phone_number": profile.phone_number,
        "status": profile.status,
        "extension": profile.extension,
        "cities": sorted(c.pk for c in profile.cities.all()),
    }


@transaction.atomic
def staff_create(
    *, actor: Any, organization_id: Any, role: str, data: dict[str, Any]
) -> StaffCreated:
    """Create an account (e-mail and/or phone to sign in with), its membership in `role`
    and its staff profile. `data`: full_name, email, phone_number, cities, status,
    extension. An e-mail or phone that already has an account is refused (409) and
    nothing is stored."""
    if not can_manage_staff(actor, organization_id, role):
        raise FieldServiceForbidden()
    email = (data.get("email") or "").strip().lower() or None
    phone = to_e164(data.get("phone_number") or "") or None
    cities = _cities(organization_id, data.get("cities"))
    taken = Q(pk__in=[])
    if email:
        taken |= Q(email__iexact=email)
    if phone:
        taken |= Q(phone_number=phone)
    if not email and not phone:
        raise InvalidInput(
            errors={"email": [_("Enter an e-mail address or a phone number to sign in with.")]}
        )
    if User.objects.filter(taken).exists():
        raise AccountExists()
    organization = company_defaults_ensure(organization_id=organization_id).organization
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                phone_number=phone,
                full_name=(data.get("full_name") or "").strip(),
                language=getattr(actor, "language", "ru") or "ru",
            )
    except IntegrityError as exc:  # a concurrent creation won the race
        raise AccountExists() from exc
    password = password_issue_initial(user=user, actor=actor)
    membership_admit(user=user, organization=organization, role=role, granted_by=actor, via=VIA)
    profile = StaffProfile.objects.create(
        organization_id=organization_id,
        user=user,
        phone_number=phone or "",
        status=data.get("status") or StaffStatus.ACTIVE,
        extension=(data.get("extension") or "").strip(),
    )
    profile.cities.set(cities)
    if profile.status == StaffStatus.FIRED:
        membership_release(
            user=user, organization=organization, role=role, released_by=actor, via=VIA
        )
    record(
        actor=actor,
        action="fieldservice.staff_created",
        target=profile,
        organization=organization_id,
        after=_state(profile, role),
    )
    return StaffCreated(profile=profile, role=role, initial_password=password)


def _role_of(profile: StaffProfile) -> str:
    return staff_roles(profiles=[profile]).get(profile.pk, "")


def _ensure_may_edit(actor: Any, profile: StaffProfile) -> str:
    role = _role_of(profile)
    if not can_manage_staff(actor, profile.organization_id, role):
        raise FieldServiceForbidden()
    return role


@transaction.atomic
def staff_update(*, actor: Any, profile: StaffProfile, data: dict[str, Any]) -> StaffProfile:
    """Edit the name, phone, extension, cities and status. Firing revokes the membership
    (the person sees nothing any more); setting them active or on leave again reinstates
    it. Nobody changes their own status."""
    role = _ensure_may_edit(actor, profile)
    profile = StaffProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    before = _state(profile, role)
    status = data.get("status", profile.status)
    if profile.user_id == actor.pk and status != profile.status:
        raise StaffSelfChange()
    cities = _cities(profile.organization_id, data["cities"]) if "cities" in data else None
    user = profile.user
    if "full_name" in data:
        user.full_name = (data.get("full_name") or "").strip()
        user.save(update_fields=["full_name", "updated_at"])
    if "phone_number" in data:
        profile.phone_number = to_e164(data.get("phone_number") or "")
    if "extension" in data:
        profile.extension = (data.get("extension") or "").strip()
    was_fired = profile.status == StaffStatus.FIRED
    profile.status = status
    profile.save()
    if cities is not None:
        profile.cities.set(cities)
    organization = company_defaults_ensure(organization_id=profile.organization_id).organization
    if status == StaffStatus.FIRED and not was_fired:
        membership_release(
            user=user, organization=organization, role=role, released_by=actor, via=VIA
        )
    elif was_fired and status != StaffStatus.FIRED:
        membership_admit(user=user, organization=organization, role=role, granted_by=actor, via=VIA)
    after = _state(profile, role)
    if after != before:
        record(
            actor=actor,
            action="fieldservice.staff_updated",
            target=profile,
            organization=profile.organization_id,
            before=before,
            after=after,
        )
    return profile


def staff_password_reset(*, actor: Any, profile: StaffProfile) -> str:
    """A new initial password for a staff member (they must change it at the next sign-in;
    their sessions end). Returned once to be shown once."""
    _ensure_may_edit(actor, profile)
    if profile.user_id == actor.pk:
        raise StaffSelfChange()
    return password_issue_initial(user=profile.user, actor=actor)
