"""Database helpers that behave the same on SQLite and PostgreSQL.

`CaseFold(expr)`: Unicode-aware lower case for case-insensitive search. PostgreSQL's LOWER()
folds Cyrillic (UTF-8 databases); SQLite's LOWER() and LIKE fold ASCII only, so `icontains`
would miss «иванов» in «Иванов» on the embedded default. On SQLite the function is Python's
`str.casefold`, registered on every new connection. Compare with a casefolded term:

    patients.annotate(name_folded=CaseFold("full_name")).filter(
        name_folded__contains=term.casefold()
    )
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Func

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
