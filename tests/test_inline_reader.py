"""The kept SQLite connection reads run on: one transaction per read, nothing held between reads,
and a database error costs the connection, not the next request."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

from app.domain.errors import BadRequest
from app.store.engines import create_db_engine
from app.web.routing import _inline_reader


@pytest.fixture
def file_engine(tmp_path: Path) -> Iterator[Engine]:
    # A file, so a second connection is a second reader or writer rather than the same one.
    engine = create_db_engine(f"sqlite:///{tmp_path / 'inline.db'}")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _add_source(engine: Engine, slug: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO source (slug, title, file_name, format, sha256, imported_at, report) "
                "VALUES (:slug, :slug, :slug, 'csv', '', CURRENT_TIMESTAMP, '{}')"
            ),
            {"slug": slug},
        )


def _count(connection: Connection) -> int:
    return int(connection.execute(text("SELECT count(*) FROM source")).scalar_one())


def test_a_read_sees_one_snapshot_and_the_next_read_sees_the_change(file_engine: Engine) -> None:
    def read_twice(connection: Connection) -> tuple[int, int]:
        before = _count(connection)
        _add_source(file_engine, "committed-meanwhile")  # another connection commits
        return before, _count(connection)

    reader = _inline_reader(file_engine)
    assert reader.run(read_twice, {}) == (0, 0)
    assert reader.run(_count, {}) == 1
    assert _inline_reader(file_engine) is reader  # kept between reads


def test_nothing_is_held_between_reads(file_engine: Engine) -> None:
    reader = _inline_reader(file_engine)
    reader.run(_count, {})
    driver: Any = reader.connection.connection.driver_connection
    assert not driver.in_transaction
    # A WAL checkpoint that must wait for readers completes: no read transaction is open.
    with file_engine.connect() as other:
        busy, _, _ = other.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    assert busy == 0


def test_an_error_that_is_not_the_databases_keeps_the_connection(file_engine: Engine) -> None:
    def refuse(connection: Connection) -> None:
        _count(connection)
        raise BadRequest("no")

    reader = _inline_reader(file_engine)
    with pytest.raises(BadRequest):
        reader.run(refuse, {})
    assert _inline_reader(file_engine) is reader
    assert reader.run(_count, {}) == 0


@pytest.mark.parametrize("through", ["sqlalchemy", "driver"])
def test_a_database_error_replaces_the_connection(file_engine: Engine, through: str) -> None:
    def fail(connection: Connection) -> None:
        if through == "sqlalchemy":
            connection.execute(text("SELECT * FROM no_such_table"))
        driver: Any = connection.connection.driver_connection
        driver.execute("SELECT * FROM no_such_table")

    reader = _inline_reader(file_engine)
    with pytest.raises((OperationalError, sqlite3.OperationalError)):
        reader.run(fail, {})
    replacement = _inline_reader(file_engine)
    assert replacement is not reader
    assert reader.connection.closed
    _add_source(file_engine, "after-the-error")
    assert replacement.run(_count, {}) == 1


def test_disposing_the_engine_closes_the_connection(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'disposed.db'}")
    SQLModel.metadata.create_all(engine)
    reader = _inline_reader(engine)
    reader.run(_count, {})
    engine.dispose()
    assert reader.connection.closed
    assert _inline_reader(engine) is not reader  # a new one, on the engine's new pool


def test_an_in_memory_database_survives_its_engine_being_disposed_first() -> None:
    engine = create_db_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    _inline_reader(engine).run(_count, {})
    engine.dispose()  # closes the one shared connection before the reader is told
