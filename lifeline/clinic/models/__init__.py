"""Clinic models, one module per area (each part of the module owns its own file)."""

from lifeline.clinic.models.assessments import *  # noqa: F403
from lifeline.clinic.models.care import *  # noqa: F403
from lifeline.clinic.models.documents import *  # noqa: F403
