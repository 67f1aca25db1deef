"""The ``versus`` command: serve the API and manage the database schema."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn
from sqlalchemy.engine import Engine

from app import migrate
from app.config import Settings, SettingsError, get_settings
from app.db import create_db_engine

cli = typer.Typer(
    name="versus",
    help="versus: a REST API serving a comparison dataset with provenance.",
    no_args_is_help=True,
    add_completion=False,
)
db_cli = typer.Typer(help="Manage the database schema (Alembic migrations).", no_args_is_help=True)
cli.add_typer(db_cli, name="db")


@db_cli.callback()
def _db_logging() -> None:
    # Show Alembic's "Running upgrade …" lines: the record of what a migration command did.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.INFO)


def _settings() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        typer.echo(f"versus: {exc}", err=True)
        raise typer.Exit(2) from None


def _engine() -> Engine:
    return create_db_engine(_settings().database_url)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind [VERSUS_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [VERSUS_PORT].", min=1, max=65535)] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes [VERSUS_WORKERS].", min=1)
    ] = None,
) -> None:
    """Serve the API (the database must be migrated: `versus db upgrade`)."""
    settings = _settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_level=settings.log_level,
        proxy_headers=True,
    )


@db_cli.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    engine = _engine()
    migrate.upgrade(engine, revision)
    _report_current(engine)


@db_cli.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
) -> None:
    """Revert migrations down to REVISION (`base` empties the database)."""
    engine = _engine()
    migrate.downgrade(engine, revision)
    _report_current(engine)


@db_cli.command()
def current() -> None:
    """Print the database's migration and the newest one the code has."""
    _report_current(_engine())


def _report_current(engine: Engine) -> None:
    with engine.connect() as connection:
        revision = migrate.current_revision(connection)
    head = migrate.head_revision()
    state = "up to date" if revision == head else f"behind head {head}"
    typer.echo(f"database at {revision or 'base (empty)'} ({state})")


def main() -> None:
    cli()
