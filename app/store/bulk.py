"""Bulk writes to tracked tables, for importers, inside the change-tracking design.

Every row is stamped with the transaction's version by these helpers (one value for the whole
batch, not a column default evaluated per row). On PostgreSQL, inserts go through ``COPY``, and
large updates through a temporary table filled by ``COPY`` and one ``UPDATE … FROM``: statements
the hooks of :mod:`app.store.changes` do not see, so these helpers begin the changes and record
the table as written themselves (:func:`~app.store.changes.track_bulk_write`), and the change
rows are written at commit like any others. Elsewhere they are plain executemany statements.

An update is either a change of the row (``revision`` moves to the transaction's version and
the row leaves a change row) or, with ``tracked=False``, a change that is not one of the row's
content, which keeps ``revision`` and ``updated_at`` as they were (the importer moves a fact's
line span and position this way when lines are inserted above it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import islice
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Table, bindparam, delete, insert, update
from sqlalchemy.engine import Connection

from app.store.changes import track_bulk_write

DELETE_CHUNK = 500  # ids per DELETE … WHERE id IN (…)
COPY_UPDATE_ROWS = 500  # on PostgreSQL, more updated rows than this go through COPY
_STAMPS = ("revision", "created_revision", "created_at", "updated_at")


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, none of them an id or a stamp) as new rows."""
    if not rows:
        return
    version = track_bulk_write(connection, table.name)
    now = datetime.now(UTC)
    stamps = {"revision": version, "created_revision": version, "created_at": now,
              "updated_at": now}  # fmt: skip
    columns = list(rows[0])
    if connection.dialect.name == "postgresql" and not _has_json(table, columns):
        values, stamped = itemgetter(*columns), tuple(stamps.values())
        single = len(columns) == 1
        copied = (((values(row),) if single else values(row)) + stamped for row in rows)
        _copy(connection, table.name, [*columns, *_STAMPS], copied)
        return
    connection.execute(insert(table), [{**row, **stamps} for row in rows])


def update_rows(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    tracked: bool = True,
) -> None:
    """Set, in the row whose ``id`` each dict names, the columns the dict's other keys name
    (every dict the same keys). ``tracked=False`` keeps the rows' ``revision``: see the module."""
    if not rows:
        return
    columns = [column for column in rows[0] if column != "id"]
    stamps: dict[str, Any] = {}
    if tracked:
        stamps = {"revision": track_bulk_write(connection, table.name),
                  "updated_at": datetime.now(UTC)}  # fmt: skip
    if (
        connection.dialect.name == "postgresql"
        and len(rows) > COPY_UPDATE_ROWS
        and not _has_json(table, columns)
    ):
        _update_through_copy(connection, table, columns, rows, stamps)
        return
    values: dict[str, Any] = {column: bindparam(f"v_{column}") for column in columns}
    if tracked:
        values.update(stamps)
    else:
        # Named explicitly, so neither column's onupdate default applies.
        values.update(revision=table.c.revision, updated_at=table.c.updated_at)
    statement = update(table).where(table.c.id == bindparam("v_id")).values(values)
    connection.execute(statement, [{f"v_{key}": value for key, value in r.items()} for r in rows])


def delete_ids(connection: Connection, table: Table, ids: Iterable[int]) -> int:
    """Delete the rows with ``ids`` (each leaves a change row, see app.store.changes)."""
    count = 0
    iterator = iter(ids)
    while chunk := list(islice(iterator, DELETE_CHUNK)):
        connection.execute(delete(table).where(table.c.id.in_(chunk)))
        count += len(chunk)
    return count


def _has_json(table: Table, columns: Iterable[str]) -> bool:
    return any(isinstance(table.c[column].type, JSON) for column in columns)


def _copy(
    connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    driver: Any = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _update_through_copy(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    stamps: dict[str, Any],
) -> None:
    """``UPDATE … FROM`` a temporary table the rows are copied into: one statement for any
    number of rows, where executemany would cost a round of the protocol per row."""
    track_bulk_write(connection, table.name)  # a statement the hooks do not see
    quote = connection.dialect.identifier_preparer.quote
    scratch = f"bulk_update_{table.name}"
    types = ", ".join(
        f"{quote(column)} {table.c[column].type.compile(dialect=connection.dialect)}"
        for column in columns
    )
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {scratch} (id integer PRIMARY KEY, {types}) ON COMMIT DROP"
    )
    copied = ((row["id"], *(row[column] for column in columns)) for row in rows)
    _copy(connection, scratch, ["id", *columns], copied)
    assignments = [f"{quote(column)} = s.{quote(column)}" for column in columns]
    assignments += [f"{quote(column)} = %({column})s" for column in stamps]
    connection.exec_driver_sql(
        f"UPDATE {quote(table.name)} AS t SET {', '.join(assignments)} "
        f"FROM {scratch} AS s WHERE t.id = s.id",
        stamps,
    )
    connection.exec_driver_sql(f"DROP TABLE {scratch}")
