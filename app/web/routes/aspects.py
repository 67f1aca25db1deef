"""Aspects: what the disciplines are compared on."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request
from sqlalchemy import ColumnElement, bindparam, exists, or_, select
from sqlalchemy.engine import Connection
from sqlmodel import col
from starlette.responses import Response

from app.store.lookup import ASPECTS, DISCIPLINES, SOURCES, require_filter, require_term
from app.store.models import Aspect, AspectAlias, Description
from app.store.queries import (
    Fact,
    aliases_of,
    description_select,
    ids_param,
    revision_of,
    to_aspect_description,
)
from app.store.sql import AnySelect, bytewise, contained_value, contains_param, fetch
from app.web import schemas
from app.web.declare import DATASET_RESOURCE
from app.web.pagination import Sort, SortKey, paginate, sort_columns
from app.web.params import (
    DisciplineFilter,
    PageDep,
    SourceFilter,
    TextFilter,
)
from app.web.renderers import Table
from app.web.responses import page_response, render
from app.web.routing import read_router

router = read_router("aspects")

SORTS = {
    name: Sort(name, (SortKey(column, descending), SortKey(col(Aspect.id), descending)))
    for name, column, descending in (
        ("slug", bytewise(col(Aspect.slug)), False),
        ("-slug", bytewise(col(Aspect.slug)), True),
        ("name", bytewise(col(Aspect.name)), False),
        ("-name", bytewise(col(Aspect.name)), True),
    )
}
AspectSort = Literal["slug", "-slug", "name", "-name"]
TEXT_COLUMNS = ("slug", "name", "aliases")


@router.get(
    "/aspects",
    response_model=schemas.Page[schemas.Aspect],
    summary="List aspects",
    description="Aspects, filtered by the disciplines and sources that describe them or by text "
    "in their name, aliases or descriptions; `include=descriptions` embeds the descriptions.",
)
def list_aspects(
    request: Request,
    connection: Connection,
    page: PageDep,
    discipline: DisciplineFilter = None,
    source: SourceFilter = None,
    q: TextFilter = None,
    sort: Annotated[AspectSort, Query(description="Order, `-` for descending.")] = "slug",
    include: Annotated[
        Literal["descriptions"] | None,
        Query(description="`descriptions` embeds each aspect's descriptions."),
    ] = None,
) -> Response:
    binds = _scope_binds(connection, discipline, source)
    if q:
        binds["q"] = contained_value(q)
    query = _list_select(SORTS[sort], "discipline_id" in binds, "source_id" in binds, bool(q))
    result = paginate(connection, query, SORTS[sort], page, request, binds)
    ids = [row.id for row in result.rows]
    aliases = aliases_of(connection, Aspect, ids)
    embedded = _descriptions_of(connection, ids, binds) if include else {}
    # Shaped as schemas.Aspect serialises: "descriptions" only when asked for.
    items = [
        {"slug": row.slug, "name": row.name, "aliases": aliases.get(row.id, [])}
        for row in result.rows
    ]
    if include:
        for item, row in zip(items, result.rows, strict=True):
            item["descriptions"] = embedded.get(row.id, [])
    return page_response(request, result, items, page.limit, text_columns=TEXT_COLUMNS)


@router.get(
    declaration=DATASET_RESOURCE,
    path="/aspects/{key}",
    response_model=schemas.Aspect,
    summary="One aspect, with every description",
    description="`key` is the slug, the name or an alias, in any case, with or without spaces, "
    "hyphens and punctuation: `kpis`, `KPIs` and `key-performance-indicators-kpis` are one "
    "aspect. A miss answers 404 with `suggestions`.",
    responses={404: {"description": "No aspect matches; `suggestions` lists the closest keys."}},
)
def get_aspect(
    request: Request,
    connection: Connection,
    key: Annotated[str, Path(max_length=300, examples=["kpis", "Scope"])],
) -> Response:
    term = require_term(connection, ASPECTS, key)
    descriptions = _descriptions_of(connection, [term.id], {})[term.id]
    aspect = schemas.Aspect(
        slug=term.slug,
        name=term.name,
        aliases=aliases_of(connection, Aspect, [term.id]).get(term.id, []),
        descriptions=descriptions,
    )

    def table() -> Table:
        rows = [{"aspect": term.slug, **description} for description in descriptions]
        text_columns = ("discipline.slug", "source.slug", "label", "text", "line_start")
        return Table(rows, text_columns=text_columns)

    revision = revision_of(connection, "aspect", term.id)
    return render(request, aspect, table, revision=revision)


def _scope_binds(
    connection: Connection, discipline: str | None, source: str | None
) -> dict[str, Any]:
    """The ids the discipline and source filters name, as the statements' bound parameters."""
    binds: dict[str, Any] = {}
    if discipline is not None:
        binds["discipline_id"] = require_filter(
            connection, DISCIPLINES, "discipline", discipline
        ).id
    if source is not None:
        binds["source_id"] = require_filter(connection, SOURCES, "source", source).id
    return binds


def _scope(discipline: bool, source: bool) -> list[ColumnElement[bool]]:
    """Conditions on descriptions that the discipline and source filters impose."""
    conditions = []
    if discipline:
        conditions.append(col(Description.discipline_id) == bindparam("discipline_id"))
    if source:
        conditions.append(col(Description.source_id) == bindparam("source_id"))
    return conditions


@cache
def _list_select(sort: Sort, discipline: bool, source: bool, text: bool) -> AnySelect:
    query = select(col(Aspect.id), col(Aspect.slug), col(Aspect.name), *sort_columns(sort))
    scope = _scope(discipline, source)
    if scope:
        query = query.where(exists().where(col(Description.aspect_id) == col(Aspect.id), *scope))
    if text:
        query = query.where(_matches())
    return query


def _matches() -> ColumnElement[bool]:
    return or_(
        contains_param(col(Aspect.name), "q"),
        exists().where(
            col(AspectAlias.aspect_id) == col(Aspect.id),
            contains_param(col(AspectAlias.alias), "q"),
        ),
        exists().where(
            col(Description.aspect_id) == col(Aspect.id),
            or_(
                contains_param(col(Description.text), "q"),
                contains_param(col(Description.label), "q"),
            ),
        ),
    )


def _descriptions_of(
    connection: Connection, aspect_ids: list[int], binds: dict[str, Any]
) -> dict[int, list[Fact]]:
    """Aspect id → its descriptions, within the discipline and source filters in ``binds``."""
    query = _descriptions_select("discipline_id" in binds, "source_id" in binds)
    values: dict[str, Any] = {"ids": aspect_ids}
    values |= {name: binds[name] for name in ("discipline_id", "source_id") if name in binds}
    found: dict[int, list[Fact]] = {aspect_id: [] for aspect_id in aspect_ids}
    for row in fetch(connection, query, values):
        found[row.aspect_id].append(to_aspect_description(row))
    return found


@cache
def _descriptions_select(discipline: bool, source: bool) -> AnySelect:
    query: AnySelect = description_select().where(
        col(Description.aspect_id).in_(ids_param()), *_scope(discipline, source)
    )
    return query.order_by(
        col(Description.source_id), col(Description.position), col(Description.id)
    )
