"""Engines and sessions: one code path for SQLite and PostgreSQL.

SQLite is tuned for a read-mostly service: WAL so readers never wait for a writer, enforced
foreign keys, a busy timeout, and write transactions that ``BEGIN IMMEDIATE`` so two writers
queue for the lock up front instead of failing half-way with "database is locked". Reads keep a
plain (deferred) ``BEGIN`` so they never take the write lock.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, create_engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 30_000
_WRITE_OPTION = "versus_write"


@dataclass(frozen=True)
class Timeouts:
    """How long a PostgreSQL engine waits, in seconds: to connect, for a pooled connection, and
    for a statement (0: no limit). SQLite files answer or fail at once (``busy_timeout`` aside)."""

    connect: float = 5.0
    pool: float = 5.0
    statement: float = 15.0


def create_db_engine(
    url: str | URL, *, echo: bool = False, timeouts: Timeouts | None = None
) -> Engine:
    """Create the engine for ``url``; a file-backed SQLite database gets its folder made."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, echo=echo)
    timeouts = timeouts or Timeouts()
    connect_args: dict[str, Any] = {"connect_timeout": max(1, math.ceil(timeouts.connect))}
    if timeouts.statement:
        connect_args["options"] = f"-c statement_timeout={round(timeouts.statement * 1000)}"
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_timeout=timeouts.pool,
        connect_args=connect_args,
    )


def _create_sqlite_engine(url: URL, *, echo: bool) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or url.query.get("mode") == "memory"
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if in_memory:
        # One shared connection, or every checkout would see its own empty database.
        kwargs["poolclass"] = StaticPool
    elif url.query.get("uri") is None:
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        url = read_only_if_unwritable(url)
    engine = create_engine(url, echo=echo, **kwargs)
    # A read-only database keeps its journal mode: changing it is a write.
    wal = not is_read_only(url)
    event.listen(engine, "connect", functools.partial(_configure_sqlite_connection, wal=wal))
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any, *, wal: bool) -> None:
    # Take BEGIN away from the sqlite3 module so _begin_sqlite_transaction decides its kind.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


# --- Read-only SQLite files -------------------------------------------------------------------
# A file or folder the service cannot write (a read-only volume, a file owned by another user)
# is opened read-only, so reads answer instead of failing with "attempt to write a readonly
# database" when the connection is set up.


def read_only_if_unwritable(url: URL) -> URL:
    """``url`` as a read-only URI filename when its SQLite file, or the folder it is in, cannot
    be written by this process (a file that does not exist yet is left to be created).

    ``mode=ro`` reads a WAL database through its ``-shm`` index, created beside it if need be.
    Where it cannot be (the folder is read-only and there is none) the file is opened
    ``immutable``: SQLite reads it as it is, without locks, so a change made to it while the
    service runs is not seen until a restart. A database whose ``-wal`` holds changes but has
    no ``-shm`` stays ``mode=ro``, which fails to open rather than serve data without them.
    """
    path = Path(url.database or "").expanduser().resolve()
    folder_writable = os.access(path.parent, os.W_OK)
    if not path.exists() or (folder_writable and os.access(path, os.W_OK)):
        return url
    shm, wal = (path.with_name(path.name + suffix) for suffix in ("-shm", "-wal"))
    logged = wal.exists() and wal.stat().st_size > 0
    how = {"mode": "ro"} if folder_writable or shm.exists() or logged else {"immutable": "1"}
    query = {**url.query, **how, "uri": "true"}
    return url.set(database=f"file:{quote(str(path))}", query=query)


def is_read_only(url: URL) -> bool:
    """Whether ``url`` opens a SQLite database read-only (``mode=ro`` or ``immutable``)."""
    query = url.query
    return url.get_backend_name() == "sqlite" and (
        query.get("mode") == "ro" or query.get("immutable") in ("1", "true")
    )


def sqlite_file(engine: Engine) -> tuple[str, bool] | None:
    """The name ``sqlite3.connect`` opens the engine's database file by, and whether it is a URI
    filename, as the engine's own connections get them; None for a database in memory or on
    another backend."""
    url = engine.url
    database = url.database or ""
    if engine.dialect.name != "sqlite" or database in ("", ":memory:"):
        return None
    if url.query.get("mode") == "memory":
        return None
    args, options = engine.dialect.create_connect_args(url)
    return str(args[0]), bool(options.get("uri", False))


# --- end of read-only SQLite files --------------------------------------------------------------


def _begin_sqlite_transaction(connection: Connection) -> None:
    write = connection.get_execution_options().get(_WRITE_OPTION, False)
    # Straight to the driver: every read begins a transaction, and SQLAlchemy's statement
    # machinery would cost more than the BEGIN itself.
    driver = connection.connection.driver_connection
    assert driver is not None  # a connection being begun is open
    driver.execute("BEGIN IMMEDIATE" if write else "BEGIN")


def reads_block(engine: Engine) -> bool:
    """Whether a read can wait long enough to belong off the event loop.

    SQLite reads are calls into a local library on a file in the page cache, each bounded by an
    index: a worker thread would cost more than the query. PostgreSQL reads wait on a socket.
    """
    return engine.dialect.name != "sqlite"


def writer(engine: Engine) -> Engine:
    """The same engine, but every transaction it begins is a write transaction."""
    return engine.execution_options(**{_WRITE_OPTION: True})


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction takes the write lock at once; commits on success."""
    with Session(writer(engine)) as session, session.begin():
        yield session


def refresh_statistics(connection: Connection, *, only_if_missing: bool = False) -> None:
    """Give the query planner statistics on the data (``ANALYZE``); loaders call it after
    changing many rows. With ``only_if_missing``, only where none were ever gathered.

    Without them SQLite guesses each index equally selective: asked for an aspect's descriptions
    in one discipline, it scanned the discipline's (half of all descriptions) for every aspect,
    not the aspect's few. PostgreSQL's autovacuum gathers statistics too, but only a while after
    a load: until then, a query for one source's descriptions of a thousand aspects read all of
    the source's (90 ms where the index answers in 3 ms), so a load gathers them at once. On
    PostgreSQL ``only_if_missing`` leaves the work to autovacuum.
    """
    if connection.dialect.name == "postgresql":
        if not only_if_missing:
            connection.exec_driver_sql("ANALYZE")
        return
    if connection.dialect.name != "sqlite":
        return
    if not (only_if_missing and has_sqlite_table(connection, "sqlite_stat1")):
        connection.exec_driver_sql("ANALYZE")


def has_sqlite_table(connection: Connection, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.exec_driver_sql(query, (name,)).first() is not None
