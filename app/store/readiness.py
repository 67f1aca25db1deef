"""What ``/readyz`` asks of the database: that it answers, is at the newest migration, and can
be read where the API reads it, one cheap row of each table; and whether it takes writes."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.sql import Executable
from sqlmodel import SQLModel

import app.store.models  # noqa: F401  (registers the tables on the metadata)
from app.store import migrate
from app.store.engines import is_read_only
from app.store.search_index import INDEXED, NAME, PG_VECTOR

logger = logging.getLogger("versus.health")


@dataclass(frozen=True)
class Readiness:
    revision: str | None  # the migration the database is at
    unreadable: tuple[str, ...]  # what could not be read (checked at the head only)
    read_only: bool


def check(engine: Engine) -> Readiness:
    """Raises :class:`migrate.DatabaseUnreachable` when the database does not answer."""
    try:
        with engine.connect() as connection:
            revision = migrate.current_revision(connection)
            unreadable = _unreadable(connection) if revision == migrate.head_revision() else ()
            return Readiness(revision, unreadable, _read_only(connection))
    except SQLAlchemyError as exc:
        raise migrate.DatabaseUnreachable(exc.__class__.__name__) from None


def _reads(connection: Connection) -> list[tuple[str, Executable]]:
    """One row of every table, with the columns the models give it, and of the full-text
    index: a renamed table or column fails here as it would in a request."""
    reads: list[tuple[str, Executable]] = [
        (table.name, select(table).limit(1)) for table in SQLModel.metadata.sorted_tables
    ]
    if connection.dialect.name == "sqlite":
        reads.append((NAME, text(f"SELECT rowid, title, body FROM {NAME} LIMIT 1")))
    elif connection.dialect.name == "postgresql":  # the index is a column of each table
        reads += [
            (f"{entry.table}.{PG_VECTOR}", text(f"SELECT {PG_VECTOR} FROM {entry.table} LIMIT 1"))
            for entry in INDEXED
        ]
    return reads


def _unreadable(connection: Connection) -> tuple[str, ...]:
    failed: list[str] = []
    for name, statement in _reads(connection):
        if name.partition(".")[0] in failed:
            continue  # the index column of a table already named
        try:
            connection.execute(statement).first()
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise
            logger.warning("readiness: %s cannot be read: %s", name, _first_line(exc))
            failed.append(name)
            connection.rollback()  # PostgreSQL refuses anything else in a failed transaction
    return tuple(failed)


def _read_only(connection: Connection) -> bool:
    if connection.dialect.name == "postgresql":
        setting = connection.execute(text("SELECT current_setting('transaction_read_only')"))
        return str(setting.scalar_one()) == "on"
    return is_read_only(connection.engine.url)


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).splitlines()[0] if str(exc.orig) else exc.__class__.__name__
