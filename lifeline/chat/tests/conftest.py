from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from channels.layers import channel_layers
from django.core.cache import cache

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.tests.factories import MembershipFactory, OrganizationFactory, user_with_role
from lifeline.chat import services
from lifeline.chat.models import Conversation
from lifeline.clinic.tests.factories import CareTeamMemberFactory, PatientFactory
from lifeline.realtime import events as realtime_events


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """A fresh, empty MEDIA_ROOT per test, so "nothing stored" can be asserted exactly."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return root


@pytest.fixture
def stored_blobs(media_root: Path) -> Any:
    return lambda: sorted(p for p in media_root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def _fresh_layer_and_cache(settings: Any) -> Iterator[None]:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    cache.clear()
    yield
    channel_layers.backends.clear()
    cache.clear()


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any], list[str]]]:
    """Every chat event sent after commit, as (type, data, groups)."""
    sent: list[tuple[str, dict[str, Any], list[str]]] = []

    def capture(event: realtime_events.Event, groups: list[str]) -> None:
        if event.type.startswith("chat."):
            sent.append((event.type, event.data, list(groups)))

    monkeypatch.setattr(realtime_events, "publish_now", capture)
    return sent


@pytest.fixture
def team(db: Any) -> SimpleNamespace:
    """A clinic, a patient with an account, an assigned doctor, an unassigned doctor, an admin."""
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    patient = PatientFactory(organization=clinic, user__full_name="Anna Petrova")
    MembershipFactory(user=patient.user, organization=clinic, role=Role.PATIENT)
    doctor = user_with_role(Role.DOCTOR, clinic, full_name="Ivan Sokolov")
    CareTeamMemberFactory(patient=patient, doctor=doctor)
    return SimpleNamespace(
        clinic=clinic,
        patient=patient,
        patient_user=patient.user,
        doctor=doctor,
        other_doctor=user_with_role(Role.DOCTOR, clinic),
        admin=user_with_role(Role.CLINIC_ADMIN, clinic),
        other_admin=user_with_role(Role.CLINIC_ADMIN),
    )


@pytest.fixture
def conversation(team: SimpleNamespace) -> Conversation:
    conversation, _created = services.conversation_open(
        actor=team.doctor, patient_id=team.patient.pk
    )
    return conversation
