"""Reads of the facts sources state: descriptions, definitions, uses and FAQs, with their
filters and orders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_
from sqlmodel import col

from app.store.dialect import AnySelect, contains_param
from app.store.keyset import Sort, SortKey, sort_columns
from app.store.lookup import ASPECTS, DISCIPLINES, SOURCES
from app.store.models import Definition, Description, DisciplineUse, Faq
from app.store.reads.common import (
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


def sorts(table: Any) -> dict[str, Sort]:
    return {
        "id": Sort("id", (SortKey(col(table.id)),)),
        "-id": Sort("-id", (SortKey(col(table.id), descending=True),)),
    }


@dataclass(frozen=True, eq=False)
class Facts:
    """How one kind of fact is listed: its table, query, response item and text columns."""

    table: Any
    select: Callable[[], AnySelect]
    to_item: Callable[[Any], Fact]
    text_columns: tuple[str, ...]
    searched: tuple[str, ...] = ()  # the columns `q` looks in
    sorts: dict[str, Sort] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sorts", sorts(self.table))


DESCRIPTIONS = Facts(
    Description, description_select, to_description,
    ("aspect.slug", "discipline.slug", "source.slug", "text"), ("text", "label"),
)  # fmt: skip


DEFINITIONS = Facts(
    Definition, definition_select, to_definition, ("discipline.slug", "source.slug", "text")
)


USES = Facts(DisciplineUse, use_select, to_use, ("discipline.slug", "title", "text"))


FAQS = Facts(Faq, faq_select, to_faq, ("question", "answer"), ("question", "answer"))


# Filters a request can give, as the bound parameters their values go to.
KEY_FILTERS = (
    ("aspect", "aspect_id", ASPECTS),
    ("discipline", "discipline_id", DISCIPLINES),
    ("source", "source_id", SOURCES),
)


@cache
def list_select(facts: Facts, order: Sort, filters: tuple[str, ...]) -> AnySelect:
    conditions: list[ColumnElement[bool]] = []
    for name in filters:
        if name == "q":
            columns = (col(getattr(facts.table, field)) for field in facts.searched)
            conditions.append(or_(*(contains_param(column, "q") for column in columns)))
        else:
            conditions.append(col(getattr(facts.table, name)) == bindparam(name))
    return facts.select().where(*conditions).add_columns(*sort_columns(order))
