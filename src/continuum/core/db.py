"""Database helpers shared by the apps' selectors and services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, models, transaction


@contextmanager
def report_transaction() -> Iterator:
    """A transaction (and cursor) for an area-wide aggregate report. On PostgreSQL, just-in-time
    compilation is turned off for this transaction only (SET LOCAL): these whole-table passes
    cross the JIT cost threshold at area scale, and compiling them cost more than it saved
    (measured: the register's re-referral pass 1.3 s with JIT, 0.9 s without; an early reach
    query spent 4.5 s compiling). Other databases have no JIT."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        yield cursor


def refresh_planner_statistics() -> None:
    """Gather the query planner's statistics (ANALYZE), after loading data in bulk.

    SQLite keeps no statistics until ANALYZE runs, and without them it guesses: for the
    gatekeepers' "involved with a household this person belongs to" subquery it scanned every
    involvement of the user's agency for each person (thirteen seconds to list a health
    visitor's families on the demo area, 0.1 s with statistics). PostgreSQL gathers its own in
    the background (autovacuum); running it here just makes a freshly loaded area fast at once.
    Takes a fraction of a second on the demo area."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bulk_insert(objs: list[models.Model]) -> None:
    """Insert new instances of one model in bulk and set their primary keys, like Django's
    `bulk_create` (no signals, no `save()`). On PostgreSQL the ids are drawn from the table's
    sequence first and the rows streamed with COPY, which for the thousands of rows of an
    import chunk costs a fraction of a many-row INSERT; elsewhere it is `bulk_create`.
    Constraint violations raise IntegrityError, as an INSERT would."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    meta, quote = model._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not getattr(f, "generated", False)]
    with connection.cursor() as cursor:
        missing = [obj for obj in objs if obj.pk is None]
        if missing:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(meta.db_table), meta.pk.column, len(missing)],
            )
            for obj, (pk,) in zip(missing, cursor.fetchall(), strict=True):
                setattr(obj, meta.pk.attname, pk)
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


#: Separates the values of a list passed to PostgreSQL as one text parameter.
SEPARATOR = "\x1f"


def value_lists(values) -> list[list]:
    """The values in lists small enough for one query: all of them on PostgreSQL (passed as
    one parameter), a few thousand at a time elsewhere (SQLite caps a query's parameters)."""
    values = sorted(set(values))
    if connection.vendor == "postgresql":
        return [values] if values else []
    return [values[start : start + 5000] for start in range(0, len(values), 5000)]


def column_in(column: str, values: list, sql_type: str = "text") -> tuple[str, list]:
    """SQL (and its parameters) for "`column` is one of `values`". On PostgreSQL the values go
    as one text parameter split in SQL: psycopg adapts a Python list value by value, which for
    the tens of thousands of keys of an import chunk costs more than the query itself. Values
    must not contain SEPARATOR."""
    if connection.vendor == "postgresql":
        text = SEPARATOR.join(str(v) for v in values)
        return f"{column} = ANY(string_to_array(%s, %s)::{sql_type}[])", [text, SEPARATOR]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)
