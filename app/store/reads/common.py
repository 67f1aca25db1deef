"""Read queries: SQLAlchemy Core selects with the columns each response needs, and the mapping
from their rows to response models. Core rows rather than ORM objects keep the read path lean.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select, union_all
from sqlalchemy.engine import Connection
from sqlmodel import col

from app.store.dialect import AnySelect, SQLColumn, fetch
from app.store.models import (
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


# Facts and their references as the API serialises them: plain dicts with the keys in the order
# of their schema's fields (app.web.schemas documents the shapes). Building a pydantic model costs
# several times what building the dict does, for a response that is only ever serialised.
Fact = dict[str, Any]


def source_ref(row: Any) -> Fact:
    return {"slug": row.source_slug, "title": row.source_title, "file": row.source_file}


def discipline_ref(row: Any) -> Fact:
    return {"slug": row.discipline_slug, "name": row.discipline_name}


def aspect_ref(row: Any) -> Fact:
    return {"slug": row.aspect_slug, "name": row.aspect_name}


def _fact_select(
    table: Any, fields: tuple[str, ...], extra: tuple[SQLColumn, ...], *, aspect: bool = False
) -> AnySelect:
    """A fact's own columns and line span, with its source, discipline and aspect references."""
    columns = [col(getattr(table, name)) for name in ("id", *fields, "line_start", "line_end")]
    has_discipline = hasattr(table, "discipline_id")
    query = select(
        *columns,
        *(_ASPECT_COLUMNS if aspect else ()),
        *(_DISCIPLINE_COLUMNS if has_discipline else ()),
        *_SOURCE_COLUMNS,
        *extra,
    )
    if aspect:
        query = query.join(Aspect, col(Aspect.id) == col(table.aspect_id))
    if has_discipline:
        query = query.join(Discipline, col(Discipline.id) == col(table.discipline_id))
    return query.join(Source, col(Source.id) == col(table.source_id))


# Built once each: constructing a joined select costs more than running it.
@cache
def description_select(*extra: SQLColumn) -> AnySelect:
    return _fact_select(Description, ("aspect_id", "label", "text"), extra, aspect=True)


@cache
def definition_select(*extra: SQLColumn) -> AnySelect:
    return _fact_select(Definition, ("text",), extra)


@cache
def use_select(*extra: SQLColumn) -> AnySelect:
    return _fact_select(DisciplineUse, ("title", "text", "position"), extra)


@cache
def faq_select(*extra: SQLColumn) -> AnySelect:
    return _fact_select(Faq, ("question", "answer", "position"), extra)


def to_description(row: Any) -> Fact:
    """A row of :func:`description_select` as a :class:`app.web.schemas.Description`."""
    return {
        "id": row.id, "aspect": aspect_ref(row), "discipline": discipline_ref(row),
        "source": source_ref(row), "label": row.label, "text": row.text,
        "line_start": row.line_start, "line_end": row.line_end,
    }  # fmt: skip


def to_aspect_description(row: Any) -> Fact:
    """A row of :func:`description_select` as a :class:`app.web.schemas.AspectDescription`."""
    return {
        "id": row.id, "discipline": discipline_ref(row), "source": source_ref(row),
        "label": row.label, "text": row.text,
        "line_start": row.line_start, "line_end": row.line_end,
    }  # fmt: skip


def to_definition(row: Any) -> Fact:
    """A row of :func:`definition_select` as a :class:`app.web.schemas.Definition`."""
    return {
        "id": row.id, "discipline": discipline_ref(row), "source": source_ref(row),
        "text": row.text, "line_start": row.line_start, "line_end": row.line_end,
    }  # fmt: skip


def to_use(row: Any) -> Fact:
    """A row of :func:`use_select` as a :class:`app.web.schemas.Use`."""
    return {
        "id": row.id, "discipline": discipline_ref(row), "source": source_ref(row),
        "title": row.title, "text": row.text, "position": row.position,
        "line_start": row.line_start, "line_end": row.line_end,
    }  # fmt: skip


def to_faq(row: Any) -> Fact:
    """A row of :func:`faq_select` as a :class:`app.web.schemas.Faq`."""
    return {
        "id": row.id, "source": source_ref(row), "question": row.question,
        "answer": row.answer, "position": row.position,
        "line_start": row.line_start, "line_end": row.line_end,
    }  # fmt: skip


@cache
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
        col(Source.url),
        col(Source.author),
        col(Source.licence),
        col(Source.retrieved),
        col(Source.line_count),
        *extra,
    )


def ids_param(name: str = "ids") -> Any:
    """A bound list of ids for ``column.in_(…)``, expanded when the statement runs."""
    return bindparam(name, expanding=True)


def aspect_aliases(connection: Connection, ids: Iterable[int]) -> dict[int, list[str]]:
    """Aspect id → its aliases."""
    return aliases_of(connection, Aspect, ids)


def discipline_aliases(connection: Connection, ids: Iterable[int]) -> dict[int, list[str]]:
    """Discipline id → its aliases."""
    return aliases_of(connection, Discipline, ids)


def aliases_of(connection: Connection, table: Any, ids: Iterable[int]) -> dict[int, list[str]]:
    """Term id → its aliases, for the aspects or disciplines ``ids``."""
    found: dict[int, list[str]] = defaultdict(list)
    ids = list(ids)
    if not ids:
        return found
    for term_id, name in fetch(connection, _aliases_select(table), {"ids": ids}):
        found[term_id].append(name)
    return found


@cache
def _aliases_select(table: Any) -> AnySelect:
    alias, fk = (
        (AspectAlias, AspectAlias.aspect_id)
        if table is Aspect
        else (DisciplineAlias, DisciplineAlias.discipline_id)
    )
    return (
        select(col(fk), col(alias.alias))
        .where(col(fk).in_(ids_param()))
        .order_by(col(fk), col(alias.id))
    )


def _latest(*parts: Any) -> AnySelect:
    rows = union_all(*(select(part.label("r")) for part in parts)).subquery()
    return select(func.max(rows.c.r))


def _revisions_of(model: Any, condition: Any) -> Any:
    return select(func.max(col(model.revision))).where(condition).scalar_subquery()


def _of_facts(model: Any, facts: Any, fact_fk: Any) -> Any:
    owners = select(col(fact_fk)).where(col(facts) == bindparam("id"))
    return _revisions_of(model, col(model.id).in_(owners))


@cache
def _aspect_revision() -> AnySelect:
    this: Any = bindparam("id")
    return _latest(
        _revisions_of(Aspect, col(Aspect.id) == this),
        _revisions_of(AspectAlias, col(AspectAlias.aspect_id) == this),
        _revisions_of(Description, col(Description.aspect_id) == this),
        _of_facts(Discipline, Description.aspect_id, Description.discipline_id),
        _of_facts(Source, Description.aspect_id, Description.source_id),
    )


@cache
def _discipline_revision() -> AnySelect:
    this: Any = bindparam("id")
    return _latest(
        _revisions_of(Discipline, col(Discipline.id) == this),
        _revisions_of(DisciplineAlias, col(DisciplineAlias.discipline_id) == this),
        _revisions_of(Definition, col(Definition.discipline_id) == this),
        _revisions_of(DisciplineUse, col(DisciplineUse.discipline_id) == this),
        _of_facts(Source, Definition.discipline_id, Definition.source_id),
        _of_facts(Source, DisciplineUse.discipline_id, DisciplineUse.source_id),
    )


@cache
def _source_revision() -> AnySelect:
    return select(col(Source.revision)).where(col(Source.id) == bindparam("id"))


_REVISIONS = {"aspect": _aspect_revision, "discipline": _discipline_revision,
              "source": _source_revision}  # fmt: skip


def revision_of(connection: Connection, kind: str, term_id: int) -> int:
    """The latest revision of the rows the ``kind`` resource ``term_id`` shows: its own, its
    aliases', its facts', and those of the disciplines and sources they name. Deleting a row
    touches the rows it belonged to (app.store.changes), so the latest never goes back."""
    value = fetch(connection, _REVISIONS[kind](), {"id": term_id})[0][0]
    return int(value or 0)
