"""The data model: SQLModel tables, one per entity, named in singular snake_case.

Natural keys are unique where a fact has one (a slug; the source, aspect and discipline of a
description), so loaders can upsert and writers can detect conflicts. Definitions, uses and FAQs
are matched by their text (``seed.identity``), and their positions are renumbered in place as a
source changes, so positions are ordered but not unique. Deleting a source deletes the facts it
stated; a discipline or aspect that facts still refer to cannot be deleted (``RESTRICT``) —
losing a fact must always be an explicit act. Every filter the read API offers has an index.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Deterministic constraint names, so migrations can refer to (and batch-alter) them on any backend.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SLUG = sa.String(200)
NAME = sa.String(300)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _timestamp(*, onupdate: bool = False) -> Any:
    kwargs: dict[str, Any] = {"server_default": sa.func.now()}
    if onupdate:
        kwargs["onupdate"] = utcnow
    return Field(
        default_factory=utcnow, sa_type=sa.DateTime(timezone=True), sa_column_kwargs=kwargs
    )


def _foreign_key(target: str, *, ondelete: Any) -> Any:
    return Field(foreign_key=target, ondelete=ondelete, index=True)


def _line_field() -> Any:
    return Field(ge=1, nullable=False)


class Timestamped(SQLModel):
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp(onupdate=True)


def _stamp(context: Any) -> int:
    # Stamped by app.store.changes from the version of the transaction that writes the row; a
    # write that began no tracked change fails there rather than storing a row with no revision.
    from app.store.changes import stamp_revision

    return stamp_revision(context)


def _revision(*, onupdate: bool) -> Any:
    kwargs: dict[str, Any] = {"default": _stamp, "server_default": "0"}
    if onupdate:
        kwargs["onupdate"] = _stamp
    return Field(default=None, sa_type=sa.BigInteger, nullable=False, index=onupdate,
                 sa_column_kwargs=kwargs)  # fmt: skip


class Tracked(Timestamped):
    """A row whose changes are tracked: ``revision`` is the dataset version of its last change,
    ``created_revision`` of its creation; each change also leaves a :class:`Change` row."""

    revision: int | None = _revision(onupdate=True)
    created_revision: int | None = _revision(onupdate=False)


class Source(Tracked, table=True):
    """A document the dataset was imported from."""

    __table_args__ = (sa.UniqueConstraint("slug"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_type=SLUG)
    title: str = Field(sa_type=NAME)
    file_name: str = Field(sa_type=NAME)
    format: str = Field(sa_type=sa.String(100))
    sha256: str = Field(sa_type=sa.String(64))
    imported_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    report: dict[str, Any] = Field(
        default_factory=dict,
        sa_type=sa.JSON,
        sa_column_kwargs={"server_default": "{}"},
        description="The import report: formats, counts, and skipped segments with reasons.",
    )
    url: str | None = Field(default=None, sa_type=sa.String(2000))
    author: str | None = Field(default=None, sa_type=NAME)
    licence: str | None = Field(default=None, sa_type=sa.String(200))
    retrieved: date | None = Field(default=None, sa_type=sa.Date)
    line_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class SourceText(SQLModel, table=True):
    """A block of a source's decoded lines, ``first_line`` to ``last_line``, stored as the
    zlib-compressed UTF-8 of the lines joined by ``"\\n"``.

    Apart from :class:`Source` so that reading a source never loads its text; in blocks so that a
    large file is stored as it streams and a range of lines is read without inflating the rest.
    Not tracked: the text changes only with its source, whose revision records the change.
    """

    __tablename__ = "source_text"
    __table_args__ = (sa.CheckConstraint("last_line >= first_line", name="line_span"),)

    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE", primary_key=True)
    first_line: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_line: int = Field()
    data: bytes = Field(sa_type=sa.LargeBinary)


class Discipline(Tracked, table=True):
    __table_args__ = (sa.UniqueConstraint("slug"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_type=SLUG)
    name: str = Field(sa_type=NAME)


class DisciplineAlias(Tracked, table=True):
    """Another name of a discipline; ``key`` is the normalised form that lookups match."""

    __tablename__ = "discipline_alias"
    __table_args__ = (sa.UniqueConstraint("key"),)

    id: int | None = Field(default=None, primary_key=True)
    discipline_id: int = _foreign_key("discipline.id", ondelete="CASCADE")
    alias: str = Field(sa_type=NAME)
    key: str = Field(sa_type=NAME)


class Aspect(Tracked, table=True):
    """Something disciplines are compared on (Focus, Scope, KPIs…)."""

    __table_args__ = (sa.UniqueConstraint("slug"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_type=SLUG)
    name: str = Field(sa_type=NAME, index=True)


class AspectAlias(Tracked, table=True):
    __tablename__ = "aspect_alias"
    __table_args__ = (sa.UniqueConstraint("key"),)

    id: int | None = Field(default=None, primary_key=True)
    aspect_id: int = _foreign_key("aspect.id", ondelete="CASCADE")
    alias: str = Field(sa_type=NAME)
    key: str = Field(sa_type=NAME)


class SourceFact(Tracked):
    """A fact a source states. ``imported_values`` is None while the fact is as the import wrote
    it; a curator who changes a field keeps, there, the value the import gave it (see
    :func:`app.store.curation.curate`), so a re-import compares the source with what it last
    imported and never overwrites the curator's value."""

    imported_values: dict[str, Any] | None = Field(
        default=None,
        sa_type=sa.JSON(none_as_null=True),
        description="The imported value of each field a curator changed; None: not curated.",
    )


class Description(SourceFact, table=True):
    """What one source says about one discipline on one aspect."""

    __table_args__ = (
        sa.UniqueConstraint("source_id", "aspect_id", "discipline_id"),
        sa.CheckConstraint("line_end >= line_start", name="line_span"),
    )

    id: int | None = Field(default=None, primary_key=True)
    aspect_id: int = _foreign_key("aspect.id", ondelete="RESTRICT")
    discipline_id: int = _foreign_key("discipline.id", ondelete="RESTRICT")
    # No index of its own: the unique key starts with it, and serves every lookup by source.
    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE")
    label: str = Field(sa_type=sa.String(500), description="The aspect as the source named it.")
    text: str = Field(sa_type=sa.Text)
    position: int = Field(ge=1, description="Order of the aspect within its source.")
    line_start: int = _line_field()
    line_end: int = _line_field()


class Definition(SourceFact, table=True):
    __table_args__ = (sa.CheckConstraint("line_end >= line_start", name="line_span"),)

    id: int | None = Field(default=None, primary_key=True)
    discipline_id: int = _foreign_key("discipline.id", ondelete="RESTRICT")
    source_id: int = _foreign_key("source.id", ondelete="CASCADE")
    text: str = Field(sa_type=sa.Text)
    position: int = Field(ge=1)
    line_start: int = _line_field()
    line_end: int = _line_field()


class DisciplineUse(SourceFact, table=True):
    """One item of a source's "Uses of <discipline>" list."""

    __tablename__ = "discipline_use"
    __table_args__ = (sa.CheckConstraint("line_end >= line_start", name="line_span"),)

    id: int | None = Field(default=None, primary_key=True)
    discipline_id: int = _foreign_key("discipline.id", ondelete="RESTRICT")
    source_id: int = _foreign_key("source.id", ondelete="CASCADE")
    title: str = Field(sa_type=NAME)
    text: str = Field(sa_type=sa.Text)
    position: int = Field(ge=1)
    line_start: int = _line_field()
    line_end: int = _line_field()


class Faq(SourceFact, table=True):
    __table_args__ = (sa.CheckConstraint("line_end >= line_start", name="line_span"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = _foreign_key("source.id", ondelete="CASCADE")
    question: str = Field(sa_type=sa.Text)
    answer: str = Field(sa_type=sa.Text)
    position: int = Field(ge=1)
    line_start: int = _line_field()
    line_end: int = _line_field()


class DatasetMeta(Timestamped, table=True):
    """A single row whose ``version`` every committed change bumps (caches key on it).

    ``epoch`` is drawn at random when the row is made: a database reset (downgrade to base,
    upgrade, load) starts the version again at 1, but in another epoch, so nothing that was
    labelled with the old epoch and version can be taken for current.
    """

    __tablename__ = "dataset_meta"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    version: int = Field(default=0, ge=0)
    epoch: str = Field(default="", sa_type=sa.String(32), sa_column_kwargs={"server_default": ""})


class Change(SQLModel, table=True):
    """One created, updated or deleted row, written in the transaction that changed it."""

    __tablename__ = "dataset_change"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(sa_type=sa.BigInteger, index=True)
    entity: str = Field(sa_type=sa.String(40), description="The table: aspect, description, …")
    entity_id: int = Field()
    op: str = Field(sa_type=sa.String(10), description="create, update or delete.")
    changed_at: datetime = _timestamp()


# The full-text index is DDL of its own (an FTS5 table with triggers, or tsvector columns); the
# import hooks it to the metadata so create_all builds it wherever the tables are built. Change
# tracking hooks every session and engine when imported: imported with the models, no write can
# come before it (a program that never imported it used to write untracked rows).
import app.store.changes  # noqa: E402
import app.store.search_index  # noqa: E402, F401
