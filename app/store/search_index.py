"""The full-text index behind ``/v1/search``: its DDL on SQLite and on PostgreSQL, in one place.

SQLite has one FTS5 table, ``search_index(title, body)``, kept in step with the indexed tables by
triggers (foreign-key cascades fire them too, as ``app.store.engines`` turns ``foreign_keys``
on). A row's
rowid encodes what it indexes, ``id * 8 + code``, so a trigger finds its row by rowid instead of
scanning, and one table gives bm25 one set of corpus statistics for every kind of hit.

PostgreSQL gives each indexed table a stored generated column, ``search_index_vector``, computed
by :func:`pg_vector`, with a GIN index on it; the database maintains both with the rows. The
column is stored rather than a bare expression index because ranking reads the vector of every
hit: recomputing it made a query matching 100,000 rows take seconds instead of tens of ms.

Both backends tokenise the same way, so they find the same hits: words are runs of letters and
digits, case-insensitive, accents significant, no stemming and no stop words (``unicode61
remove_diacritics 0`` on SQLite; the ``simple`` configuration on PostgreSQL, after ASCII and
common typographic punctuation is turned into spaces, since PostgreSQL's parser would otherwise
keep e-mail addresses, URLs, hyphenated words and decimals as single tokens).

``create_search_index`` and ``drop_search_index`` are called by migration 0003 and, through
listeners on ``SQLModel.metadata``, by ``create_all``/``drop_all``; both are idempotent. None of
these objects is on the models: ``migrations/env.py`` hides every name :func:`is_search_index_name`
accepts from autogenerate. Beware that SQLite drops a table's triggers with the table: a later
batch migration of an indexed table must call :func:`create_search_index` again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from app.store.engines import has_sqlite_table

NAME = "search_index"  # the FTS5 table; every other object of the index starts with NAME + "_"
PG_VECTOR = f"{NAME}_vector"  # the generated tsvector column on PostgreSQL
SUSPENDED = f"{NAME}_suspended"  # SQLite: a row here pauses the insert triggers (bulk loads)
ROWID_STRIDE = 8

# ASCII punctuation and common typographic marks (a no-break space, quotes, dashes, bullets).
_PUNCTUATION = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum()) + (
    "\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2022\u2026"
)
# A regular expression of one bracket of \uXXXX escapes (an E'' literal, so its backslashes are
# doubled): no "%" for the driver's placeholders, no ":" for text()'s, no quoting. Replacing
# through it is what translate() with a string of as many spaces does, seven times faster:
# translate scans its whole list of characters for every character of the text.
_PG_PUNCTUATION = "E'[" + "".join(f"\\\\u{ord(char):04x}" for char in _PUNCTUATION) + "]'"


@dataclass(frozen=True)
class IndexedTable:
    """A table whose rows are indexed: which columns are the title and the body of a document."""

    table: str
    kind: str  # the kind of hit the API reports ("aspect" for an alias too)
    code: int  # SQLite rowid = id * ROWID_STRIDE + code
    title: str | None
    body: str | None


INDEXED = (
    IndexedTable("aspect", "aspect", 1, "name", None),
    IndexedTable("description", "description", 2, "label", "text"),
    IndexedTable("definition", "definition", 3, None, "text"),
    IndexedTable("discipline_use", "use", 4, "title", "text"),
    IndexedTable("faq", "faq", 5, "question", "answer"),
    # An alias is a document of its own, reported as its aspect: an aspect matches when its
    # name or one of its aliases contains every word of the query.
    IndexedTable("aspect_alias", "aspect", 6, "alias", None),
)
KINDS = ("aspect", "description", "definition", "use", "faq")


def is_search_index_name(name: str | None) -> bool:
    """True for the index's tables, shadow tables, triggers, columns and indexes."""
    return name is not None and (name == NAME or name.startswith(NAME + "_"))


def pg_vector(entry: IndexedTable) -> str:
    """The tsvector of a row of ``entry``; the title weighs more than the body in ``ts_rank``."""
    parts = [
        f"setweight(to_tsvector('simple'::regconfig, regexp_replace({column}, "
        f"{_PG_PUNCTUATION}, ' ', 'g')), '{weight}')"
        for column, weight in ((entry.title, "A"), (entry.body, "B"))
        if column is not None
    ]
    return " || ".join(parts)


def create_search_index(connection: Connection) -> None:
    """Create the index (filled from the rows already there) unless it exists."""
    if connection.dialect.name == "sqlite":
        _create_sqlite(connection)
    elif connection.dialect.name == "postgresql":
        for entry in INDEXED:
            # Adding a stored generated column computes it for the rows already there.
            connection.exec_driver_sql(
                f"ALTER TABLE {entry.table} ADD COLUMN IF NOT EXISTS {PG_VECTOR} tsvector "
                f"GENERATED ALWAYS AS ({pg_vector(entry)}) STORED"
            )
            connection.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {NAME}_{entry.table} ON {entry.table} "
                f"USING gin ({PG_VECTOR})"
            )
    else:
        raise NotImplementedError(f"full-text search is not available on {connection.dialect.name}")


def drop_search_index(connection: Connection) -> None:
    """Drop everything :func:`create_search_index` made; the indexed tables are untouched."""
    if connection.dialect.name == "sqlite":
        for entry in INDEXED:
            for event_name in ("insert", "update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_trigger(entry, event_name)}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {NAME}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SUSPENDED}")
    elif connection.dialect.name == "postgresql":
        for entry in INDEXED:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {NAME}_{entry.table}")
            connection.exec_driver_sql(
                f"ALTER TABLE {entry.table} DROP COLUMN IF EXISTS {PG_VECTOR}"
            )


def _create_sqlite(connection: Connection) -> None:
    exists = has_sqlite_table(connection, NAME)
    connection.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {SUSPENDED} (id INTEGER PRIMARY KEY CHECK (id = 1))"
    )
    if not exists:
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {NAME} USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 0')"
        )
        for entry in INDEXED:
            connection.exec_driver_sql(
                f"INSERT INTO {NAME} (rowid, title, body) "
                f"SELECT {_values(entry, '')} FROM {entry.table}"
            )
        optimize_search_index(connection)
    for entry in INDEXED:
        for statement in _sqlite_triggers(entry):
            connection.exec_driver_sql(statement)


def _values(entry: IndexedTable, row: str) -> str:
    """The rowid, title and body of a row as SQL; ``row`` is "", "new." or "old."."""
    title = f"{row}{entry.title}" if entry.title else "''"
    body = f"{row}{entry.body}" if entry.body else "''"
    return f"{row}id * {ROWID_STRIDE} + {entry.code}, {title}, {body}"


def _trigger(entry: IndexedTable, event_name: str) -> str:
    return f"{NAME}_{entry.table}_{event_name}"


def _sqlite_triggers(entry: IndexedTable) -> list[str]:
    insert = f"INSERT INTO {NAME} (rowid, title, body) VALUES ({_values(entry, 'new.')});"
    delete = f"DELETE FROM {NAME} WHERE rowid = old.id * {ROWID_STRIDE} + {entry.code};"
    # Only a change to an indexed column (or the id) touches the index, not a timestamp update.
    columns = ", ".join(c for c in ("id", entry.title, entry.body) if c)
    head = "CREATE TRIGGER IF NOT EXISTS"
    return [
        f"{head} {_trigger(entry, 'insert')} AFTER INSERT ON {entry.table} "
        f"WHEN NOT EXISTS (SELECT 1 FROM {SUSPENDED}) BEGIN {insert} END",
        f"{head} {_trigger(entry, 'delete')} AFTER DELETE ON {entry.table} BEGIN {delete} END",
        f"{head} {_trigger(entry, 'update')} AFTER UPDATE OF {columns} ON {entry.table} "
        f"BEGIN {delete} {insert} END",
    ]


@contextmanager
def deferred_indexing(connection: Connection) -> Iterator[None]:
    """Within one write transaction, index the rows inserted in the block all at once, at its end.

    A trigger costs SQLite several times what the row does; a 100,000-row import spends most of
    its time in them. Inside the block the insert triggers stand still (a row in
    ``search_index_suspended``, visible to this transaction only) and, at the end, one
    INSERT … SELECT per table indexes the rows added since the block began. Rows inserted in the
    block must not be updated in it. If the block raises, the caller's transaction must roll
    back, as the loader's does. On PostgreSQL the index is computed with each row: a no-op.
    """
    if connection.dialect.name != "sqlite" or not has_sqlite_table(connection, SUSPENDED):
        yield  # PostgreSQL, or a database migrated to before the index existed
        return
    last_ids = {
        entry.table: connection.exec_driver_sql(
            f"SELECT coalesce(max(id), 0) FROM {entry.table}"
        ).scalar_one()
        for entry in INDEXED
    }
    connection.exec_driver_sql(f"INSERT INTO {SUSPENDED} (id) VALUES (1)")
    yield
    connection.exec_driver_sql(f"DELETE FROM {SUSPENDED}")
    for entry in INDEXED:
        connection.exec_driver_sql(
            f"INSERT INTO {NAME} (rowid, title, body) "
            f"SELECT {_values(entry, '')} FROM {entry.table} WHERE id > ?",
            (last_ids[entry.table],),
        )


def optimize_search_index(connection: Connection) -> None:
    """Merge the SQLite index's segments into one (a no-op elsewhere, or without an index);
    loaders call it once, after their last source.

    Every batch of inserts and every delete leaves FTS5 a segment of its own, and a query reads
    each segment: after a load, a bundled-dataset query took three times as long as on the
    merged index. Writes between loads leave few segments, which FTS5's automerge keeps in check.
    """
    # A database migrated to before the index existed has nothing to merge.
    if connection.dialect.name == "sqlite" and has_sqlite_table(connection, NAME):
        connection.exec_driver_sql(f"INSERT INTO {NAME} ({NAME}) VALUES ('optimize')")


def _after_create(_metadata: Any, connection: Connection, **_kw: Any) -> None:
    create_search_index(connection)


def _before_drop(_metadata: Any, connection: Connection, **_kw: Any) -> None:
    drop_search_index(connection)


# create_all() (the test fixtures use it) must build the same index the migrations build.
if not event.contains(SQLModel.metadata, "after_create", _after_create):
    event.listen(SQLModel.metadata, "after_create", _after_create)
    event.listen(SQLModel.metadata, "before_drop", _before_drop)
