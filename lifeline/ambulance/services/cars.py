"""Cars of a station: create, edit, serviceable flag (logged), soft delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifeline.ambulance import events
from lifeline.ambulance.enums import EquipmentClass
from lifeline.ambulance.exceptions import CarInActiveTeam
from lifeline.ambulance.models import Car, CarStatusChange, Team
from lifeline.ambulance.plates import normalize_plate
from lifeline.audit.services import record
from lifeline.core.exceptions import InvalidInput
from lifeline.realtime.events import publish_on_commit

if TYPE_CHECKING:
    from lifeline.access.models import Organization


def _plate(organization_id: Any, plate: str, *, exclude: Any = None) -> str:
    try:
        normalized = normalize_plate(plate)
    except ValidationError as exc:
        raise InvalidInput(errors={"plate": list(exc.messages)}) from exc
    taken = Car.objects.filter(
        organization_id=organization_id, plate=normalized, deleted_at__isnull=True
    ).exclude(pk=exclude)
    if taken.exists():
        raise InvalidInput(errors={"plate": [_("A car with this plate already exists.")]})
    return normalized


def _equipment(value: str) -> str:
    if value not in EquipmentClass.values:
        raise InvalidInput(errors={"equipment_class": [_("Choose A, B or C.")]})
    return value


@transaction.atomic
def car_create(
    *, actor: Any, organization: Organization, plate: str, model: str, equipment_class: str
) -> Car:
    car = Car.objects.create(
        organization=organization,
        plate=_plate(organization.pk, plate),
        model=model.strip()[:100],
        equipment_class=_equipment(equipment_class),
    )
    record(actor=actor, action="ambulance.car_created", target=car, after={"plate": car.plate})
    return car


@transaction.atomic
def car_update(
    *,
    actor: Any,
    car: Car,
    plate: str | None = None,
    model: str | None = None,
    equipment_class: str | None = None,
) -> Car:
    before = {"plate": car.plate, "model": car.model, "equipment_class": car.equipment_class}
    if plate is not None:
        car.plate = _plate(car.organization_id, plate, exclude=car.pk)
    if model is not None:
        car.model = model.strip()[:100]
    if equipment_class is not None:
        car.equipment_class = _equipment(equipment_class)
    car.save(update_fields=["plate", "model", "equipment_class", "updated_at"])
    after = {"plate": car.plate, "model": car.model, "equipment_class": car.equipment_class}
    record(actor=actor, action="ambulance.car_updated", target=car, before=before, after=after)
    return car


@transaction.atomic
def car_set_serviceable(*, actor: Any, car: Car, is_serviceable: bool, reason: str = "") -> Car:
    """Mark the car serviceable or not; an unserviceable car needs a reason. Logged."""
    reason = reason.strip()[:300]
    if not is_serviceable and not reason:
        raise InvalidInput(errors={"reason": [_("Say why the car is out of service.")]})
    car = Car.objects.select_for_update().get(pk=car.pk)
    if car.is_serviceable == is_serviceable and car.unserviceable_reason == reason:
        return car
    car.is_serviceable = is_serviceable
    car.unserviceable_reason = "" if is_serviceable else reason
    car.save(update_fields=["is_serviceable", "unserviceable_reason", "updated_at"])
    CarStatusChange.objects.create(
        car=car, is_serviceable=is_serviceable, reason=reason, actor=actor
    )
    record(
        actor=actor,
        action="ambulance.car_serviceability_changed",
        target=car,
        after={"is_serviceable": is_serviceable, "reason": reason},
    )
    team = Team.objects.filter(car=car, dissolved_at__isnull=True).first()
    if team is not None:
        publish_on_commit(
            events.team_event(events.TEAM_UPDATED, team),
            groups=[events.station_group(car.organization_id)],
        )
    return car


@transaction.atomic
def car_delete(*, actor: Any, car: Car) -> None:
    """Soft delete; refused while the car serves an active team."""
    car = Car.objects.select_for_update().get(pk=car.pk)
    if Team.objects.filter(car=car, dissolved_at__isnull=True).exists():
        raise CarInActiveTeam()
    if car.deleted_at is not None:
        return
    car.deleted_at = timezone.now()
    car.save(update_fields=["deleted_at", "updated_at"])
    record(actor=actor, action="ambulance.car_deleted", target=car)
