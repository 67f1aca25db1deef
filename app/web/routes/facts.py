"""The facts sources state: descriptions, definitions, uses and FAQs, each with its lines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from sqlalchemy import ColumnElement, bindparam, or_
from sqlalchemy.engine import Connection
from sqlmodel import col
from starlette.responses import Response

from app.store.lookup import ASPECTS, DISCIPLINES, SOURCES, require_filter
from app.store.models import Definition, Description, DisciplineUse, Faq
from app.store.queries import (
    Fact,
    definition_select,
    description_select,
    faq_select,
    to_definition,
    to_description,
    to_faq,
    to_use,
    use_select,
)
from app.store.sql import AnySelect, contained_value, contains_param
from app.web import schemas
from app.web.pagination import PageParams, Sort, SortKey, paginate, sort_columns
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


def _sorts(table: Any) -> dict[str, Sort]:
    return {
        "id": Sort("id", (SortKey(col(table.id)),)),
        "-id": Sort("-id", (SortKey(col(table.id), descending=True),)),
    }


@dataclass(frozen=True, eq=False)
class _Facts:
    """How one kind of fact is listed: its table, query, response item and text columns."""

    table: Any
    select: Callable[[], AnySelect]
    to_item: Callable[[Any], Fact]
    text_columns: tuple[str, ...]
    searched: tuple[str, ...] = ()  # the columns `q` looks in
    sorts: dict[str, Sort] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sorts", _sorts(self.table))


DESCRIPTIONS = _Facts(
    Description, description_select, to_description,
    ("aspect.slug", "discipline.slug", "source.slug", "text"), ("text", "label"),
)  # fmt: skip
DEFINITIONS = _Facts(
    Definition, definition_select, to_definition, ("discipline.slug", "source.slug", "text")
)
USES = _Facts(DisciplineUse, use_select, to_use, ("discipline.slug", "title", "text"))
FAQS = _Facts(Faq, faq_select, to_faq, ("question", "answer"), ("question", "answer"))
# Filters a request can give, as the bound parameters their values go to.
_KEY_FILTERS = (
    ("aspect", "aspect_id", ASPECTS),
    ("discipline", "discipline_id", DISCIPLINES),
    ("source", "source_id", SOURCES),
)


def _respond(
    request: Request,
    connection: Connection,
    page: PageParams,
    facts: _Facts,
    sort: str,
    q: str | None = None,
    **keys: str | None,
) -> Response:
    """A page of ``facts``, filtered by text and by the keys of an aspect, discipline, source."""
    binds: dict[str, Any] = {}
    for name, param, vocabulary in _KEY_FILTERS:
        if keys.get(name) is not None:
            binds[param] = require_filter(connection, vocabulary, name, str(keys[name])).id
    if q:
        binds["q"] = contained_value(q)
    order = facts.sorts[sort]
    query = _list_select(facts, order, tuple(sorted(binds)))
    result = paginate(connection, query, order, page, request, binds)
    items = [facts.to_item(row) for row in result.rows]
    return page_response(request, result, items, page.limit, text_columns=facts.text_columns)


@cache
def _list_select(facts: _Facts, order: Sort, filters: tuple[str, ...]) -> AnySelect:
    conditions: list[ColumnElement[bool]] = []
    for name in filters:
        if name == "q":
            columns = (col(getattr(facts.table, field)) for field in facts.searched)
            conditions.append(or_(*(contains_param(column, "q") for column in columns)))
        else:
            conditions.append(col(getattr(facts.table, name)) == bindparam(name))
    return facts.select().where(*conditions).add_columns(*sort_columns(order))


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
