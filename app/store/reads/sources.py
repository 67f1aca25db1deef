"""Reads of sources: list orders and one source by id."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlmodel import col

from app.store.dialect import AnySelect, bytewise
from app.store.keyset import Sort, SortKey, sort_columns
from app.store.models import Source
from app.store.reads.common import source_select

SORTS = {
    name: Sort(name, (SortKey(bytewise(col(Source.slug)), descending), SortKey(col(Source.id),
                                                                             descending)))
    for name, descending in (("slug", False), ("-slug", True))
}  # fmt: skip


@cache
def list_select(sort: Sort) -> AnySelect:
    return source_select(*sort_columns(sort))


@cache
def one_select() -> AnySelect:
    return source_select().where(col(Source.id) == bindparam("id"))
