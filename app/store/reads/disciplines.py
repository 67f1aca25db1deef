"""Reads of disciplines: list orders, and the definitions and uses of one."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select
from sqlmodel import col

from app.store.dialect import AnySelect, bytewise, contains_param
from app.store.keyset import Sort, SortKey, sort_columns
from app.store.models import Definition, Discipline, DisciplineUse
from app.store.reads.common import (
    definition_select,
    use_select,
)

SORTS = {
    name: Sort(name, (SortKey(column, descending), SortKey(col(Discipline.id), descending)))
    for name, column, descending in (
        ("slug", bytewise(col(Discipline.slug)), False),
        ("-slug", bytewise(col(Discipline.slug)), True),
        ("name", bytewise(col(Discipline.name)), False),
        ("-name", bytewise(col(Discipline.name)), True),
    )
}


@cache
def list_select(sort: Sort, text: bool) -> AnySelect:
    query = select(
        col(Discipline.id), col(Discipline.slug), col(Discipline.name), *sort_columns(sort)
    )
    return query.where(contains_param(col(Discipline.name), "q")) if text else query


@cache
def definitions_select() -> AnySelect:
    return (
        definition_select()
        .where(col(Definition.discipline_id) == bindparam("discipline_id"))
        .order_by(col(Definition.source_id), col(Definition.position))
    )


@cache
def uses_select() -> AnySelect:
    return (
        use_select()
        .where(col(DisciplineUse.discipline_id) == bindparam("discipline_id"))
        .order_by(col(DisciplineUse.source_id), col(DisciplineUse.position))
    )
