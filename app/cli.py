"""The ``versus`` command: serve the API and manage the database schema."""

from __future__ import annotations

import functools
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import orjson
import psycopg
import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.config import Settings, SettingsError, get_settings, redact_url
from app.store import migrate
from app.store.engines import Timeouts, create_db_engine
from app.store.models import Source
from seed.load import DEFAULT_MAX_BYTES, LoadOptions, load_sources
from seed.manifest import Attribution, Manifest, SourceSpec, load_manifest
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
    settings = _settings()
    timeouts = Timeouts(
        connect=settings.db_connect_timeout,
        pool=settings.db_pool_timeout,
        statement=settings.db_statement_timeout,
    )
    return create_db_engine(settings.database_url, timeouts=timeouts)


Command = TypeVar("Command", bound=Callable[..., Any])
UNCHANGED = "nothing was imported; the database is unchanged"

# What a database failure means and what to do, by words of the driver's message.
_FAILURES = (
    (("database or disk is full", "no space left", "disk full"),
     "the disk is full (or the database reached its size limit)",
     "free some space and run the command again"),
    (("readonly database", "read-only", "read only"),
     "it is read-only",
     "run versus as a user who can write the file and its folder, or use a writable copy"),
    (("database is locked", "database table is locked"),
     "another process holds its lock",
     "wait for it to finish (a `versus seed`?) and run the command again"),
    (("unable to open database file",),
     "the file cannot be opened",
     "check that its folder exists and that versus may read and write both"),
    (("file is not a database", "malformed"),
     "the file is not a SQLite database, or is damaged",
     "check VERSUS_DATABASE_URL, or restore the file from a backup"),
    (("password authentication failed", "no password supplied", "role"),
     "the server refused the user or password",
     "check them in VERSUS_DATABASE_URL"),
    (("does not exist",),
     "the server has no such database",
     "create it, or correct its name in VERSUS_DATABASE_URL"),
    (("connection refused", "could not connect", "connection failed", "timeout expired",
      "could not translate host name", "name or service not known", "server closed"),
     "the server does not answer",
     "check that it is running and that VERSUS_DATABASE_URL names its host and port"),
)  # fmt: skip


def _database_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the database failing (full, read-only, locked, unreachable), not a
    bug: those are answered with one line, a bug with its traceback."""
    driver = exc.orig if isinstance(exc, DBAPIError) else exc
    return isinstance(driver, sqlite3.OperationalError | psycopg.OperationalError) or (
        type(driver) is sqlite3.DatabaseError  # "file is not a database", a damaged file
    )


def describe_database_failure(exc: BaseException, url: str) -> str:
    """One line: the database (its password hidden), what is wrong, and what to do."""
    driver = exc.orig if isinstance(exc, DBAPIError) else exc
    message = str(driver).strip()
    lowered = message.lower()
    first = message.splitlines()[0] if message else type(driver).__name__
    wrong, advice = next(
        ((wrong, advice) for words, wrong, advice in _FAILURES if any(w in lowered for w in words)),
        (first, "check VERSUS_DATABASE_URL and the database"),
    )
    return redact_url(f"database {url}: {wrong}; {advice}")


def _database_errors(*, after: str | None = None) -> Callable[[Command], Command]:
    """Run the command, turning a database failure into ``versus: error: database …``, one
    line (and ``after``), with exit status 1, instead of a traceback with SQL in it."""

    def decorate(command: Command) -> Command:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return command(*args, **kwargs)
            except (DBAPIError, sqlite3.Error, psycopg.Error) as exc:
                if not _database_failure(exc):
                    raise
                url = _settings().database_url
                typer.echo(f"versus: error: {describe_database_failure(exc, url)}", err=True)
                if after:
                    typer.echo(f"versus: {after}", err=True)
                raise typer.Exit(1) from None

        return run  # type: ignore[return-value]

    return decorate


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind [VERSUS_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [VERSUS_PORT].", min=1, max=65535)] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes [VERSUS_WORKERS].", min=1)
    ] = None,
) -> None:
    """Serve the API (the database must be migrated: `versus db upgrade`)."""
    from app import server  # the web app: only this command needs it loaded

    settings = _settings()
    server.serve(
        settings,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
    )


@cli.command()
@_database_errors(after=UNCHANGED)
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
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole report as JSON, and nothing else.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="List every skipped segment: lines, reason, text."),
    ] = False,
    url: Annotated[
        str | None, typer.Option(help="Where the PATHs were found (http or https).")
    ] = None,
    author: Annotated[str | None, typer.Option(help="Who wrote the PATHs.")] = None,
    licence: Annotated[str | None, typer.Option(help="The terms the PATHs are used under.")] = None,
    retrieved: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="The day the PATHs were retrieved (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Load source documents into the database, in one transaction, and print the report."""
    given = {"url": url, "author": author, "licence": licence,
             "retrieved": retrieved.date() if retrieved else None}  # fmt: skip
    attribution = _attribution(given, bool(paths))
    engine = _engine()
    _require_migrated(engine)
    if if_empty and (count := _source_count(engine)):
        # With --json, stdout is for the report alone.
        typer.echo(f"database already holds {count} source(s); nothing to seed", err=as_json)
        return
    manifest = _manifest()
    specs = [manifest.spec_for(path) for path in paths] if paths else list(manifest.sources)
    if attribution:
        specs = [_attributed(spec, attribution) for spec in specs]
    options = LoadOptions(strict=strict, dry_run=dry_run, force=force, max_bytes=max_bytes)
    try:
        with SeedProgress(specs) as progress:
            report = load_sources(engine, specs, manifest, options, progress)
    except* SourceError as failed:
        for line in _error_lines(failed.exceptions):
            typer.echo(f"versus: error: {line}", err=True)
        typer.echo(f"versus: {UNCHANGED}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        # Piped output is for reading later: the width of a terminal, so it reads the same.
        render(report, Console(highlight=False, width=None if sys.stdout.isatty() else 80),
               verbose=verbose)  # fmt: skip


def _attribution(given: dict[str, Any], has_paths: bool) -> dict[str, Any]:
    """The attribution options given, validated; they describe PATHs, so need some."""
    chosen = {name: value for name, value in given.items() if value is not None}
    if chosen and not has_paths:
        typer.echo(
            "versus: error: --url, --author, --licence and --retrieved describe the PATHs "
            "given; the bundled sources take theirs from seed/sources.toml",
            err=True,
        )
        raise typer.Exit(2)
    try:
        Attribution.model_validate(chosen)
    except ValidationError as exc:
        first = exc.errors()[0]
        typer.echo(f"versus: error: --{first['loc'][0]}: {first['msg']}", err=True)
        raise typer.Exit(2) from None
    return chosen


def _attributed(spec: SourceSpec, given: dict[str, Any]) -> SourceSpec:
    """``spec`` with the options given in place of its manifest's attribution."""
    values = {**spec.attribution.model_dump(exclude_none=True), **given}
    return replace(spec, attribution=Attribution.model_validate(values))


def _error_lines(errors: Sequence[BaseException]) -> list[str]:
    """Every error the load found, one a line: an exception carrying several (``errors``)
    gives each of them; a message of several lines gives each line."""
    lines: list[str] = []
    for error in errors:
        nested = getattr(error, "errors", None)
        if isinstance(nested, list | tuple) and nested:
            lines.extend(_error_lines([e if isinstance(e, BaseException) else Exception(str(e))
                                       for e in nested]))  # fmt: skip
        else:
            lines.extend(line for line in str(error).splitlines() if line.strip())
    return lines


def _manifest() -> Manifest:
    try:
        return load_manifest()
    except* SourceError as failed:
        for line in _error_lines(failed.exceptions):
            typer.echo(f"versus: error: {line}", err=True)
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
@_database_errors()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    engine = _engine()
    migrate.upgrade(engine, revision)
    _report_current(engine)


@db_cli.command()
@_database_errors()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
) -> None:
    """Revert migrations down to REVISION (`base` empties the database)."""
    engine = _engine()
    migrate.downgrade(engine, revision)
    _report_current(engine)


@db_cli.command()
@_database_errors()
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
