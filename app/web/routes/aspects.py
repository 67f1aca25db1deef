"""Aspects: what the disciplines are compared on."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query, Request
from sqlalchemy.engine import Connection
from starlette.responses import Response

from app.store.dialect import contained_value
from app.store.lookup import ASPECTS, require_term
from app.store.reads.aspects import (
    SORTS,
    descriptions_of,
    list_select,
    scope_binds,
)
from app.store.reads.common import (
    aspect_aliases,
    revision_of,
)
from app.web import schemas
from app.web.declare import DATASET_RESOURCE
from app.web.pagination import paginate
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
    binds = scope_binds(connection, discipline, source)
    if q:
        binds["q"] = contained_value(q)
    query = list_select(SORTS[sort], "discipline_id" in binds, "source_id" in binds, bool(q))
    result = paginate(connection, query, SORTS[sort], page, request, binds)
    ids = [row.id for row in result.rows]
    aliases = aspect_aliases(connection, ids)
    embedded = descriptions_of(connection, ids, binds) if include else {}
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
    descriptions = descriptions_of(connection, [term.id], {})[term.id]
    aspect = schemas.Aspect(
        slug=term.slug,
        name=term.name,
        aliases=aspect_aliases(connection, [term.id]).get(term.id, []),
        descriptions=descriptions,
    )

    def table() -> Table:
        rows = [{"aspect": term.slug, **description} for description in descriptions]
        text_columns = ("discipline.slug", "source.slug", "label", "text", "line_start")
        return Table(rows, text_columns=text_columns)

    revision = revision_of(connection, "aspect", term.id)
    return render(request, aspect, table, revision=revision)
