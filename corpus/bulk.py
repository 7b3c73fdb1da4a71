"""Fast inserts of many validated rows, per database: COPY on PostgreSQL, executemany on SQLite.

`bulk_create` spends most of its time in Python (a model instance, a compiled multi-row INSERT
and a `get_db_prep_save` call per value); for the blocks and sentences of an import that is
several times the database's own work. `insert_rows` sends plain tuples instead. It runs on the
connection of the caller's transaction, so a failure rolls back with everything else, and the
database still checks every constraint (COPY and INSERT fire the same checks and triggers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

# Fields whose Python values (str, int, None) the drivers take as they are: `get_db_prep_save` of
# these returns its input unchanged, so it is skipped. Every other field goes through it.
_PLAIN = frozenset(
    (
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallAutoField",
        "SmallIntegerField",
        "TextField",
    )
)


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    with_ids: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> list[int]:
    """Insert `rows` (values in `fields` order, of each field's Python type, validated) into
    `model`'s table; return the new primary keys in row order if `with_ids`, else [].

    Primary keys come from the database's own counter: on PostgreSQL `nextval` of the table's
    sequence (safe beside concurrent inserts), on SQLite the numbers after both the largest id
    and the AUTOINCREMENT counter (the write lock of the transaction keeps other writers out; were
    one to slip in, the primary key would refuse the row rather than overwrite it). Other
    databases get `bulk_create`. Call it inside `transaction.atomic()`.
    """
    if not rows:
        return []
    connection = connections[using]
    meta = model._meta
    pk = meta.pk
    if pk is None or pk.column is None:
        raise TypeError(f"{model.__name__} has no primary key column")
    columns: list[models.Field[Any, Any]] = []
    column_names: list[str] = []
    for name in fields:
        field = meta.get_field(name)
        if not isinstance(field, models.Field) or field.column is None:
            raise TypeError(f"{model.__name__}.{name} is not a column")
        columns.append(field)
        column_names.append(field.column)
    if connection.vendor not in ("postgresql", "sqlite"):
        objects = model._default_manager.using(using).bulk_create(
            [
                model(**{f.attname: value for f, value in zip(columns, row, strict=True)})
                for row in rows
            ]
        )
        return [obj.pk for obj in objects] if with_ids else []

    rows = _prepared(columns, rows, connection)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        ids: list[int] = []
        if with_ids:
            ids = _reserve_ids(cursor, connection, meta.db_table, pk.column, len(rows))
            column_names = [pk.column, *column_names]
            rows = [(new_id, *row) for new_id, row in zip(ids, rows, strict=True)]
        names = ", ".join(connection.ops.quote_name(name) for name in column_names)
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({names}) FROM STDIN"
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(column_names))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (quoted names)
            cursor.executemany(sql, rows)
    return ids


def _prepared(
    fields: list[models.Field[Any, Any]], rows: Sequence[Sequence[Any]], connection: Any
) -> Sequence[Sequence[Any]]:
    convert = [
        (i, field) for i, field in enumerate(fields) if field.get_internal_type() not in _PLAIN
    ]
    if not convert:
        return rows
    prepared = []
    # A value that is the very object of the row before (a shared timestamp, None) is converted
    # once.
    last: list[tuple[Any, Any]] = [(object(), None)] * len(convert)
    for row in rows:
        values = list(row)
        for n, (i, field) in enumerate(convert):
            value = values[i]
            before, converted = last[n]
            if value is not before:
                converted = field.get_db_prep_save(value, connection)
                last[n] = (value, converted)
            values[i] = converted
        prepared.append(values)
    return prepared


def _reserve_ids(cursor: Any, connection: Any, table: str, column: str, count: int) -> list[int]:
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # The sequence is looked up first: named in the query it is resolved once, not per row
        # (5 µs instead of 1 µs per id).
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quote(table), column])
        sequence = cursor.fetchone()[0]
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return sorted(row[0] for row in cursor.fetchall())
    cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608
    largest = cursor.fetchone()[0] or 0
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
    )
    if cursor.fetchone() is not None:
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        largest = max(largest, found[0] if found else 0)
    return list(range(largest + 1, largest + 1 + count))
