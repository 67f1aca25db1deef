"""Disciplines: what is compared (Production Management, Operations Management, …)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query, Request
from sqlalchemy import select
from sqlmodel import col
from starlette.responses import Response

from app import schemas
from app.api.deps import ConnectionDep
from app.api.params import PageDep, TextFilter
from app.api.responses import page_response
from app.api.routing import read_router
from app.formats import Table, render
from app.lookup import DISCIPLINES, require_term
from app.models import Definition, Discipline, DisciplineUse
from app.pagination import Sort, SortKey, paginate, sort_columns
from app.queries import aliases_of, definition_select, to_definition, to_use, use_select
from app.sql import bytewise, contains_text

router = read_router("disciplines")

SORTS = {
    name: Sort(name, (SortKey(column, descending), SortKey(col(Discipline.id), descending)))
    for name, column, descending in (
        ("slug", bytewise(col(Discipline.slug)), False),
        ("-slug", bytewise(col(Discipline.slug)), True),
        ("name", bytewise(col(Discipline.name)), False),
        ("-name", bytewise(col(Discipline.name)), True),
    )
}


@router.get(
    "/disciplines",
    response_model=schemas.Page[schemas.Discipline],
    summary="List disciplines",
)
def list_disciplines(
    request: Request,
    connection: ConnectionDep,
    page: PageDep,
    q: TextFilter = None,
    sort: Annotated[
        Literal["slug", "-slug", "name", "-name"], Query(description="Order, `-` for descending.")
    ] = "slug",
) -> Response:
    query = select(
        col(Discipline.id), col(Discipline.slug), col(Discipline.name), *sort_columns(SORTS[sort])
    )
    if q:
        query = query.where(contains_text(col(Discipline.name), q))
    result = paginate(connection, query, SORTS[sort], page, request)
    aliases = aliases_of(connection, Discipline, [row.id for row in result.rows])
    items = [
        schemas.Discipline(slug=row.slug, name=row.name, aliases=aliases.get(row.id, []))
        for row in result.rows
    ]
    return page_response(request, result, items, page.limit)


@router.get(
    "/disciplines/{key}",
    response_model=schemas.Discipline,
    summary="One discipline, with its definitions and uses",
    description="`key` is the slug, the name or an alias (`Production`, `operation management`), "
    "in any case. A miss answers 404 with `suggestions`.",
    responses={404: {"description": "No discipline matches; `suggestions` lists close keys."}},
)
def get_discipline(
    request: Request,
    connection: ConnectionDep,
    key: Annotated[str, Path(max_length=300, examples=["operations-management", "Production"])],
) -> Response:
    term = require_term(connection, DISCIPLINES, key)
    definitions = connection.execute(
        definition_select()
        .where(col(Definition.discipline_id) == term.id)
        .order_by(col(Definition.source_id), col(Definition.position))
    )
    uses = connection.execute(
        use_select()
        .where(col(DisciplineUse.discipline_id) == term.id)
        .order_by(col(DisciplineUse.source_id), col(DisciplineUse.position))
    )
    discipline = schemas.Discipline(
        slug=term.slug,
        name=term.name,
        aliases=aliases_of(connection, Discipline, [term.id]).get(term.id, []),
        definitions=[to_definition(row) for row in definitions],
        uses=[to_use(row) for row in uses],
    )
    rows = [
        {"kind": "definition", "title": None, **d.model_dump(mode="json")}
        for d in discipline.definitions or []
    ] + [{"kind": "use", **u.model_dump(mode="json")} for u in discipline.uses or []]
    text_columns = ("kind", "source.slug", "title", "text", "line_start")
    return render(request, discipline, Table(rows, text_columns=text_columns))
