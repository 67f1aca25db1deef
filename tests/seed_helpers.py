"""Helpers for loader tests: load sources, and snapshot a database to prove it unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from seed.load import LoadOptions, load_sources
from seed.manifest import load_manifest
from seed.report import ImportReport

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_bundled(engine: Engine, **options: Any) -> ImportReport:
    manifest = load_manifest()
    return load_sources(engine, manifest.sources, manifest, LoadOptions(**options))


def load_files(engine: Engine, *paths: Path, **options: Any) -> ImportReport:
    manifest = load_manifest()
    specs = [manifest.spec_for(path) for path in paths]
    return load_sources(engine, specs, manifest, LoadOptions(**options))


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in primary-key order: equal snapshots, unchanged database."""
    with Session(engine) as session:
        return {
            table.name: [
                tuple(row) for row in session.execute(select(table).order_by(*table.primary_key))
            ]
            for table in SQLModel.metadata.sorted_tables
        }


def contents(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Like :func:`snapshot` without ids, timestamps, reports and version: what the data says."""
    ignored = {"id", "created_at", "updated_at", "imported_at", "report", "version", "epoch",
               "revision", "created_revision", "changed_at"}  # fmt: skip
    with Session(engine) as session:
        result = {}
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "dataset_change":  # what changed, not what the data says
                continue
            columns = [column for column in table.columns if column.name not in ignored]
            if not columns:
                continue
            rows = session.execute(select(*columns)).all()
            result[table.name] = sorted(repr(tuple(row)) for row in rows)
        return result  # type: ignore[return-value]
