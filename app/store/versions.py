"""The dataset version as readers see it: an epoch, a number every committed change bumps
(:mod:`app.store.changes`), and when that change was committed.

Read paths key their caches and ETags on it. Versions only grow within an epoch, and a reset
draws a new epoch, so a version once seen is never taken for another.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session as OrmSession

from app.store.engines import sqlite_file

_READ = text("SELECT epoch, version, updated_at FROM dataset_meta WHERE id = 1")
_READ_SQLITE = _READ.text  # the same statement, for the plain sqlite3 connection


@dataclass(frozen=True, slots=True)
class DatasetVersion:
    """Which state of the data a response shows; equal values mean the same data."""

    epoch: str
    number: int
    changed_at: datetime | None = None  # when the change that made this version committed

    @property
    def label(self) -> str:
        """What ETags and ``X-Dataset-Version`` carry: ``<number>`` within ``<epoch>``."""
        return f"{self.number}.{self.epoch}" if self.epoch else str(self.number)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DatasetVersion):
            return NotImplemented
        return (self.epoch, self.number) == (other.epoch, other.number)

    def __hash__(self) -> int:
        return hash((self.epoch, self.number))


EMPTY = DatasetVersion("", 0)  # a database no change has been made to


def _from_row(row: tuple[object, object, object] | None) -> DatasetVersion:
    if row is None:
        return EMPTY
    epoch, number, changed_at = row
    if isinstance(changed_at, str):  # the sqlite3 driver returns text
        changed_at = datetime.fromisoformat(changed_at)
    if isinstance(changed_at, datetime):  # every timestamp stored is UTC; say so
        changed_at = (
            changed_at.replace(tzinfo=UTC)
            if changed_at.tzinfo is None
            else changed_at.astimezone(UTC)
        )
    return DatasetVersion(
        str(epoch or ""), int(str(number)), changed_at if isinstance(changed_at, datetime) else None
    )


def dataset_version(connection: Connection | OrmSession) -> DatasetVersion:
    """The current version; :data:`EMPTY` for a database no change has been made to."""
    row = connection.execute(_READ).first()
    return _from_row(None if row is None else (row[0], row[1], row[2]))


class VersionReader:
    """Reads the current version once per request, as cheaply as the backend allows.

    On a SQLite file it keeps one plain ``sqlite3`` connection (about 10 µs a read, cheap enough
    to run on the event loop); elsewhere (PostgreSQL, or an in-memory test database that only
    the engine's own connection can see) it goes through the engine, off the event loop.
    Reading the current value on every request is what lets several workers, each with its own
    caches, never serve a response older than the last committed change. Errors (the database
    is down) propagate: the pipeline answers them with a 503 problem.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # The file as the engine opens it (read-only, when it cannot be written).
        self._path: str | None
        self._path, self._uri = sqlite_file(engine) or (None, False)
        self._connection: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._version = EMPTY
        self._shared: DatasetVersion | None = None
        _READERS.add(self)

    @property
    def blocks(self) -> bool:
        """Whether :meth:`read` waits on I/O long enough to belong in a worker thread."""
        return self._path is None

    def read(self) -> DatasetVersion:
        if self._path is None:
            with self._engine.connect() as connection:
                return dataset_version(connection)
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(
                    self._path, check_same_thread=False, uri=self._uri
                )
            # data_version changes whenever another connection commits: only then is the
            # version worth reading again.
            data_version = self._connection.execute("PRAGMA data_version").fetchone()[0]
            if data_version != self._data_version:
                row = self._connection.execute(_READ_SQLITE).fetchone()
                self._version, self._data_version = _from_row(row), data_version
        except sqlite3.OperationalError as exc:
            self.close()  # the file was replaced, or is being migrated: reconnect next time
            if "no such table" in str(exc) or "no such column" in str(exc):
                return EMPTY  # not migrated yet: there is no data to serve
            raise
        return self._version

    def current(self) -> DatasetVersion:
        """The version for a request served on the running event loop, without blocking it
        (:attr:`blocks` is false): :meth:`read`, shared by every request that arrived before
        the read.

        A read is kept until the loop's next turn: forgetting it is queued with ``call_soon``
        as it is made. A request that arrives later is started by a task step the server queues
        after that (a new task, or a resumed one), and the loop runs its queue in order, so the
        read is forgotten before that request looks. Any request that finds it arrived before it
        was made, and sees every change committed before it arrived. A commit made in this
        process forgets it at once, for callers that do not go through the loop's queue
        (an in-process test client). A loop with a task factory (eager tasks run their first
        step at once, not from the queue) shares nothing.
        """
        shared = self._shared
        if shared is not None:
            return shared
        version = self.read()
        loop = asyncio.get_running_loop()
        if loop.get_task_factory() is None:
            self._shared = version
            loop.call_soon(self._forget)
        return version

    def _forget(self) -> None:
        self._shared = None

    def close(self) -> None:
        self._shared = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._data_version = None


_READERS: weakref.WeakSet[VersionReader] = weakref.WeakSet()


@event.listens_for(OrmSession, "after_commit")
def _forget_after_session_commit(_session: OrmSession) -> None:
    for reader in list(_READERS):
        reader._forget()


@event.listens_for(Engine, "commit")
def _forget_at_connection_commit(_connection: Connection) -> None:
    for reader in list(_READERS):
        reader._forget()
