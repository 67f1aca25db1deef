"""Aspects: what the disciplines are compared on."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query, Request
from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.engine import Connection
from sqlmodel import col
from starlette.responses import Response

from app import schemas
from app.api.deps import ConnectionDep
from app.api.params import (
    DisciplineFilter,
    PageDep,
    SourceFilter,
    TextFilter,
)
from app.api.responses import page_response
from app.api.routing import read_router
from app.formats import Table, render
from app.lookup import ASPECTS, DISCIPLINES, SOURCES, require_filter, require_term
from app.models import Aspect, AspectAlias, Description
from app.pagination import Sort, SortKey, paginate, sort_columns
from app.queries import aliases_of, description_select, to_aspect_description
from app.sql import AnySelect, bytewise, contains_text

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
    connection: ConnectionDep,
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
    scope = _description_scope(connection, discipline, source)
    query = select(col(Aspect.id), col(Aspect.slug), col(Aspect.name), *sort_columns(SORTS[sort]))
    if scope is not None:
        query = query.where(exists().where(col(Description.aspect_id) == col(Aspect.id), *scope))
    if q:
        query = query.where(_matches(q))
    result = paginate(connection, query, SORTS[sort], page, request)
    ids = [row.id for row in result.rows]
    aliases = aliases_of(connection, Aspect, ids)
    embedded = _descriptions_of(connection, ids, scope or []) if include else {}
    items = [
        schemas.Aspect(
            slug=row.slug,
            name=row.name,
            aliases=aliases.get(row.id, []),
            descriptions=embedded.get(row.id, []) if include else None,
        )
        for row in result.rows
    ]
    return page_response(request, result, items, page.limit, text_columns=TEXT_COLUMNS)


@router.get(
    "/aspects/{key}",
    response_model=schemas.Aspect,
    summary="One aspect, with every description",
    description="`key` is the slug, the name or an alias, in any case, with or without spaces, "
    "hyphens and punctuation: `kpis`, `KPIs` and `key-performance-indicators-kpis` are one "
    "aspect. A miss answers 404 with `suggestions`.",
    responses={404: {"description": "No aspect matches; `suggestions` lists the closest keys."}},
)
def get_aspect(
    request: Request,
    connection: ConnectionDep,
    key: Annotated[str, Path(max_length=300, examples=["kpis", "Scope"])],
) -> Response:
    term = require_term(connection, ASPECTS, key)
    descriptions = _descriptions_of(connection, [term.id], [])[term.id]
    aspect = schemas.Aspect(
        slug=term.slug,
        name=term.name,
        aliases=aliases_of(connection, Aspect, [term.id]).get(term.id, []),
        descriptions=descriptions,
    )
    rows = [{"aspect": term.slug, **d.model_dump(mode="json")} for d in descriptions]
    text_columns = ("discipline.slug", "source.slug", "label", "text", "line_start")
    return render(request, aspect, Table(rows, text_columns=text_columns))


def _description_scope(
    connection: Connection, discipline: str | None, source: str | None
) -> list[ColumnElement[bool]] | None:
    """Conditions on descriptions that the discipline and source filters impose."""
    conditions = []
    if discipline is not None:
        term = require_filter(connection, DISCIPLINES, "discipline", discipline)
        conditions.append(col(Description.discipline_id) == term.id)
    if source is not None:
        term = require_filter(connection, SOURCES, "source", source)
        conditions.append(col(Description.source_id) == term.id)
    return conditions or None


def _matches(text: str) -> ColumnElement[bool]:
    return or_(
        contains_text(col(Aspect.name), text),
        exists().where(
            col(AspectAlias.aspect_id) == col(Aspect.id),
            contains_text(col(AspectAlias.alias), text),
        ),
        exists().where(
            col(Description.aspect_id) == col(Aspect.id),
            or_(
                contains_text(col(Description.text), text),
                contains_text(col(Description.label), text),
            ),
        ),
    )


def _descriptions_of(
    connection: Connection, aspect_ids: list[int], scope: list[ColumnElement[bool]]
) -> dict[int, list[schemas.AspectDescription]]:
    query: AnySelect = description_select().where(
        col(Description.aspect_id).in_(aspect_ids), *scope
    )
    query = query.order_by(
        col(Description.source_id), col(Description.position), col(Description.id)
    )
    found: dict[int, list[schemas.AspectDescription]] = {aspect_id: [] for aspect_id in aspect_ids}
    for row in connection.execute(query):
        found[row.aspect_id].append(to_aspect_description(row))
    return found
