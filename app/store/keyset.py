"""Keyset pages: rows strictly after the last one a page showed, in a total order.

Every sort ends with the row id, so the order is total: ties never repeat or skip a row.
Queries come in with bound parameters for their values (``bindparam``), built once per shape;
the page and count statements derived from them are built once too (kept by the query's
identity), so a request runs statements SQLAlchemy has already compiled.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.engine import Connection

from app.store.dialect import AnySelect, fetch
from app.store.remembered import remembered


@dataclass(frozen=True)
class SortKey:
    """A column to order by; ``descending`` flips it."""

    column: Any  # app.store.dialect.SQLColumn; typed loosely so both Core and ORM columns compare
    descending: bool = False


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a key of built statements
class Sort:
    """A named order: the keys, ending with a unique column. Define each once, at import."""

    name: str
    keys: tuple[SortKey, ...]


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int
    more: bool  # rows follow the last one
    last: list[Any] | None  # the sort values of the last row, for the next page's cursor


def fetch_page(
    connection: Connection,
    query: AnySelect,
    sort: Sort,
    *,
    limit: int,
    binds: Mapping[str, Any],
    count_key: Hashable,
    after: Sequence[Any] | None = None,
    offset: int | None = None,
) -> Page:
    """One page of ``query`` in ``sort`` order: after the sort values ``after``, or from
    ``offset``. The total is counted once per dataset version and ``count_key``."""
    values = dict(binds)
    total = remembered(
        connection,
        ("count", count_key),
        lambda: int(fetch(connection, _count_statement(query), values)[0][0]),
    )
    values["_limit"] = limit + 1
    mode: _Mode = "first"
    if offset is not None:
        mode, values["_offset"] = "offset", offset
    elif after is not None:
        mode = "after"
        values |= {f"_after{index}": value for index, value in enumerate(after)}
    rows = fetch(connection, _page_statement(query, sort, mode), values)
    shown = rows[:limit]
    last = [getattr(shown[-1], f"sort_key{i}") for i in range(len(sort.keys))] if shown else None
    return Page(shown, total, len(rows) > limit, last)


def sort_columns(sort: Sort) -> list[ColumnElement[Any]]:
    """The sort columns to add to a query, labelled so a page's last row yields the cursor."""
    return [key.column.label(f"sort_key{index}") for index, key in enumerate(sort.keys)]


_Mode = Literal["first", "after", "offset"]
_STATEMENTS = 4096  # route shapes, sorts and modes, with room to spare


@lru_cache(maxsize=_STATEMENTS)
def _count_statement(query: AnySelect) -> AnySelect:
    return select(func.count()).select_from(query.order_by(None).subquery())


@lru_cache(maxsize=_STATEMENTS)
def _page_statement(query: AnySelect, sort: Sort, mode: _Mode) -> AnySelect:
    ordered = query.order_by(*(_order(key) for key in sort.keys))
    if mode == "after":
        ordered = ordered.where(_after(sort))
    if mode == "offset":
        ordered = ordered.offset(bindparam("_offset"))
    return ordered.limit(bindparam("_limit"))


def _order(key: SortKey) -> ColumnElement[Any]:
    ordered: ColumnElement[Any] = key.column.desc() if key.descending else key.column.asc()
    return ordered


def _after(sort: Sort) -> ColumnElement[bool]:
    # (a, b, c) after (x, y, z): a > x, or a = x and b > y, or … — per key direction; the
    # cursor's values are bound as _after0, _after1, …
    values: list[Any] = [bindparam(f"_after{index}") for index in range(len(sort.keys))]
    clauses = []
    for index, key in enumerate(sort.keys):
        equal = [k.column == values[i] for i, k in enumerate(sort.keys[:index])]
        beyond = key.column < values[index] if key.descending else key.column > values[index]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)
