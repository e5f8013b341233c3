"""Engine endpoints: stateless evaluate, instruments list and Questionnaire detail."""

from __future__ import annotations

import pytest
from django.urls import reverse
from fhir.resources.R4B.questionnaire import Questionnaire
from rest_framework.test import APIClient

from lifeline.access.enums import OrganizationKind, Role
from lifeline.access.testing import Case, assert_permission_matrix
from lifeline.access.tests.factories import OrganizationFactory, user_with_role
from lifeline.audit.models import AuditEvent
from lifeline.clinic.engine import RULESET_VERSION
from lifeline.clinic.tests.engine.helpers import KLIT_DEFINITE, csi, dn4, hads, safe_clinical

pytestmark = pytest.mark.django_db

EVALUATE = "/api/v1/clinic/evaluate/"
BODY = {
    "responses": {
        "nrs": {"nrs": 7},
        "dn4": dn4({1, 2, 3, 8, 9, 10}),
        "csi": csi(32),
        "hads": hads(6, 5),
    },
    "clinical": safe_clinical(**KLIT_DEFINITE),
}


def client_for(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(
        user_with_role(role, OrganizationFactory(kind=OrganizationKind.CLINIC))
    )
    return client


def test_urls() -> None:
    assert reverse("clinic:evaluate") == EVALUATE
    assert reverse("clinic:instrument-list") == "/api/v1/clinic/instruments/"
    assert reverse("clinic:instrument-detail", args=["hads"]) == "/api/v1/clinic/instruments/hads/"


def test_permission_matrix() -> None:
    clinic = OrganizationFactory(kind=OrganizationKind.CLINIC)
    detail = "/api/v1/clinic/instruments/dn4/?lang=en"
    assert_permission_matrix(
        [
            Case("anonymous", "post", EVALUATE, 401, BODY),
            Case("no_role", "post", EVALUATE, 403, BODY),
            Case(Role.PATIENT, "post", EVALUATE, 403, BODY),
            Case(Role.DOCTOR, "post", EVALUATE, 200, BODY),
            Case(Role.CLINIC_ADMIN, "post", EVALUATE, 200, BODY),
            Case("other:doctor", "post", EVALUATE, 200, BODY),
            Case(Role.DISPATCHER, "post", EVALUATE, 403, BODY),
            Case("anonymous", "get", "/api/v1/clinic/instruments/", 401),
            Case(Role.PATIENT, "get", "/api/v1/clinic/instruments/", 200),
            Case(Role.DOCTOR, "get", "/api/v1/clinic/instruments/", 200),
            Case("anonymous", "get", detail, 401),
            Case(Role.PATIENT, "get", detail, 200),
            Case(Role.DOCTOR, "get", detail, 200),
        ],
        organization=clinic,
    )


def test_evaluate_returns_the_engine_record_and_stores_nothing(
    django_assert_max_num_queries,
) -> None:
    client = client_for(Role.DOCTOR)
    audit_before = AuditEvent.objects.count()
    with django_assert_max_num_queries(3):
        response = client.post(EVALUATE, BODY, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "scores",
        "labels",
        "suggestions",
        "safety",
        "red_flags",
        "follow_up",
        "ruleset_version",
    }
    assert body["ruleset_version"] == RULESET_VERSION
    assert body["scores"]["dn4"]["total"] == 6
    assert body["scores"]["pain"]["band"] == "severe"
    assert "CPSP_definite" in [lab["code"] for lab in body["labels"]]
    assert body["red_flags"] == []
    assert AuditEvent.objects.count() == audit_before


def test_evaluate_invalid_answers_400_with_per_item_errors() -> None:
    client = client_for(Role.DOCTOR)
    body = {
        "responses": {"vas": {"vas": 120}, "hads": {"hads-1": "x", "hads-99": "a"}},
        "clinical": {"age": -1},
    }
    response = client.post(EVALUATE, body, format="json")
    assert response.status_code == 400
    problem = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert problem["code"] == "clinic.invalid_responses"
    assert problem["errors"] == {
        "vas.vas": ["The value must be at most 100."],
        "hads.hads-1": ["Choose one of the options: a, b, c, d."],
        "hads.hads-99": ["This item does not belong to the instrument."],
        "clinical.age": ["Expected a value from 0 to 130."],
    }


def test_evaluate_malformed_body_400() -> None:
    client = client_for(Role.DOCTOR)
    response = client.post(EVALUATE, {"responses": "nope"}, format="json")
    assert response.status_code == 400
    assert "responses" in response.json()["errors"]
    response = client.post(EVALUATE, {}, format="json")
    assert response.status_code == 400


def test_evaluate_with_previous() -> None:
    client = client_for(Role.CLINIC_ADMIN)
    first = client.post(EVALUATE, {"responses": {"nrs": {"nrs": 8}}}, format="json").json()
    second = client.post(
        EVALUATE, {"responses": {"nrs": {"nrs": 5}}, "previous": first}, format="json"
    ).json()
    (f2,) = [f for f in second["follow_up"] if f["rule_id"] == "F-2"]
    assert (f2["change"], f2["change_pct"], f2["code"]) == (
        -3.0,
        -37.5,
        "pain-improvement-moderate",
    )


def test_instrument_list() -> None:
    response = client_for(Role.PATIENT).get("/api/v1/clinic/instruments/?lang=ru")
    assert response.status_code == 200
    listed = response.json()
    assert [i["id"] for i in listed] == ["vas", "nrs", "dn4", "csi", "hads", "painad", "ncsr"]
    hads_entry = listed[4]
    assert hads_entry["title"] == "Госпитальная шкала тревоги и депрессии (HADS)"
    assert (hads_entry["licensed_text_required"], hads_entry["licensed_text_installed"]) == (
        True,
        False,
    )


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_instrument_detail_is_a_questionnaire(lang: str) -> None:
    response = client_for(Role.PATIENT).get(f"/api/v1/clinic/instruments/hads/?lang={lang}")
    assert response.status_code == 200
    q = response.json()
    assert (q["resourceType"], q["language"], q["version"]) == ("Questionnaire", lang, "1.0")
    Questionnaire.model_validate(q)


def test_instrument_detail_language_defaults_to_request() -> None:
    client = client_for(Role.PATIENT)
    assert client.get("/api/v1/clinic/instruments/vas/").json()["language"] == "en"
    # An explicit ?lang= wins over the request language.
    assert client.get("/api/v1/clinic/instruments/vas/?lang=ru").json()["language"] == "ru"


def test_instrument_detail_errors() -> None:
    client = client_for(Role.DOCTOR)
    response = client.get("/api/v1/clinic/instruments/phq9/")
    assert response.status_code == 404
    assert response.json()["code"] == "clinic.unknown_instrument"
    assert client.get("/api/v1/clinic/instruments/hads/?version=7.0").status_code == 404
    response = client.get("/api/v1/clinic/instruments/hads/?lang=de")
    assert response.status_code == 400
    assert "lang" in response.json()["errors"]
