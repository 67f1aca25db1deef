"""The facts sources state: descriptions, definitions, uses and FAQs, each with its lines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from pydantic import BaseModel
from sqlalchemy import ColumnElement, or_
from sqlalchemy.engine import Connection
from sqlmodel import col
from starlette.responses import Response

from app import schemas
from app.api.deps import ConnectionDep
from app.api.params import (
    AspectFilter,
    DisciplineFilter,
    PageDep,
    SourceFilter,
    TextFilter,
)
from app.api.responses import page_response
from app.api.routing import read_router
from app.lookup import ASPECTS, DISCIPLINES, SOURCES, require_filter
from app.models import Definition, Description, DisciplineUse, Faq
from app.pagination import PageParams, Sort, SortKey, paginate, sort_columns
from app.queries import (
    definition_select,
    description_select,
    faq_select,
    to_definition,
    to_description,
    to_faq,
    to_use,
    use_select,
)
from app.sql import AnySelect, contains_text

router = read_router("facts")

IdSort = Annotated[
    Literal["id", "-id"],
    Query(description="`id` is the order the facts stand in their sources; `-id` reverses it."),
]


def _sorts(table: Any) -> dict[str, Sort]:
    return {
        "id": Sort("id", (SortKey(col(table.id)),)),
        "-id": Sort("-id", (SortKey(col(table.id), descending=True),)),
    }


def _filters(
    connection: Connection, table: Any, *, discipline: str | None = None, source: str | None = None
) -> list[ColumnElement[bool]]:
    conditions = []
    if discipline is not None:
        term = require_filter(connection, DISCIPLINES, "discipline", discipline)
        conditions.append(col(table.discipline_id) == term.id)
    if source is not None:
        term = require_filter(connection, SOURCES, "source", source)
        conditions.append(col(table.source_id) == term.id)
    return conditions


@dataclass(frozen=True)
class _Facts:
    """How one kind of fact is listed: its table, query, response item and text columns."""

    table: Any
    select: Callable[[], AnySelect]
    to_item: Callable[[Any], BaseModel]
    text_columns: tuple[str, ...]


DESCRIPTIONS = _Facts(
    Description, description_select, to_description,
    ("aspect.slug", "discipline.slug", "source.slug", "text"),
)  # fmt: skip
DEFINITIONS = _Facts(
    Definition, definition_select, to_definition, ("discipline.slug", "source.slug", "text")
)
USES = _Facts(DisciplineUse, use_select, to_use, ("discipline.slug", "title", "text"))
FAQS = _Facts(Faq, faq_select, to_faq, ("question", "answer"))


def _respond(
    request: Request,
    connection: Connection,
    page: PageParams,
    facts: _Facts,
    conditions: list[ColumnElement[bool]],
    sort: str,
) -> Response:
    order = _sorts(facts.table)[sort]
    query = facts.select().where(*conditions).add_columns(*sort_columns(order))
    result = paginate(connection, query, order, page, request)
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
    connection: ConnectionDep,
    page: PageDep,
    aspect: AspectFilter = None,
    discipline: DisciplineFilter = None,
    source: SourceFilter = None,
    q: TextFilter = None,
    sort: IdSort = "id",
) -> Response:
    conditions = _filters(connection, Description, discipline=discipline, source=source)
    if aspect is not None:
        term = require_filter(connection, ASPECTS, "aspect", aspect)
        conditions.append(col(Description.aspect_id) == term.id)
    if q:
        conditions.append(
            or_(contains_text(col(Description.text), q), contains_text(col(Description.label), q))
        )
    return _respond(request, connection, page, DESCRIPTIONS, conditions, sort)


@router.get(
    "/definitions", response_model=schemas.Page[schemas.Definition], summary="List definitions"
)
def list_definitions(
    request: Request,
    connection: ConnectionDep,
    page: PageDep,
    discipline: DisciplineFilter = None,
    source: SourceFilter = None,
    sort: IdSort = "id",
) -> Response:
    conditions = _filters(connection, Definition, discipline=discipline, source=source)
    return _respond(request, connection, page, DEFINITIONS, conditions, sort)


@router.get(
    "/uses",
    response_model=schemas.Page[schemas.Use],
    summary="List uses",
    description='Items of the sources\' "Uses of <discipline>" lists.',
)
def list_uses(
    request: Request,
    connection: ConnectionDep,
    page: PageDep,
    discipline: DisciplineFilter = None,
    source: SourceFilter = None,
    sort: IdSort = "id",
) -> Response:
    conditions = _filters(connection, DisciplineUse, discipline=discipline, source=source)
    return _respond(request, connection, page, USES, conditions, sort)


@router.get("/faqs", response_model=schemas.Page[schemas.Faq], summary="List FAQs")
def list_faqs(
    request: Request,
    connection: ConnectionDep,
    page: PageDep,
    source: SourceFilter = None,
    q: TextFilter = None,
    sort: IdSort = "id",
) -> Response:
    conditions = _filters(connection, Faq, source=source)
    if q:
        conditions.append(
            or_(contains_text(col(Faq.question), q), contains_text(col(Faq.answer), q))
        )
    return _respond(request, connection, page, FAQS, conditions, sort)
