"""The committed OpenAPI schema says what the API does: schemathesis over every operation.

For a patient, a doctor and a platform administrator of the demo data (`seed_demo`), every
operation in `openapi/v1.yaml` gets a few generated requests through Django's WSGI handler.
No response may be a 5xx, and its status code, content type, headers and body must be ones the
schema documents. `organization_id` is the demo clinic's, so those operations reach real rows;
other path parameters are generated (mostly 404s). Lists and the caller's own resources (me,
record, preferences, conversations...) answer with the demo data.

Bounded on purpose (a few examples per operation, no shrinking, a fixed seed) so each run
sends the same requests; `.ci/run` runs it with the rest of the suite (SQLite, then PostgreSQL).
`SCHEMATHESIS_EXAMPLES=20 uv run pytest tests/api` looks harder.
A failure lists every failing operation with the reproducing request as a curl command.

Schemathesis' own pytest integration (`from_fixture`) does not run on pytest 9, and its
per-operation items would each need the demo data; so one test per role loops over the
operations with schemathesis' strategies.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lifeline.access.enums import Role
from lifeline.accounts.clients import ClientInfo
from lifeline.accounts.models import User
from lifeline.accounts.services.sessions import session_start_api
from lifeline.web.management.commands.seed_demo import demo_email

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "openapi" / "v1.yaml"
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Operations left out: logging out ends the session whose token the rest of the run uses.
SKIPPED = {("POST", "/api/v1/auth/logout/")}
# A part of a resumable upload is raw bytes (tus's media type): generate raw bytes for it.
schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=256))
CLIENT = ClientInfo(
    ip_address="127.0.0.1", user_agent="schemathesis", device_type="app", family="", system=""
)

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]


def _demo_path_parameters() -> dict[str, str]:
    """Ids of the demo objects, by the path parameter names the schema uses."""
    from lifeline.access.models import Organization

    found: dict[str, str] = {}
    clinic = Organization.objects.filter(slug="demo-clinic").first()
    if clinic is not None:
        found["organization_id"] = str(clinic.pk)
    return found


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    # As Django's test client does: the handler must not close the test transaction's
    # connection at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", [Role.PATIENT, Role.DOCTOR, Role.PLATFORM_ADMIN], ids=str)
def test_every_response_is_one_the_schema_documents(
    role: str, settings: Any, tmp_path: Path, wsgi_app: WSGIHandler
) -> None:
    settings.VAR_DIR = tmp_path  # seed_demo writes its credentials file there
    call_command("seed_demo", verbosity=0)
    actor = User.objects.get(email=demo_email(role))
    tokens = session_start_api(user=actor, client=CLIENT)
    headers = {"Authorization": f"Bearer {tokens.access}"}
    known = _demo_path_parameters()

    schema = schemathesis.openapi.from_path(SCHEMA_PATH)
    schema.app = wsgi_app
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        operations += 1
        path_names = {p.name for p in operation.path_parameters}
        fixed = {name: known[name] for name in path_names if name in known}
        strategy = operation.as_strategy(path_parameters=fixed or None)

        @given(case=strategy)
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, FailureGroup) as error:  # every failure is collected and reported
            failures.append(f"{operation.label} as {role}:\n{error}")

    assert operations > 100
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
