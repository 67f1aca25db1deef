"""Change tracking: the one design every write path uses.

Every committed change gets the next dataset version. A write transaction takes it with
:func:`begin_changes`, which increments ``dataset_meta.version`` and so holds that row's lock
until the transaction ends: a second writer waits there, and versions are ordered by commit.
Every tracked row (:class:`app.store.models.Tracked`) the transaction writes is stamped with
the version (``revision``, and ``created_revision`` when it is new), and every created, updated
or deleted row leaves one :class:`app.store.models.Change` row, in the same transaction.

- ORM writes are tracked at flush: a session with pending changes begins them itself.
- Core statements that write to a tracked table begin the changes themselves
  (:func:`_track_statement`), and inserts and updates get their stamps from the columns'
  defaults, so no write path can forget. A write the hooks cannot see (PostgreSQL's ``COPY``
  in :mod:`app.store.bulk`) calls :func:`track_bulk_write` and stamps its rows itself.
- Deletes, ORM or Core, record their rows before they go, and touch
  the rows they belonged to (an aspect loses a description: the aspect changed).
- At commit, one statement per table records the rows stamped with the version.

Foreign-key cascades delete rows the database removes by itself, unseen: write paths delete
children explicitly first.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Delete, Insert, Table, Update, case, event, func, literal, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import Pool

from app.store.models import (
    Aspect,
    AspectAlias,
    Change,
    Definition,
    Description,
    Discipline,
    DisciplineAlias,
    DisciplineUse,
    Faq,
    Source,
    Tracked,
)

_KEY = "versus_changes"

# Valid on SQLite (3.24+) and PostgreSQL alike; creates the single row, with a new epoch, the
# first time (after a reset too).
_BUMP = text(
    "INSERT INTO dataset_meta (id, version, epoch, created_at, updated_at) "
    "VALUES (1, 1, :epoch, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) "
    "ON CONFLICT (id) DO UPDATE SET version = dataset_meta.version + 1, "
    "updated_at = CURRENT_TIMESTAMP "
    "RETURNING version"
)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


# Tracked tables, and the foreign keys of the rows a deleted row belongs to.
PARENTS: dict[str, tuple[tuple[str, Table], ...]] = {
    "source": (),
    "discipline": (),
    "aspect": (),
    "discipline_alias": (("discipline_id", _table(Discipline)),),
    "aspect_alias": (("aspect_id", _table(Aspect)),),
    "description": (
        ("aspect_id", _table(Aspect)),
        ("discipline_id", _table(Discipline)),
        ("source_id", _table(Source)),
    ),
    "definition": (("discipline_id", _table(Discipline)), ("source_id", _table(Source))),
    "discipline_use": (("discipline_id", _table(Discipline)), ("source_id", _table(Source))),
    "faq": (("source_id", _table(Source)),),
}
TRACKED: tuple[Table, ...] = tuple(
    _table(model)
    for model in (
        Source, Discipline, DisciplineAlias, Aspect, AspectAlias,
        Description, Definition, DisciplineUse, Faq,
    )
)  # fmt: skip
_BY_NAME = {table.name: table for table in TRACKED}
_CHANGE = _table(Change)


@dataclass
class Changes:
    """The changes of one write transaction: its version, and the tables it wrote to."""

    version: int
    written: set[str] = field(default_factory=set)


class UntrackedWrite(RuntimeError):
    """A tracked table was written to by a transaction that did not begin its changes."""


def begin_changes(session: OrmSession | Connection) -> int:
    """Take the next dataset version for the caller's transaction (once; later calls return it)."""
    connection = session.connection() if isinstance(session, OrmSession) else session
    changes = connection.info.get(_KEY)
    if changes is None:
        version = int(connection.execute(_BUMP, {"epoch": secrets.token_hex(8)}).scalar_one())
        changes = connection.info[_KEY] = Changes(version)
    assert isinstance(changes, Changes)
    return changes.version


def current_changes(connection: Connection) -> Changes | None:
    changes = connection.info.get(_KEY)
    return changes if isinstance(changes, Changes) else None


def track_bulk_write(connection: Connection, table: str) -> int:
    """Begin the changes of a write the statement hooks do not see (PostgreSQL's ``COPY``, a
    statement sent to the driver) and record ``table`` as written; returns the version the
    rows written must carry (``revision``, and ``created_revision`` for new rows), so that
    :func:`finish_changes` records them at commit like any others."""
    version = begin_changes(connection)
    changes = current_changes(connection)
    assert changes is not None
    changes.written.add(table)
    return version


def stamp_revision(context: Any) -> int:
    """Column default of ``revision`` and ``created_revision``: the transaction's version."""
    changes = current_changes(context.root_connection)
    if changes is None:
        raise UntrackedWrite(
            "a write to a tracked table outside a transaction that began its changes "
            "(call app.store.changes.begin_changes first)"
        )
    return changes.version


def finish_changes(connection: Connection) -> None:
    """Record one change row per row this transaction created or updated (deletes are recorded
    as they happen)."""
    changes = current_changes(connection)
    if changes is None:
        return
    for name in sorted(changes.written):
        table = _BY_NAME[name]
        op = case(
            (table.c.created_revision == changes.version, literal("create")),
            else_=literal("update"),
        )
        rows = select(
            literal(changes.version), literal(name), table.c.id, op, func.current_timestamp()
        ).where(table.c.revision == changes.version)
        connection.execute(_CHANGE.insert().from_select(_CHANGE_COLUMNS, rows))
    changes.written.clear()


_CHANGE_COLUMNS = ["version", "entity", "entity_id", "op", "changed_at"]


def _forget(connection: Connection) -> None:
    connection.info.pop(_KEY, None)


# -- Core statements -----------------------------------------------------------------------


@event.listens_for(Engine, "before_execute")
def _track_statement(
    connection: Connection, clause: Any, multiparams: Any, params: Any, _options: Any
) -> None:
    """Begin the changes of a statement that writes to a tracked table; record a delete's
    rows, and touch the rows they belong to, before they go."""
    if not isinstance(clause, Insert | Update | Delete):
        return
    table = clause.table
    if not isinstance(table, Table) or table.name not in _BY_NAME:
        return
    version = begin_changes(connection)
    changes = current_changes(connection)
    assert changes is not None
    if not isinstance(clause, Delete):
        changes.written.add(table.name)
        return
    condition = clause.whereclause
    parameter_sets = [*multiparams] if multiparams else [params or {}]
    if len(parameter_sets) == 1 and isinstance(parameter_sets[0], list):
        parameter_sets = parameter_sets[0]
    for values in parameter_sets:
        rows = select(
            literal(version), literal(table.name), table.c.id, literal("delete"),
            func.current_timestamp(),
        )  # fmt: skip
        if condition is not None:
            rows = rows.where(condition)
        connection.execute(_CHANGE.insert().from_select(_CHANGE_COLUMNS, rows), values)
        for fk, parent in PARENTS[table.name]:
            owners = select(table.c[fk])
            if condition is not None:
                owners = owners.where(condition)
            touch = (
                parent.update()
                .where(parent.c.id.in_(owners), parent.c.revision != version)
                .values(revision=version)
            )
            connection.execute(touch, values)


# -- ORM sessions --------------------------------------------------------------------------


def _tracked(instance: Any) -> bool:
    return isinstance(instance, Tracked)


@event.listens_for(OrmSession, "before_flush")
def _stamp_flushed(session: OrmSession, _context: Any, _instances: Any) -> None:
    new = [obj for obj in session.new if _tracked(obj)]
    dirty = [obj for obj in session.dirty if _tracked(obj) and session.is_modified(obj)]
    deleted = [obj for obj in session.deleted if _tracked(obj)]
    if not (new or dirty or deleted):
        return
    version = begin_changes(session)
    changes = current_changes(session.connection())
    assert changes is not None
    for obj in new:
        obj.revision = obj.created_revision = version
        changes.written.add(obj.__tablename__)
    for obj in dirty:
        obj.revision = version
        changes.written.add(obj.__tablename__)


@event.listens_for(OrmSession, "before_commit")
def _finish_at_commit(session: OrmSession) -> None:
    # before_commit runs before the final flush: flush first, so pending rows are counted.
    if session.in_nested_transaction():
        return
    if session.get_transaction() is None:
        return
    session.flush()
    finish_changes(session.connection())


@event.listens_for(Pool, "checkin")
def _forget_returned(_dbapi_connection: Any, record: Any) -> None:
    # Connection.info lives with the pooled connection: whatever ended its transaction, a
    # connection back in the pool carries no changes into its next checkout.
    record.info.pop(_KEY, None)


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget_connection(connection: Connection) -> None:
    _forget(connection)
