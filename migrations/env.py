"""Alembic environment: runs migrations on the engine the caller passes, or on the settings' one.

``render_as_batch`` makes autogenerate write SQLite-safe batch operations (SQLite cannot alter
most constraints in place); on PostgreSQL batch operations run as plain ALTERs.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import app.store.models  # noqa: F401  (registers the tables on the metadata)
from app.config import get_settings
from app.store.engines import create_db_engine
from app.store.search_index import is_search_index_name

config = context.config
target_metadata = SQLModel.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    return create_db_engine(get_settings().database_url)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # The full-text index (an FTS5 table and its shadow tables on SQLite, expression indexes on
    # PostgreSQL) is made by app.store.search_index, not declared on the models: autogenerate
    # must not propose to drop it.
    return not is_search_index_name(name)


def run_migrations_offline() -> None:
    context.configure(
        url=get_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it: with foreign keys enforced, dropping the old
            # copy of a referenced table fails. Off for the migration (outside any
            # transaction, where the pragma takes effect), checked and back on after it.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_name=include_name,
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise RuntimeError(f"a migration broke a foreign key: {tuple(broken)}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
