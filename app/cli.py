"""The ``versus`` command: serve the API and manage the database schema."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
import uvicorn
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings, SettingsError, get_settings
from app.store import migrate
from app.store.engines import create_db_engine
from app.store.models import Source
from seed.load import DEFAULT_MAX_BYTES, LoadOptions, load_sources
from seed.manifest import Manifest, load_manifest
from seed.progress import SeedProgress
from seed.records import SourceError
from seed.report import render

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
        loop=settings.loop,
        proxy_headers=False,  # the app believes VERSUS_TRUSTED_PROXIES alone
    )


@cli.command()
def seed(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to load (md, csv, html, txt); default: the bundled sources."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Parse and print the report; write nothing.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on any unparseable segment inside a table.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Re-import files that have not changed.")
    ] = False,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if any source is loaded already.")
    ] = False,
    max_bytes: Annotated[
        int, typer.Option(help="Largest file accepted, in bytes.", min=1)
    ] = DEFAULT_MAX_BYTES,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Load source documents into the database, in one transaction, and print the report."""
    engine = _engine()
    _require_migrated(engine)
    if if_empty and (count := _source_count(engine)):
        typer.echo(f"database already holds {count} source(s); nothing to seed")
        return
    manifest = _manifest()
    specs = [manifest.spec_for(path) for path in paths] if paths else list(manifest.sources)
    options = LoadOptions(strict=strict, dry_run=dry_run, force=force, max_bytes=max_bytes)
    try:
        with SeedProgress(specs) as progress:
            report = load_sources(engine, specs, manifest, options, progress)
    except SourceError as exc:
        typer.echo(f"versus: error: {exc}", err=True)
        typer.echo("versus: nothing was imported; the database is unchanged", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        # Piped output is for reading later: wide enough that no column is cut.
        render(report, Console(highlight=False, width=None if sys.stdout.isatty() else 160))


def _manifest() -> Manifest:
    try:
        return load_manifest()
    except SourceError as exc:
        typer.echo(f"versus: error: {exc}", err=True)
        raise typer.Exit(1) from None


def _require_migrated(engine: Engine) -> None:
    with engine.connect() as connection:
        revision = migrate.current_revision(connection)
    if revision != migrate.head_revision():
        typer.echo(
            f"versus: error: the database is at migration {revision or 'base'}, "
            f"not {migrate.head_revision()}; run `versus db upgrade` first",
            err=True,
        )
        raise typer.Exit(1)


def _source_count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(Source)).scalar_one())


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


if __name__ == "__main__":
    main()
