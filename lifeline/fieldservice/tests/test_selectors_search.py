"""The request list's phone and text search: exact rows on every engine, and on PostgreSQL
the trigram indexes of migration 0008 exist and serve the queries the list runs (the page's
rows and its count)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lifeline.fieldservice import selectors
from lifeline.fieldservice.models import ServiceRequest
from lifeline.fieldservice.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {
    "fs_req_phone_trgm": "gin (client_phone gin_trgm_ops)",
    "fs_req_name_trgm": "gin (upper((client_name)::text) gin_trgm_ops)",
    "fs_req_address_trgm": "gin (upper((address)::text) gin_trgm_ops)",
}


@pytest.fixture
def rows(world: Any) -> dict[str, Any]:
    """Five Moscow requests and one in Kazan (outside the operator's cities)."""
    make = ServiceRequestFactory
    return {
        "tverskaya": make(
            city=world.moscow, client_phone="+79161112233", client_name="Пётр",
            address="Тверская, 5",
        ),
        "arbat": make(
            city=world.moscow, client_phone="+79162223344", client_name="Анна",
            address="Arbat street, 12",
        ),
        "lenina": make(
            city=world.moscow, client_phone="+79163332233", client_name="Анна Петровна",
            address="ул. Ленина, 7",
        ),
        "digits_in_address": make(
            city=world.moscow, client_phone="+79165550000", client_name="Олег",
            address="Проспект Мира, 112233",
        ),
        "percent": make(
            city=world.moscow, client_phone="+79166660000", client_name="Скидка 50% ООО",
            address="Садовая, 1",
        ),
        "kazan": make(
            city=world.kazan, client_phone="+79167772233", client_name="Анна",
            address="Тверская, 9",
        ),
    }  # fmt: skip


def _found(actor: Any, rows: dict[str, Any], **filters: Any) -> list[str]:
    names = {row.pk: name for name, row in rows.items()}
    return sorted(names[r.pk] for r in selectors.request_list_for(actor=actor, **filters))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # the phone filter: a suffix of the digits, whatever the separators typed
        ({"phone": "2233"}, ["lenina", "tverskaya"]),
        ({"phone": "22-33"}, ["lenina", "tverskaya"]),
        ({"phone": "33"}, ["lenina", "tverskaya"]),
        ({"phone": "+7 916 111-22-33"}, ["tverskaya"]),
        ({"phone": "1122"}, []),  # in the middle of a number: not a suffix
        ({"phone": "no digits"}, []),
        # the search box: name or address (case-insensitive), or three or more digits
        # anywhere in the phone
        ({"search": "Анна"}, ["arbat", "lenina"]),
        ({"search": "Петровна"}, ["lenina"]),
        ({"search": "Тверская"}, ["tverskaya"]),
        ({"search": "arbat STREET"}, ["arbat"]),
        ({"search": "ARBAT"}, ["arbat"]),
        ({"search": "1112"}, ["tverskaya"]),
        ({"search": "112233"}, ["digits_in_address", "tverskaya"]),
        ({"search": "12"}, ["arbat", "digits_in_address"]),  # two digits: not the phones
        ({"search": "50%"}, ["percent"]),  # a literal %, not a wildcard
        ({"search": "%"}, ["percent"]),
        ({"search": "Невский"}, []),
        # with another filter
        ({"search": "Анна", "phone": "3344"}, ["arbat"]),
    ],
)
def test_search_finds_exactly_these_rows(
    world: Any, rows: dict[str, Any], filters: dict[str, Any], expected: list[str]
) -> None:
    assert _found(world.operator, rows, **filters) == expected


def test_search_covers_the_whole_company_for_a_manager(world: Any, rows: dict[str, Any]) -> None:
    assert _found(world.manager, rows, search="Тверская") == ["kazan", "tverskaya"]
    assert _found(world.manager, rows, phone="2233") == ["kazan", "lenina", "tverskaya"]
    assert _found(world.other_director, rows, search="Тверская") == []


def test_api_search_answers_the_same_rows_and_count(world: Any, rows: dict[str, Any]) -> None:
    from lifeline.fieldservice.tests.conftest import client_for

    client = client_for(world.operator)
    for params, expected in (({"phone": "2233"}, 2), ({"q": "Анна"}, 2), ({"q": "arbat"}, 1)):
        body = client.get("/api/v1/fieldservice/requests/", params).json()
        assert body["count"] == expected == len(body["results"])


# --- PostgreSQL: the indexes --------------------------------------------------------------
@pytest.mark.postgres
def test_trigram_indexes_exist() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'fieldservice_servicerequest' AND indexname LIKE 'fs_req_%%_trgm'"
        )
        found = dict(cursor.fetchall())
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname LIKE 'fs_req_%%_trgm' AND i.indisvalid"
        )
        valid = {row[0] for row in cursor.fetchall()}
    assert sorted(found) == sorted(TRIGRAM_INDEXES)
    for name, definition in TRIGRAM_INDEXES.items():
        assert found[name].endswith(f"USING {definition}"), found[name]
    assert valid == set(TRIGRAM_INDEXES)


def _plan_indexes(sql: str) -> set[str]:
    """The indexes PostgreSQL reads for `sql` when only bitmap scans are allowed (a tiny
    table is otherwise always scanned whole): a bitmap scan needs an index whose expression
    the condition matches, so this proves the trigram index serves the very SQL Django
    sends, `::text` casts and `UPPER()` included. The plans at 1,000,000 rows, where the
    planner picks these indexes by itself, are in benchmarks/README.md."""
    found: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        if "Index Name" in node:
            found.add(node["Index Name"])
        for child in node.get("Plans", []):
            walk(child)

    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    walk((plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"])
    return found


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ({"client_phone__endswith": "2233"}, "fs_req_phone_trgm"),  # the phone filter
        ({"client_phone__contains": "1112"}, "fs_req_phone_trgm"),  # digits in the search
        ({"client_name__icontains": "Анна"}, "fs_req_name_trgm"),
        ({"address__icontains": "Тверская"}, "fs_req_address_trgm"),
    ],
)
def test_the_list_lookups_can_read_the_trigram_indexes(
    world: Any, rows: dict[str, Any], lookup: dict[str, str], index: str
) -> None:
    with CaptureQueriesContext(connection) as ctx:
        ServiceRequest.objects.filter(**lookup).count()
    (count_sql,) = (q["sql"] for q in ctx.captured_queries)
    assert index in _plan_indexes(count_sql), count_sql
