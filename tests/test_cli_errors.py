"""A database that fails under the `versus` command (full, read-only, locked, unreachable) is
reported in one line naming the database, its password hidden, with what to do: never a
traceback with SQL in it. A failed seed leaves the database as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

import app.cli
from app.cli import cli, describe_database_failure
from app.config import get_settings
from app.store import migrate
from app.store.engines import create_db_engine
from tests.seed_helpers import snapshot

FULL = (
    "the disk is full (or the database reached its size limit); free some space and run the "
    "command again"
)


@pytest.fixture
def database_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A migrated SQLite file (a full disk is SQLite's to simulate), named by the settings."""
    url = f"sqlite:///{tmp_path / 'versus.db'}"
    engine = create_db_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("VERSUS_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _filling_up(monkeypatch: pytest.MonkeyPatch, spare_pages: int) -> None:
    """Engines the command makes grow their file by at most ``spare_pages`` pages: SQLite's
    ``max_page_count`` answers a write past it as a full disk does (SQLITE_FULL)."""

    def create(url: str, **options: Any) -> Engine:
        engine = create_db_engine(url, **options)

        @event.listens_for(engine, "connect")
        def _cap(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + spare_pages}")

        return engine

    monkeypatch.setattr(app.cli, "create_db_engine", create)


def test_a_full_disk_during_seed_is_one_line_and_changes_nothing(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(create_db_engine(database_url))
    _filling_up(monkeypatch, spare_pages=4)
    result = CliRunner().invoke(cli, ["seed"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-2:] == [
        f"versus: error: database {database_url}: {FULL}",
        "versus: nothing was imported; the database is unchanged",
    ]
    assert "Traceback" not in result.output
    assert "INSERT" not in result.output
    assert snapshot(create_db_engine(database_url)) == before


def test_an_unreachable_server_is_one_line_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "postgresql+psycopg://versus:s3cret@127.0.0.1:1/none?connect_timeout=2"
    monkeypatch.setenv("VERSUS_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["db", "current"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert result.stderr == (
        "versus: error: database postgresql+psycopg://versus:***@127.0.0.1:1/none?"
        "connect_timeout=2: the server does not answer; check that it is running and that "
        "VERSUS_DATABASE_URL names its host and port\n"
    )
    assert "s3cret" not in result.output


def _failure(message: str) -> OperationalError:
    return OperationalError("INSERT INTO aspect …", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (_failure("database or disk is full"), FULL),
        (
            _failure("attempt to write a readonly database"),
            "it is read-only; run versus as a user who can write the file and its folder, or "
            "use a writable copy",
        ),
        (
            _failure("database is locked"),
            "another process holds its lock; wait for it to finish (a `versus seed`?) and run "
            "the command again",
        ),
        (
            _failure("unable to open database file"),
            "the file cannot be opened; check that its folder exists and that versus may read "
            "and write both",
        ),
        (
            sqlite3.DatabaseError("file is not a database"),
            "the file is not a SQLite database, or is damaged; check VERSUS_DATABASE_URL, or "
            "restore the file from a backup",
        ),
        (
            psycopg.OperationalError(
                'connection failed: FATAL:  password authentication failed for user "versus"'
            ),
            "the server refused the user or password; check them in VERSUS_DATABASE_URL",
        ),
        (
            psycopg.OperationalError('connection failed: FATAL:  database "x" does not exist'),
            "the server has no such database; create it, or correct its name in "
            "VERSUS_DATABASE_URL",
        ),
        (
            psycopg.errors.DiskFull("could not extend file: No space left on device"),
            FULL,
        ),
        (
            _failure("disk I/O error\nmore detail"),
            "disk I/O error; check VERSUS_DATABASE_URL and the database",
        ),
    ],
)
def test_each_database_failure_says_what_to_do(error: BaseException, says: str) -> None:
    url = "postgresql+psycopg://versus:s3cret@db/versus"
    assert describe_database_failure(error, url) == (
        f"database postgresql+psycopg://versus:***@db/versus: {says}"
    )
