"""Who may see and delete a stored file.

The files app does not know what a chat message or a clinical record is, so the module that
owns the attached object registers a rule for its model:

    # lifeline/chat/apps.py, in ready()
    register_access_rule("chat.message", can_view_message, medical=True)

`medical=True` makes every download of such a file an audited access to medical data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lifeline.access.enums import ADMIN_ROLES
from lifeline.access.selectors import memberships_of
from lifeline.files.models import StoredFile

AccessRule = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class _Registration:
    rule: AccessRule
    medical: bool


_RULES: dict[str, _Registration] = {}


def register_access_rule(model_label: str, rule: AccessRule, *, medical: bool = False) -> None:
    """Let `rule(user, obj) -> bool` grant viewing of files attached to `model_label` objects.

    `model_label` is `app_label.model_name` in lower case (Django's `_meta.label_lower`).
    Registering the same label again replaces the rule (modules register once, in `ready()`).
    """
    _RULES[model_label.lower()] = _Registration(rule=rule, medical=medical)


def unregister_access_rule(model_label: str) -> None:
    _RULES.pop(model_label.lower(), None)


def is_medical(file: StoredFile) -> bool:
    """True when the file is attached to an object its module declared as medical data."""
    registration = _RULES.get(file.attached_label) if file.attached_label else None
    return bool(registration and registration.medical)


def can_view_file(user: Any, file: StoredFile) -> bool:
    """Owner; or whoever the attached object's module allows; or its organization's admins."""
    if not getattr(user, "is_authenticated", False) or file.is_deleted:
        return False
    if file.owner_id == user.pk:
        return True
    if file.attached_type_id is not None:
        registration = _RULES.get(file.attached_label)
        if registration is not None:
            obj = file.attached_to
            if obj is not None and registration.rule(user, obj):
                return True
    if file.organization_id is not None:
        return (
            memberships_of(user=user)
            .filter(organization_id=file.organization_id, role__in=list(ADMIN_ROLES))
            .exists()
        )
    return False


def can_delete_file(user: Any, file: StoredFile) -> bool:
    """Only the owner deletes; admins and other viewers may not."""
    return bool(getattr(user, "is_authenticated", False)) and file.owner_id == user.pk
