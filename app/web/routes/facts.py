"""The facts sources state: descriptions, definitions, uses and FAQs, each with its lines."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query, Request
from sqlalchemy.engine import Connection
from starlette.responses import Response

from app.store.dialect import contained_value
from app.store.lookup import require_filter
from app.store.reads.facts import (
    DEFINITIONS,
    DESCRIPTIONS,
    FAQS,
    KEY_FILTERS,
    USES,
    Facts,
    list_select,
)
from app.web import schemas
from app.web.pagination import PageParams, paginate
from app.web.params import (
    AspectFilter,
    DisciplineFilter,
    PageDep,
    SourceFilter,
    TextFilter,
)
from app.web.responses import page_response
from app.web.routing import read_router

router = read_router("facts")

IdSort = Annotated[
    Literal["id", "-id"],
    Query(description="`id` is the order the facts stand in their sources; `-id` reverses it."),
]


def _respond(
    request: Request,
    connection: Connection,
    page: PageParams,
    facts: Facts,
    sort: str,
    q: str | None = None,
    **keys: str | None,
) -> Response:
    """A page of ``facts``, filtered by text and by the keys of an aspect, discipline, source."""
    binds: dict[str, Any] = {}
    for name, param, vocabulary in KEY_FILTERS:
        if keys.get(name) is not None:
            binds[param] = require_filter(connection, vocabulary, name, str(keys[name])).id
    if q:
        binds["q"] = contained_value(q)
    order = facts.sorts[sort]
    query = list_select(facts, order, tuple(sorted(binds)))
    result = paginate(connection, query, order, page, request, binds)
    items = [facts.to_item(row) for row in result.rows]
    return page_response(request, result, items, page.limit, text_columns=facts.text_columns)


@router.get(
    "/descriptions",
    response_model=schemas.Page[schemas.Description],
    summary="List descriptions",
    description="What each source says about each discipline on each aspect, with the lines.",
)
def list_descriptions(
    request: Request,
    connection: Connection,
    page: PageDep,
    aspect: AspectFilter = None,
    discipline: DisciplineFilter = None,
    source: SourceFilter = None,
    q: TextFilter = None,
    sort: IdSort = "id",
) -> Response:
    return _respond(
        request, connection, page, DESCRIPTIONS, sort, q,
        aspect=aspect, discipline=discipline, source=source,
    )  # fmt: skip


@router.get(
    "/definitions", response_model=schemas.Page[schemas.Definition], summary="List definitions"
)
def list_definitions(
    request: Request,
    connection: Connection,
    page: PageDep,
    discipline: DisciplineFilter = None,
    source: SourceFilter = None,
    sort: IdSort = "id",
) -> Response:
    return _respond(
        request, connection, page, DEFINITIONS, sort, discipline=discipline, source=source
    )


@router.get(
    "/uses",
    response_model=schemas.Page[schemas.Use],
    summary="List uses",
    description='Items of the sources\' "Uses of <discipline>" lists.',
)
def list_uses(
    request: Request,
    connection: Connection,
    page: PageDep,
    discipline: DisciplineFilter = None,
    source: SourceFilter = None,
    sort: IdSort = "id",
) -> Response:
    return _respond(request, connection, page, USES, sort, discipline=discipline, source=source)


@router.get("/faqs", response_model=schemas.Page[schemas.Faq], summary="List FAQs")
def list_faqs(
    request: Request,
    connection: Connection,
    page: PageDep,
    source: SourceFilter = None,
    q: TextFilter = None,
    sort: IdSort = "id",
) -> Response:
    return _respond(request, connection, page, FAQS, sort, q, source=source)
