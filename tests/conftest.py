"""Fixtures: a fresh database per test, on SQLite (default) or PostgreSQL.

SQLite gets a new in-memory database per test. PostgreSQL gets one database per run, with the
schema created once and every table emptied after each test, which is as fresh and much faster
than creating a database per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import app.store.models  # noqa: F401  (registers the tables)
from app.config import Settings, load_settings
from app.main import create_app
from app.store.engines import create_db_engine
from tests.databases import TEST_DATABASE_URL, backend_name, check_server, temporary_database


def pytest_report_header() -> str:
    return f"versus database backend: {backend_name()}"


def pytest_configure(config: pytest.Config) -> None:
    if TEST_DATABASE_URL and (problem := check_server()) is not None:
        # A run that was asked to test PostgreSQL must fail, not quietly test SQLite only.
        pytest.exit(f"VERSUS_TEST_DATABASE_URL is set but unreachable: {problem}", returncode=3)


@pytest.fixture(scope="session")
def _postgres_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine | None]:
    if not TEST_DATABASE_URL:
        yield None
        return
    with temporary_database(tmp_path_factory.mktemp("db")) as url:
        engine = create_db_engine(url)
        SQLModel.metadata.create_all(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def engine(_postgres_engine: Engine | None) -> Iterator[Engine]:
    if _postgres_engine is None:
        engine = create_db_engine("sqlite://")
        SQLModel.metadata.create_all(engine)
        yield engine
        engine.dispose()
        return
    yield _postgres_engine
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with _postgres_engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all, for migration tests."""
    with temporary_database(tmp_path) as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture
def settings() -> Settings:
    return load_settings(_env_file=None)


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine), raise_server_exceptions=False) as test_client:
        yield test_client
