"""Migrations and models agree, and the migrations run both ways, on the backend under test."""

from __future__ import annotations

from sqlalchemy import inspect

from app.store import migrate
from app.store.engines import create_db_engine
from app.store.models import SQLModel
from app.store.search_index import is_search_index_name


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        # The full-text index's tables (FTS5 and its shadows) are not models; leave them out.
        return {n for n in inspect(engine).get_table_names() if not is_search_index_name(n)}
    finally:
        engine.dispose()


def test_round_trip(empty_database_url: str) -> None:
    engine = create_db_engine(empty_database_url)
    try:
        migrate.upgrade(engine, "head")
        migrate.check(engine)  # raises if the models and the migrations disagree
        assert _tables(empty_database_url) == set(SQLModel.metadata.tables) | {"alembic_version"}

        migrate.downgrade(engine, "base")
        assert _tables(empty_database_url) <= {"alembic_version"}

        migrate.upgrade(engine, "head")
        migrate.check(engine)
        with engine.connect() as connection:
            assert migrate.current_revision(connection) == migrate.head_revision()
    finally:
        engine.dispose()


def test_there_is_one_head() -> None:
    assert migrate.head_revision() is not None
