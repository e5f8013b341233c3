"""Database helpers that behave the same on SQLite and PostgreSQL.

`CaseFold(expr)`: Unicode-aware lower case for case-insensitive search. PostgreSQL's LOWER()
folds Cyrillic (UTF-8 databases); SQLite's LOWER() and LIKE fold ASCII only, so `icontains`
would miss «иванов» in «Иванов» on the embedded default. On SQLite the function is Python's
`str.casefold`, registered on every new connection. Compare with a casefolded term:

    patients.annotate(name_folded=CaseFold("full_name")).filter(
        name_folded__contains=term.casefold()
    )

`atomic_retrying(func)`: `transaction.atomic`, and on SQLite a transaction that could not
take the write lock within the busy timeout (`database is locked`) is run again, up to
`attempts` times in all. With the settings' IMMEDIATE transactions the lock is taken at
BEGIN, so a refused attempt wrote nothing and running it again is safe. Once the transaction
has committed, any error raised by a later on-commit callback (a notification enqueue that met
the same lock) is logged and the committed result returned: the caller must never be told that
work failed when it was stored. Inside an outer transaction it is a plain savepoint (no
retry: only the outermost transaction can be run again).

`prepared_cursor(connection)`: on PostgreSQL a cursor whose statements are prepared with
server-side binding, so PostgreSQL parses and plans each once per connection instead of on
every run (for short statements on hot paths planning costs as much as running them). For
hand-written SQL only (the nearest helpers, a message send): Django's own cursors keep
binding on the client.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from django.db import OperationalError, connection, transaction
from django.db.models import CharField, Func

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

SQLITE_FUNCTION = "lifeline_casefold"


class CaseFold(Func):
    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def _casefold(value: str | None) -> str | None:
    return value.casefold() if value is not None else None


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: add `lifeline_casefold()` to SQLite connections."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _casefold, deterministic=True)


def _is_locked(exc: OperationalError) -> bool:
    return connection.vendor == "sqlite" and "database is locked" in str(exc)


def atomic_retrying(func: Callable[P, R] | None = None, *, attempts: int = 4) -> Any:
    """Decorator: see the module docstring. `@atomic_retrying` or `@atomic_retrying(attempts=…)`."""

    def decorate(inner: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(inner)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if connection.in_atomic_block:
                with transaction.atomic():
                    return inner(*args, **kwargs)
            for attempt in range(1, attempts + 1):
                committed = False

                def mark_committed() -> None:
                    nonlocal committed
                    committed = True

                try:
                    with transaction.atomic():
                        # The first on-commit callback: it runs right after COMMIT, before any
                        # callback the work registers.
                        transaction.on_commit(mark_committed)
                        result = inner(*args, **kwargs)
                except Exception as exc:
                    if committed:
                        logger.exception("An on-commit step of %s failed", inner.__qualname__)
                        return result
                    locked = isinstance(exc, OperationalError) and _is_locked(exc)
                    if not locked or attempt == attempts:
                        raise
                    logger.warning(
                        "%s: database is locked, attempt %d of %d",
                        inner.__qualname__,
                        attempt,
                        attempts,
                    )
                    continue
                return result
            raise AssertionError("unreachable")

        return wrapper

    if func is not None:
        return decorate(func)
    return decorate


# psycopg prepares a statement on its `prepare_threshold`-th run, or at once when asked
# (`prepare=True`); Django leaves the threshold at None, which never prepares, even when asked.
# "Only on request" is a count never reached: Django's client-binding cursors prepare nothing.
_ONLY_ON_REQUEST = 2**62


@functools.cache
def _prepared_cursor_classes() -> tuple[type, type]:
    """(psycopg cursor that prepares, Django debug wrapper that logs its statements)."""
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]  # noqa: PLC0415
        CursorDebugWrapper,
        ServerBindingCursor,
    )
    from django.db.backends.utils import CursorWrapper  # noqa: PLC0415

    class PreparedCursor(ServerBindingCursor):  # type: ignore[misc, valid-type]
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs["prepare"] = True
            return super().execute(query, params, **kwargs)

    class PreparedDebugWrapper(CursorDebugWrapper):  # type: ignore[misc, valid-type]
        """Logs the statement with its values, as Django's own cursors do (psycopg keeps no
        text of a prepared execution for `last_executed_query` to read)."""

        def execute(self, sql: Any, params: Any = None) -> Any:
            with self.debug_sql(self.db.ops.compose_sql(sql, params)):
                return CursorWrapper.execute(self, sql, params)

    return PreparedCursor, PreparedDebugWrapper


@contextmanager
def prepared_cursor(db: Any) -> Iterator[Any]:
    """A cursor of the Django connection `db` whose every `execute` is a prepared statement
    with server-side binding (PostgreSQL; any other engine: its ordinary cursor).

    Write the SQL with `%s` or `%(name)s` placeholders, as for Django's cursors. Values are
    sent apart from the statement, typed by psycopg (an uuid as uuid, a str left for
    PostgreSQL to infer), so a placeholder must stand where a value may (not an `IN %s`
    list or a name). The cursor goes through Django's wrapper: queries are logged (with
    their values) and counted (`execute_wrapper`, `CaptureQueriesContext`) as usual.
    """
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            yield cursor
        return
    # What `db.cursor()` does before handing out a cursor (the health check included).
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    pg = db.connection
    if pg.prepare_threshold is None:
        pg.prepare_threshold = _ONLY_ON_REQUEST
    cursor_class, debug_wrapper = _prepared_cursor_classes()
    with db.wrap_database_errors:
        raw = cursor_class(pg)
    cursor = debug_wrapper(raw, db) if db.queries_logged else db.make_cursor(raw)
    with cursor:
        yield cursor
