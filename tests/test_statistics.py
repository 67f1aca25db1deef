"""Loads leave SQLite's query planner statistics behind, so filters use the selective index."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.seed_helpers import load_bundled

# An aspect's descriptions in one discipline, as the aspects list's discipline filter asks.
_FILTER = (
    "SELECT aspect.id FROM aspect WHERE EXISTS (SELECT * FROM description "
    "WHERE description.aspect_id = aspect.id AND description.discipline_id = 1)"
)


@pytest.fixture
def sqlite_engine(engine: Engine) -> Engine:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's autovacuum gathers statistics itself")
    return engine


def _statistics(engine: Engine) -> int:
    with engine.connect() as connection:
        exists = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        if not connection.exec_driver_sql(exists).scalar_one():
            return 0
        return int(connection.exec_driver_sql("SELECT count(*) FROM sqlite_stat1").scalar_one())


def _plan(engine: Engine) -> str:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {_FILTER}").all()
    return " / ".join(str(row[-1]) for row in rows)


def test_a_load_gathers_statistics_and_filters_use_the_aspect_index(
    sqlite_engine: Engine,
) -> None:
    load_bundled(sqlite_engine)
    assert _statistics(sqlite_engine) > 0
    # Per aspect, its few descriptions, not the discipline's half of them all.
    assert "ix_description_aspect_id" in _plan(sqlite_engine)


def test_an_unchanged_load_gathers_statistics_a_database_lacks(sqlite_engine: Engine) -> None:
    load_bundled(sqlite_engine)
    with sqlite_engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE sqlite_stat1")
    assert _statistics(sqlite_engine) == 0
    report = load_bundled(sqlite_engine)
    assert {source.status for source in report.sources} == {"unchanged"}
    assert _statistics(sqlite_engine) > 0


def test_a_dry_run_gathers_nothing(sqlite_engine: Engine) -> None:
    load_bundled(sqlite_engine, dry_run=True)
    assert _statistics(sqlite_engine) == 0
