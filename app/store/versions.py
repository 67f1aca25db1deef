"""The dataset version: one number that every change to the data increments.

Read paths key their caches and ETags on it, so every write path must call
:func:`bump_dataset_version` inside the transaction that changes the data: the bump then commits
(or rolls back) with the change itself, and no reader can see new data under an old version.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession

from app.store.models import DatasetMeta

# Valid on SQLite (3.24+) and PostgreSQL alike; creates the single row on first use.
_BUMP = text(
    "INSERT INTO dataset_meta (id, version, created_at, updated_at) "
    "VALUES (1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) "
    "ON CONFLICT (id) DO UPDATE SET version = dataset_meta.version + 1, "
    "updated_at = CURRENT_TIMESTAMP "
    "RETURNING version"
)
_READ = text("SELECT version FROM dataset_meta WHERE id = 1")


def bump_dataset_version(session: OrmSession | Connection) -> int:
    """Increment the version in the caller's transaction and return the new value."""
    if isinstance(session, OrmSession):
        session.info.pop(_CHANGED, None)  # this bump covers what the session changed so far
    return int(session.execute(_BUMP).scalar_one())


# A safety net under the rule above: an ORM session that writes data and commits without
# bumping gets its bump at commit, so no write path can leave caches serving stale responses.
_CHANGED = "versus_data_changed"


def _has_pending_changes(session: OrmSession) -> bool:
    changed = (*session.new, *session.dirty, *session.deleted)
    return any(not isinstance(instance, DatasetMeta) for instance in changed)


@event.listens_for(OrmSession, "before_flush")
def _note_flushed_changes(session: OrmSession, _context: Any, _instances: Any) -> None:
    if _has_pending_changes(session):
        session.info[_CHANGED] = True


@event.listens_for(OrmSession, "do_orm_execute")
def _note_statement_changes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_CHANGED] = True


@event.listens_for(OrmSession, "before_commit")
def _bump_if_changed(session: OrmSession) -> None:
    # before_commit runs before the final flush, so changes still pending count too; a
    # savepoint's commit is not the transaction's.
    if session.in_nested_transaction():
        return
    if session.info.get(_CHANGED) or _has_pending_changes(session):
        bump_dataset_version(session)


def dataset_version(session: OrmSession | Connection) -> int:
    """The current version; 0 for a database no change has been made to."""
    return int(session.execute(_READ).scalar_one_or_none() or 0)


class VersionReader:
    """Reads the current version once per request, as cheaply as the backend allows.

    On a SQLite file it keeps one plain ``sqlite3`` connection (about 10 µs a read, cheap enough
    to run on the event loop); elsewhere (PostgreSQL, or an in-memory test database that only
    the engine's own connection can see) it goes through the engine, off the event loop.
    Reading the current value on every request is what lets several workers, each with its own
    caches, never serve a response older than the last committed change.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        database = engine.url.database or ""
        file_backed = engine.dialect.name == "sqlite" and database not in ("", ":memory:")
        self._path = database if file_backed else None
        self._connection: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._version = 0

    @property
    def blocks(self) -> bool:
        """Whether :meth:`read` waits on I/O long enough to belong in a worker thread."""
        return self._path is None

    def read(self) -> int:
        if self._path is None:
            with self._engine.connect() as connection:
                return dataset_version(connection)
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(self._path, check_same_thread=False)
            # data_version changes whenever another connection commits: only then is the
            # version worth reading again.
            data_version = self._connection.execute("PRAGMA data_version").fetchone()[0]
            if data_version != self._data_version:
                row = self._connection.execute(
                    "SELECT version FROM dataset_meta WHERE id = 1"
                ).fetchone()
                self._version, self._data_version = (int(row[0]) if row else 0), data_version
        except sqlite3.Error:
            self.close()  # not migrated yet, or the file was replaced: reconnect next time
            return 0
        return self._version

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._data_version = None
