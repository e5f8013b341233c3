"""The candidate query of `selectors.nearest_helpers` as one raw statement per backend.

Building and compiling the ORM query (two querysets, a membership query, value conversion)
cost more than running it: at 1,000,000 helpers most of each call was Python. Here the SQL
is written once per shape and process (`_sql`, cached), PostgreSQL executes it as a prepared
statement with server-side binding (`_fetch_postgresql`: planning cost as much as running
it), and SQLite keeps it in its statement cache.

The statement reads every available helper in the bounding box (no ORDER BY, no LIMIT: the
caller ranks by exact haversine, so no helper inside the radius can be cut): the grid cells,
the box and freshness are all conditions on the partial `sos_helper_available_cell` index
`(grid_cell, lat, lon, location_at)`, so only rows inside the box are fetched from the table.
The helper role is checked in the same statement with a correlated `EXISTS` on the partial
`membership_active_role` index `(user, organization, role) WHERE is_active` (an index-only
probe once the visibility map is set, which autovacuum keeps for a table that rarely
changes), after the box: the profile index is the only one the planners can start from,
because the membership side is reached only through `p.user_id`.

`candidates` returns None on other backends; the caller then uses the ORM.
"""

from __future__ import annotations

import functools
import uuid
from datetime import datetime
from typing import Any

from django.db import connections, router

from lifeline.access.enums import Role
from lifeline.access.selectors import active_member_exists_sql, organization_pk_db_value
from lifeline.core.db import prepared_cursor
from lifeline.sos import geo
from lifeline.sos.models import HelperProfile

_VENDORS = ("postgresql", "sqlite")


@functools.cache
def _sql(vendor: str, cells: int | None, *, cooldown: bool, role: bool, org: bool) -> str:
    """The statement for one shape. `cells`: None for the (lat, lon) fallback, else the number
    of grid cells (SQLite lists them; PostgreSQL takes one array, `cells` is then 0)."""
    qn = connections[router.db_for_read(HelperProfile)].ops.quote_name

    def col(model: Any, alias: str, name: str) -> str:
        return f"{alias}.{qn(model._meta.get_field(name).column)}"

    p = functools.partial(col, HelperProfile, "p")
    where = [p("on_duty"), p("opted_in")]  # the partial indexes' condition, as written there
    if cells is not None:
        if vendor == "postgresql":
            where.append(f"{p('grid_cell')} = ANY(%s)")
        else:
            where.append(f"{p('grid_cell')} IN ({', '.join(['%s'] * cells)})")
    where += [
        f"{p('location_at')} >= %s",
        f"{p('lat')} >= %s",
        f"{p('lat')} <= %s",
        f"{p('lon')} >= %s",
        f"{p('lon')} <= %s",
    ]
    if cooldown:
        where.append(f"({p('last_alerted_at')} IS NULL OR {p('last_alerted_at')} < %s)")
    if role:
        where.append(
            active_member_exists_sql(
                quote_name=qn, user=p("user"), role="%s", organization="%s" if org else None
            )
        )
    return (
        f"SELECT {p('user')}, {p('lat')}, {p('lon')} "  # noqa: S608 - names from the models
        f"FROM {qn(HelperProfile._meta.db_table)} p WHERE {' AND '.join(where)}"
    )


def candidates(
    *,
    box: tuple[float, float, float, float],
    fresh_since: datetime,
    cooled_before: datetime | None,
    organization_id: Any,
    check_role: bool,
) -> list[tuple[Any, float, float]] | None:
    """(user_id, lat, lon) of every available helper in `box`; None on other backends."""
    alias = router.db_for_read(HelperProfile)
    connection = connections[alias]
    vendor = connection.vendor
    if vendor not in _VENDORS:
        return None
    cells = geo.grid_cells(*box)
    with_org = check_role and organization_id is not None
    shape = None if cells is None else (0 if vendor == "postgresql" else len(cells))
    sql = _sql(vendor, shape, cooldown=cooled_before is not None, role=check_role, org=with_org)
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any] = []
    if cells is not None:
        params += [cells] if vendor == "postgresql" else cells
    params += [adapt(fresh_since), *box]
    if cooled_before is not None:
        params.append(adapt(cooled_before))
    if check_role:
        params.append(Role.HELPER.value)
    if with_org:
        params.append(organization_pk_db_value(organization_id, connection))
    if vendor == "postgresql":
        return _fetch_postgresql(connection, sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(uuid.UUID(user_id), p_lat, p_lon) for user_id, p_lat, p_lon in rows]


def _fetch_postgresql(connection: Any, sql: str, params: list[Any]) -> list[Any]:
    """Run `sql` as a prepared statement with server-side binding (`core.db.prepared_cursor`):
    PostgreSQL plans it once per connection instead of on every call (planning cost about as
    much as executing it)."""
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
