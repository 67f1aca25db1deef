"""Disciplines: what is compared (Production Management, Operations Management, …)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query, Request
from sqlalchemy.engine import Connection
from starlette.responses import Response

from app.store.dialect import contained_value, fetch
from app.store.lookup import DISCIPLINES, require_term
from app.store.reads.common import (
    discipline_aliases,
    revision_of,
    to_definition,
    to_use,
)
from app.store.reads.disciplines import SORTS, definitions_select, list_select, uses_select
from app.web import schemas
from app.web.declare import DATASET_RESOURCE
from app.web.pagination import paginate
from app.web.params import PageDep, TextFilter
from app.web.renderers import Table
from app.web.responses import page_response, render
from app.web.routing import read_router

router = read_router("disciplines")


@router.get(
    "/disciplines",
    response_model=schemas.Page[schemas.Discipline],
    summary="List disciplines",
)
def list_disciplines(
    request: Request,
    connection: Connection,
    page: PageDep,
    q: TextFilter = None,
    sort: Annotated[
        Literal["slug", "-slug", "name", "-name"], Query(description="Order, `-` for descending.")
    ] = "slug",
) -> Response:
    binds = {"q": contained_value(q)} if q else {}
    result = paginate(
        connection, list_select(SORTS[sort], bool(q)), SORTS[sort], page, request, binds
    )
    aliases = discipline_aliases(connection, [row.id for row in result.rows])
    items = [
        schemas.Discipline(slug=row.slug, name=row.name, aliases=aliases.get(row.id, []))
        for row in result.rows
    ]
    return page_response(request, result, items, page.limit)


@router.get(
    declaration=DATASET_RESOURCE,
    path="/disciplines/{key}",
    response_model=schemas.Discipline,
    summary="One discipline, with its definitions and uses",
    description="`key` is the slug, the name or an alias (`Production`, `operation management`), "
    "in any case. A miss answers 404 with `suggestions`.",
    responses={404: {"description": "No discipline matches; `suggestions` lists close keys."}},
)
def get_discipline(
    request: Request,
    connection: Connection,
    key: Annotated[str, Path(max_length=300, examples=["operations-management", "Production"])],
) -> Response:
    term = require_term(connection, DISCIPLINES, key)
    definitions = fetch(connection, definitions_select(), {"discipline_id": term.id})
    uses = fetch(connection, uses_select(), {"discipline_id": term.id})
    discipline = schemas.Discipline(
        slug=term.slug,
        name=term.name,
        aliases=discipline_aliases(connection, [term.id]).get(term.id, []),
        definitions=[to_definition(row) for row in definitions],
        uses=[to_use(row) for row in uses],
    )

    def table() -> Table:
        rows = [
            {"kind": "definition", "title": None, **d.model_dump(mode="json")}
            for d in discipline.definitions or []
        ] + [{"kind": "use", **u.model_dump(mode="json")} for u in discipline.uses or []]
        text_columns = ("kind", "source.slug", "title", "text", "line_start")
        return Table(rows, text_columns=text_columns)

    revision = revision_of(connection, "discipline", term.id)
    return render(request, discipline, table, revision=revision)
