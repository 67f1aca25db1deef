"""Read queries: SQLAlchemy Core selects with the columns each response needs, and the mapping
from their rows to response models. Core rows rather than ORM objects keep the read path lean.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import col

from app import schemas
from app.models import (
    Aspect,
    AspectAlias,
    Definition,
    Description,
    Discipline,
    DisciplineAlias,
    DisciplineUse,
    Faq,
    Source,
)
from app.sql import AnySelect, SQLColumn

_SOURCE_COLUMNS: tuple[SQLColumn, ...] = (
    col(Source.slug).label("source_slug"),
    col(Source.title).label("source_title"),
    col(Source.file_name).label("source_file"),
)
_DISCIPLINE_COLUMNS: tuple[SQLColumn, ...] = (
    col(Discipline.slug).label("discipline_slug"),
    col(Discipline.name).label("discipline_name"),
)
_ASPECT_COLUMNS: tuple[SQLColumn, ...] = (
    col(Aspect.slug).label("aspect_slug"),
    col(Aspect.name).label("aspect_name"),
)


def source_ref(row: Any) -> schemas.SourceRef:
    return schemas.SourceRef(slug=row.source_slug, title=row.source_title, file=row.source_file)


def discipline_ref(row: Any) -> schemas.DisciplineRef:
    return schemas.DisciplineRef(slug=row.discipline_slug, name=row.discipline_name)


def aspect_ref(row: Any) -> schemas.AspectRef:
    return schemas.AspectRef(slug=row.aspect_slug, name=row.aspect_name)


@cache  # built once: constructing a joined select costs more than running it
def description_select(*extra: SQLColumn) -> AnySelect:
    return (
        select(
            col(Description.id),
            col(Description.aspect_id),
            col(Description.label),
            col(Description.text),
            col(Description.line_start),
            col(Description.line_end),
            *_ASPECT_COLUMNS,
            *_DISCIPLINE_COLUMNS,
            *_SOURCE_COLUMNS,
            *extra,
        )
        .join(Aspect, col(Aspect.id) == col(Description.aspect_id))
        .join(Discipline, col(Discipline.id) == col(Description.discipline_id))
        .join(Source, col(Source.id) == col(Description.source_id))
    )


def to_description(row: Any) -> schemas.Description:
    return schemas.Description(
        id=row.id,
        aspect=aspect_ref(row),
        discipline=discipline_ref(row),
        source=source_ref(row),
        label=row.label,
        text=row.text,
        line_start=row.line_start,
        line_end=row.line_end,
    )


def to_aspect_description(row: Any) -> schemas.AspectDescription:
    return schemas.AspectDescription(
        id=row.id,
        discipline=discipline_ref(row),
        source=source_ref(row),
        label=row.label,
        text=row.text,
        line_start=row.line_start,
        line_end=row.line_end,
    )


@cache  # built once: constructing a joined select costs more than running it
def definition_select(*extra: SQLColumn) -> AnySelect:
    return (
        select(
            col(Definition.id),
            col(Definition.text),
            col(Definition.line_start),
            col(Definition.line_end),
            *_DISCIPLINE_COLUMNS,
            *_SOURCE_COLUMNS,
            *extra,
        )
        .join(Discipline, col(Discipline.id) == col(Definition.discipline_id))
        .join(Source, col(Source.id) == col(Definition.source_id))
    )


def to_definition(row: Any) -> schemas.Definition:
    return schemas.Definition(
        id=row.id,
        discipline=discipline_ref(row),
        source=source_ref(row),
        text=row.text,
        line_start=row.line_start,
        line_end=row.line_end,
    )


@cache  # built once: constructing a joined select costs more than running it
def use_select(*extra: SQLColumn) -> AnySelect:
    return (
        select(
            col(DisciplineUse.id),
            col(DisciplineUse.title),
            col(DisciplineUse.text),
            col(DisciplineUse.position),
            col(DisciplineUse.line_start),
            col(DisciplineUse.line_end),
            *_DISCIPLINE_COLUMNS,
            *_SOURCE_COLUMNS,
            *extra,
        )
        .join(Discipline, col(Discipline.id) == col(DisciplineUse.discipline_id))
        .join(Source, col(Source.id) == col(DisciplineUse.source_id))
    )


def to_use(row: Any) -> schemas.Use:
    return schemas.Use(
        id=row.id,
        discipline=discipline_ref(row),
        source=source_ref(row),
        title=row.title,
        text=row.text,
        position=row.position,
        line_start=row.line_start,
        line_end=row.line_end,
    )


@cache  # built once: constructing a joined select costs more than running it
def faq_select(*extra: SQLColumn) -> AnySelect:
    return select(
        col(Faq.id),
        col(Faq.question),
        col(Faq.answer),
        col(Faq.position),
        col(Faq.line_start),
        col(Faq.line_end),
        *_SOURCE_COLUMNS,
        *extra,
    ).join(Source, col(Source.id) == col(Faq.source_id))


def to_faq(row: Any) -> schemas.Faq:
    return schemas.Faq(
        id=row.id,
        source=source_ref(row),
        question=row.question,
        answer=row.answer,
        position=row.position,
        line_start=row.line_start,
        line_end=row.line_end,
    )


@cache  # built once: constructing a joined select costs more than running it
def source_select(*extra: SQLColumn) -> AnySelect:
    return select(
        col(Source.id),
        col(Source.slug),
        col(Source.title),
        col(Source.file_name),
        col(Source.format),
        col(Source.sha256),
        col(Source.imported_at),
        col(Source.report),
        *extra,
    )


def to_source(source: Any, *, with_report: bool = False) -> schemas.Source:
    """A source from a :func:`source_select` row."""
    report = source.report or {}
    return schemas.Source(
        slug=source.slug,
        title=source.title,
        file=source.file_name,
        formats=[f for f in source.format.split(",") if f],
        sha256=source.sha256,
        # SQLite hands back naive datetimes; every timestamp the service stores is UTC.
        imported_at=source.imported_at.replace(tzinfo=source.imported_at.tzinfo or UTC),
        counts=dict(report.get("counts", {})),
        report=report if with_report else None,
    )


def aliases_of(connection: Connection, table: Any, ids: Iterable[int]) -> dict[int, list[str]]:
    """Term id → its aliases, for the aspects or disciplines ``ids``."""
    alias, fk = (
        (AspectAlias, AspectAlias.aspect_id)
        if table is Aspect
        else (DisciplineAlias, DisciplineAlias.discipline_id)
    )
    query = (
        select(col(fk), col(alias.alias))
        .where(col(fk).in_(list(ids)))
        .order_by(col(fk), col(alias.id))
    )
    found: dict[int, list[str]] = defaultdict(list)
    for term_id, name in connection.execute(query):
        found[term_id].append(name)
    return found
