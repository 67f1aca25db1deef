"""Throw-away databases for the tests, on SQLite or on the PostgreSQL server the run names.

``VERSUS_TEST_DATABASE_URL`` selects PostgreSQL: each database the tests need is created on that
server under a unique name and dropped afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from app.config import normalise_database_url

TEST_DATABASE_URL = os.environ.get("VERSUS_TEST_DATABASE_URL", "").strip()


def backend_name() -> str:
    return "postgresql" if TEST_DATABASE_URL else "sqlite"


def server_url() -> URL:
    return normalise_database_url(TEST_DATABASE_URL)


def check_server() -> str | None:
    """None if the PostgreSQL server answers, else why not."""
    engine = create_engine(server_url())
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means the run cannot test this backend
        return f"{exc.__class__.__name__}: {exc}".splitlines()[0]
    finally:
        engine.dispose()
    return None


@contextmanager
def temporary_database(folder: Path) -> Iterator[URL]:
    """A new, empty database: a file in ``folder`` on SQLite, a new database on PostgreSQL."""
    if not TEST_DATABASE_URL:
        yield URL.create("sqlite", database=str(folder / f"versus-{uuid.uuid4().hex[:8]}.db"))
        return
    name = f"versus_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server_url().set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
