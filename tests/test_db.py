"""SQLite engine tuning: these run on a SQLite file whatever backend the run tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.store.engines import SQLITE_BUSY_TIMEOUT_MS, create_db_engine, write_session


@pytest.fixture
def sqlite_file_engine(tmp_path: Path) -> Engine:
    engine = create_db_engine(f"sqlite:///{tmp_path}/nested/folder/versus.db")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)"))
    return engine


def _pragma(engine: Engine, name: str) -> object:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_database_folder_is_created(tmp_path: Path, sqlite_file_engine: Engine) -> None:
    assert (tmp_path / "nested" / "folder" / "versus.db").is_file()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("foreign_keys", 1),
        ("journal_mode", "wal"),
        ("busy_timeout", SQLITE_BUSY_TIMEOUT_MS),
        ("synchronous", 1),
    ],
)
def test_connection_pragmas(sqlite_file_engine: Engine, pragma: str, expected: object) -> None:
    assert _pragma(sqlite_file_engine, pragma) == expected


def _second_writer(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=0.05, isolation_level=None)


def test_write_session_takes_the_write_lock_at_begin(sqlite_file_engine: Engine) -> None:
    path = sqlite_file_engine.url.database
    assert path is not None
    with write_session(sqlite_file_engine) as session:
        session.execute(text("SELECT 1"))  # no write yet, but IMMEDIATE already holds the lock
        other = _second_writer(path)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_read_session_does_not_block_writers(sqlite_file_engine: Engine) -> None:
    path = sqlite_file_engine.url.database
    assert path is not None
    with Session(sqlite_file_engine) as session:
        session.execute(text("SELECT count(*) FROM item"))
        other = _second_writer(path)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO item (name) VALUES ('written while a reader is open')")
        other.execute("COMMIT")
        other.close()


def test_write_session_commits_or_rolls_back(sqlite_file_engine: Engine) -> None:
    with write_session(sqlite_file_engine) as session:
        session.execute(text("INSERT INTO item (name) VALUES ('kept')"))
    with pytest.raises(RuntimeError, match="abort"):
        _insert_then_fail(sqlite_file_engine)
    with sqlite_file_engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM item")).scalars().all()
    assert names == ["kept"]


def _insert_then_fail(engine: Engine) -> None:
    with write_session(engine) as session:
        session.execute(text("INSERT INTO item (name) VALUES ('lost')"))
        raise RuntimeError("abort")
